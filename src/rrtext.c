/* SPDX-License-Identifier: BSD-3-Clause */
/* src/rrtext.c - DNS messages and records in presentation format (dig-like), without ldns. */
#include "config.h"
#include "rrtext.h"

#include "dname.h"
#include "netaddr.h"
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const struct {
	uint16_t type;
	const char *name;
} types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" }, { 13, "HINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 35, "NAPTR" },
	{ 39, "DNAME" }, { 41, "OPT" }, { 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 50, "NSEC3" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
};

const char *
rrtext_type(uint16_t type, char *buf)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

bool
rrtext_parse_type(const char *text, uint16_t *type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcasecmp(types[i].name, text)) {
			*type = types[i].type;
			return true;
		}
	}
	unsigned v;
	char end;
	if (strncasecmp(text, "TYPE", 4) == 0 && sscanf(text + 4, "%u%c", &v, &end) == 1 &&
	    v <= 65535) {
		*type = (uint16_t)v;
		return true;
	}
	return false;
}

const char *
rrtext_class(uint16_t rclass, char *buf)
{
	switch (rclass) {
	case DNS_CLASS_IN: return "IN";
	case DNS_CLASS_CH: return "CH";
	case DNS_CLASS_HS: return "HS";
	case DNS_CLASS_NONE: return "NONE";
	case DNS_CLASS_ANY: return "ANY";
	default:
		snprintf(buf, 16, "CLASS%u", rclass);
		return buf;
	}
}

const char *
rrtext_rcode(unsigned rcode, char *buf)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };
	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	if (rcode == 16)
		return "BADVERS";
	snprintf(buf, 16, "RCODE%u", rcode);
	return buf;
}

/* IPv6 as RFC 5952 has it: lowercase hex without leading zeros, the
 * longest run of two or more zero groups (the first of equals) as "::". */
static char *
put_v6(const uint8_t *b, char *p)
{
	static const char hex[] = "0123456789abcdef";
	int best = -1, best_len = 1;
	for (int i = 0; i < 8;) {
		int k = i;
		while (k < 8 && !b[2 * k] && !b[2 * k + 1])
			k++;
		if (k - i > best_len) {
			best = i;
			best_len = k - i;
		}
		i = k > i ? k : i + 1;
	}
	/* IPv4-compatible and IPv4-mapped addresses end in a dotted quad (as
	 * inet_ntop writes them) */
	if (best == 0 && (best_len == 6 || (best_len == 5 && b[10] == 0xff && b[11] == 0xff))) {
		memcpy(p, best_len == 6 ? "::" : "::ffff:", best_len == 6 ? 2 : 7);
		p += best_len == 6 ? 2 : 7;
		struct netaddr v4 = { AF_INET, { b[12], b[13], b[14], b[15] } };
		rrtext_addr(&v4, p);
		return p + strlen(p);
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		unsigned v = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		bool started = false;
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (v >> shift) & 15;
			if (d || started || shift == 0) {
				*p++ = hex[d];
				started = true;
			}
		}
		if (i < 7)
			*p++ = ':';
	}
	*p = 0;
	return p;
}

const char *
rrtext_addr(const struct netaddr *a, char *buf)
{
	if (a->family != AF_INET) {
		put_v6(a->bytes, buf);
		return buf;
	}
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = a->bytes[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : 0;
	}
	return buf;
}

/* Text appended to a bounded buffer; `o` counts what was wanted. */
struct out {
	char *p;
	size_t cap, o;
};

/* A string as is (most of what is written: no format to parse). */
static void
put_str(struct out *t, const char *s)
{
	size_t n = strlen(s);
	if (t->o < t->cap) {
		size_t room = t->cap - t->o - 1;
		memcpy(t->p + t->o, s, n < room ? n : room);
		t->p[t->o + (n < room ? n : room)] = 0;
	}
	t->o += n;
}

