/* SPDX-License-Identifier: BSD-3-Clause */
/* src/dname.c - domain names in wire form: text conversion, comparison, suffix hashes. */
#include "config.h"
#include "dname.h"

#include <stdio.h>
#include <string.h>

static bool
label_char_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_' || c == '*';
}

/* Read one possibly escaped character of a text label. */
static int
text_char(const char **p, uint8_t *c, const char **why)
{
	const char *s = *p;
	if (*s != '\\') {
		*c = (uint8_t)*s;
		*p = s + 1;
		return 0;
	}
	if (s[1] >= '0' && s[1] <= '9') {
		if (!(s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9')) {
			*why = "bad \\DDD escape";
			return -1;
		}
		int v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (v > 255) {
			*why = "\\DDD escape above 255";
			return -1;
		}
		*c = (uint8_t)v;
		*p = s + 4;
		return 1;
	}
	if (s[1] == 0) {
		*why = "trailing backslash";
		return -1;
	}
	*c = (uint8_t)s[1];
	*p = s + 2;
	return 1;
}

int
dname_from_text(const char *text, uint8_t *out, const char **why)
{
	const char *dummy;
	const char *p = text;
	size_t pos = 0;
	if (!why)
		why = &dummy;
	if (p[0] == '.' && p[1] == 0) {
		out[0] = 0;
		return 1;
	}
	if (*p == 0) {
		*why = "empty name";
		return -1;
	}
	while (*p) {
		size_t lenpos = pos++;
		size_t n = 0;
		bool star = false;
		while (*p && *p != '.') {
			uint8_t c;
			int esc = text_char(&p, &c, why);
			if (esc < 0)
				return -1;
			c = dname_lower_byte(c);
			if (!esc && !label_char_ok(c)) {
				*why = "character not allowed in a name";
				return -1;
			}
			if (c == '*' && !esc)
				star = true;
			if (++n > 63) {
				*why = "label longer than 63 octets";
				return -1;
			}
			if (pos >= DNAME_MAX - 1) {
				*why = "name longer than 255 octets";
				return -1;
			}
			out[pos++] = c;
		}
		if (n == 0) {
			*why = "empty label";
			return -1;
		}
		if (star && n != 1) {
			*why = "'*' must be a whole label";
			return -1;
		}
		out[lenpos] = (uint8_t)n;
		if (*p == '.') {
			p++;
			if (*p == 0)
				break;
		}
	}
	out[pos++] = 0;
	return (int)pos;
}

size_t
dname_to_text(const uint8_t *wire, char *out, size_t size)
{
	size_t o = 0;
	char tmp[8];
	if (size == 0)
		return 0;
	if (wire[0] == 0) {
		if (size > 1)
			out[o++] = '.';
		out[o] = 0;
		return o;
	}
	while (*wire) {
		uint8_t n = *wire++;
		for (uint8_t i = 0; i < n; i++) {
			uint8_t c = wire[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*') {
				if (o + 1 < size)	/* the common case: no formatting */
					out[o++] = (char)c;
				continue;
			}
			snprintf(tmp, sizeof(tmp), "\\%03u", c);
			for (const char *s = tmp; *s && o + 1 < size; s++)
				out[o++] = *s;
		}
		wire += n;
		if (o + 1 < size)
			out[o++] = '.';
	}
	out[o] = 0;
	return o;
}

size_t
dname_len(const uint8_t *wire)
{
	size_t n = 0;
	while (wire[n])
		n += (size_t)wire[n] + 1;
	return n + 1;
}

unsigned
dname_label_count(const uint8_t *wire)
{
	unsigned c = 0;
	while (*wire) {
		wire += *wire + 1;
		c++;
	}
	return c;
}

bool
dname_is_subdomain(const uint8_t *name, size_t len, const uint8_t *parent, size_t plen)
{
	size_t pos = 0;
	if (plen > len)
		return false;
	/* walk labels until the remaining suffix has the parent's length */
	while (len - pos > plen)
		pos += (size_t)name[pos] + 1;
	return len - pos == plen && memcmp(name + pos, parent, plen) == 0;
}

uint32_t
dname_hash(const uint8_t *wire)
{
	const uint8_t *labels[DNAME_MAX_LABELS];
	unsigned n = 0;
	uint32_t h = DNAME_HASH_ROOT;
	while (*wire && n < DNAME_MAX_LABELS) {
		labels[n++] = wire;
		wire += *wire + 1;
	}
	while (n > 0)
		h = dname_hash_label(h, labels[--n]);
	return h;
}

bool
dname_canonical_text(const char *text, char *out, size_t size)
{
	uint8_t wire[DNAME_MAX];
	if (dname_from_text(text, wire, NULL) < 0)
		return false;
	dname_to_text(wire, out, size);
	return true;
}
