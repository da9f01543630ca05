/* SPDX-License-Identifier: BSD-3-Clause */
/* src/wire.c - DNS message constants and bounds-checked readers that never allocate. */
#include "config.h"
#include "wire.h"

#include "dname.h"

#include <string.h>

/*
 * Walk a name, following compression pointers. A pointer must point
 * strictly before the label it appears in, which rules out loops; the
 * 255-octet limit bounds the work as well.
 */
static size_t
name_walk(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *out, bool lower)
{
	size_t p = *pos;
	size_t end = 0;		/* where the name ends in the message */
	size_t total = 0;	/* uncompressed length so far */
	size_t limit = p;	/* pointers must go below this */
	bool jumped = false;

	for (;;) {
		if (p >= len)
			return 0;
		uint8_t c = pkt[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return 0;
			size_t target = ((size_t)(c & 0x3f) << 8) | pkt[p + 1];
			if (target >= limit)
				return 0;
			if (!jumped)
				end = p + 2;
			jumped = true;
			limit = target;
			p = target;
			continue;
		}
		if (c & 0xc0)
			return 0;	/* 0x40 extended and 0x80 reserved label types */
		if (total + c + 1 > DNAME_MAX)
			return 0;
		if (p + 1 + c > len)
			return 0;
		if (out) {
			out[total] = c;
			for (uint8_t i = 1; i <= c; i++)
				out[total + i] = lower ? dname_lower_byte(pkt[p + i]) : pkt[p + i];
		}
		total += (size_t)c + 1;
		if (c == 0) {
			if (!jumped)
				end = p + 1;
			break;
		}
		p += (size_t)c + 1;
	}
	*pos = end;
	return total;
}

bool
wire_skip_name(const uint8_t *pkt, size_t len, size_t *pos)
{
	return name_walk(pkt, len, pos, NULL, false) != 0;
}

size_t
wire_read_name(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *out, bool lower)
{
	return name_walk(pkt, len, pos, out, lower);
}

bool
wire_parse_rr(const uint8_t *pkt, size_t len, size_t *pos, struct wire_rr *rr)
{
	size_t p = *pos;
	rr->owner = p;
	if (!wire_skip_name(pkt, len, &p))
		return false;
	if (len - p < 10)
		return false;
	rr->type = wire_get16(pkt + p);
	rr->rclass = wire_get16(pkt + p + 2);
	rr->ttl = wire_get32(pkt + p + 4);
	rr->rdlen = wire_get16(pkt + p + 8);
	rr->rdata = p + 10;
	if (len - rr->rdata < rr->rdlen)
		return false;
	rr->end = rr->rdata + rr->rdlen;
	*pos = rr->end;
	return true;
}

bool
wire_name_equal(const uint8_t *pa, size_t alen, size_t apos,
	const uint8_t *pb, size_t blen, size_t bpos)
{
	uint8_t a[DNAME_MAX], b[DNAME_MAX];
	size_t la = wire_read_name(pa, alen, &apos, a, true);
	size_t lb = wire_read_name(pb, blen, &bpos, b, true);
	return la && la == lb && memcmp(a, b, la) == 0;
}