static void __attribute__((format(printf, 2, 3)))
put(struct out *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->o < t->cap ? t->p + t->o : NULL, t->o < t->cap ? t->cap - t->o : 0,
		fmt, ap);
	va_end(ap);
	if (n > 0)
		t->o += (size_t)n;
}

static bool
put_name(struct out *t, const uint8_t *msg, size_t len, size_t *pos)
{
	uint8_t name[DNAME_MAX];
	char text[DNAME_MAX * 4 + 1];
	if (!wire_read_name(msg, len, pos, name, false))
		return false;
	dname_to_text(name, text, sizeof(text));
	put_str(t, text);
	return true;
}

/* Bytes inside quotes: \" \\ and \DDD escapes. */
static void
put_chars(struct out *t, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\')
			put(t, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			put(t, "\\%03u", c);
		else
			put(t, "%c", c);
	}
}

/* One <character-string>, quoted, with \" \\ and \DDD escapes. */
static bool
put_string(struct out *t, const uint8_t *msg, size_t end, size_t *pos)
{
	if (*pos >= end || end - *pos - 1 < msg[*pos])
		return false;
	size_t n = msg[(*pos)++];
	put(t, "\"");
	put_chars(t, msg + *pos, n);
	put(t, "\"");
	*pos += n;
	return true;
}

static void
put_generic(struct out *t, const uint8_t *msg, const struct wire_rr *rr)
{
	put(t, "\\# %u", rr->rdlen);
	if (rr->rdlen)
		put(t, " ");
	for (size_t i = 0; i < rr->rdlen; i++)
		put(t, "%02x", msg[rr->rdata + i]);
}

/* The fields of the types dnsd serves or forwards most; false: malformed. */
static bool
put_fields(struct out *t, const uint8_t *msg, size_t len, const struct wire_rr *rr)
{
	size_t p = rr->rdata, end = rr->end;
	struct netaddr a = { 0 };
	char buf[64];
	switch (rr->type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		a.family = rr->type == DNS_TYPE_A ? AF_INET : AF_INET6;
		if (rr->rdlen != netaddr_len(&a))
			return false;
		memcpy(a.bytes, msg + p, rr->rdlen);
		put_str(t, rrtext_addr(&a, buf));
		return true;
	case DNS_TYPE_NS: case DNS_TYPE_CNAME: case DNS_TYPE_PTR: case 39:
		return put_name(t, msg, end, &p) && p == end;
	case DNS_TYPE_MX:
		if (rr->rdlen < 3)
			return false;
		put(t, "%u ", wire_get16(msg + p));
		p += 2;
		return put_name(t, msg, end, &p) && p == end;
	case DNS_TYPE_SRV:
		if (rr->rdlen < 7)
			return false;
		put(t, "%u %u %u ", wire_get16(msg + p), wire_get16(msg + p + 2),
			wire_get16(msg + p + 4));
		p += 6;
		return put_name(t, msg, end, &p) && p == end;
	case DNS_TYPE_SOA:
		if (!put_name(t, msg, end, &p))
			return false;
		put(t, " ");
		if (!put_name(t, msg, end, &p) || end - p != 20)
			return false;
		for (int i = 0; i < 5; i++)
			put(t, " %u", wire_get32(msg + p + 4 * i));
		return true;
	case DNS_TYPE_TXT:
		for (bool first = true; p < end; first = false) {
			if (!first)
				put(t, " ");
			if (!put_string(t, msg, end, &p))
				return false;
		}
		return rr->rdlen > 0;
	case 257:	/* CAA: flags tag "value" (RFC 8659 §4.1.1) */
		if (rr->rdlen < 2 || msg[p + 1] == 0 || msg[p + 1] > rr->rdlen - 2)
			return false;
		put(t, "%u %.*s \"", msg[p], (int)msg[p + 1], (const char *)msg + p + 2);
		put_chars(t, msg + p + 2 + msg[p + 1], end - (p + 2 + msg[p + 1]));
		put(t, "\"");
		return true;
	default:
		put_generic(t, msg, rr);
		return true;
	}
	(void)len;
}

size_t
rrtext_rdata(const uint8_t *msg, size_t len, const struct wire_rr *rr, char *out, size_t cap)
{
	struct out t = { out, cap, 0 };
	if (cap)
		out[0] = 0;
	if (!put_fields(&t, msg, len, rr)) {
		snprintf(out, cap, "(malformed)");
		return 0;
	}
	return t.o < cap ? t.o : cap ? cap - 1 : 0;
}

static const char *
flags_text(uint16_t f, char *buf, size_t size)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} bits[] = { { DNS_FLAG_QR, "qr" }, { DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" },
		{ DNS_FLAG_RD, "rd" }, { DNS_FLAG_RA, "ra" }, { DNS_FLAG_AD, "ad" },
		{ DNS_FLAG_CD, "cd" } };
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (f & bits[i].bit)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? " " : "", bits[i].name);
	return buf;
}

static bool
put_rr(struct out *t, const uint8_t *msg, size_t len, size_t *pos)
{
	struct wire_rr rr;
	char tb[16], cb[16], rdata[2048];
	size_t owner = *pos;
	if (!wire_parse_rr(msg, len, pos, &rr))
		return false;
	if (rr.type == DNS_TYPE_OPT) {
		put(t, "; EDNS: version: %u, flags:%s; udp: %u\n", (rr.ttl >> 16) & 0xff,
			rr.ttl & EDNS_FLAG_DO ? " do" : "", rr.rclass);
		return true;
	}
	if (!put_name(t, msg, len, &owner))
		return false;
	rrtext_rdata(msg, len, &rr, rdata, sizeof(rdata));
	put(t, "\t%u\t%s\t%s\t%s\n", rr.ttl, rrtext_class(rr.rclass, cb),
		rrtext_type(rr.type, tb), rdata);
	return true;
}

size_t
rrtext_message(const uint8_t *msg, size_t len, char *out, size_t cap)
{
	static const char *const sections[] = { "ANSWER", "AUTHORITY", "ADDITIONAL" };
	struct out t = { out, cap, 0 };
	char fb[64], rb[16], tb[16], cb[16];
	if (cap)
		out[0] = 0;
	if (len < DNS_HEADER_SIZE) {
		put(&t, ";; a message shorter than a header\n");
		return t.o < cap ? t.o : cap - 1;
	}
	uint16_t f = wire_flags(msg);
	static const char *const opcodes[] = { "QUERY", "IQUERY", "STATUS", "3", "NOTIFY",
		"UPDATE" };
	unsigned op = wire_opcode(msg);
	put(&t, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n", op < 6 ? opcodes[op] : "?",
		rrtext_rcode(f & DNS_RCODE_MASK, rb), wire_get16(msg));
	put(&t, ";; flags: %s; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
		flags_text(f, fb, sizeof(fb)), wire_get16(msg + 4), wire_get16(msg + 6),
		wire_get16(msg + 8), wire_get16(msg + 10));
	size_t pos = DNS_HEADER_SIZE;
	for (unsigned i = 0; i < wire_get16(msg + 4); i++) {
		put(&t, "\n;; QUESTION SECTION:\n;");
		if (!put_name(&t, msg, len, &pos) || len - pos < 4)
			goto bad;
		put(&t, "\t\t%s\t%s\n", rrtext_class(wire_get16(msg + pos + 2), cb),
			rrtext_type(wire_get16(msg + pos), tb));
		pos += 4;
	}
	for (int s = 0; s < 3; s++) {
		unsigned n = wire_get16(msg + 6 + 2 * s);
		if (n)
			put(&t, "\n;; %s SECTION:\n", sections[s]);
		for (unsigned i = 0; i < n; i++)
			if (!put_rr(&t, msg, len, &pos))
				goto bad;
	}
	return t.o < cap ? t.o : cap - 1;
bad:
	put(&t, ";; (the rest of the message is malformed)\n");
	return t.o < cap ? t.o : cap - 1;
}
