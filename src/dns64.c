/* SPDX-License-Identifier: BSD-3-Clause */
/* src/dns64.c - DNS64 (RFC 6147): AAAA records made from A records for clients in subnets with EnableDns64. */
#include "config.h"
#include "dns64.h"

#include "wire.h"

#include <stdbool.h>
#include <string.h>

const uint8_t dns64_prefix[12] = { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };

/* Records of one answer section: no message of 65,535 bytes has more,
 * as a record takes at least 11 bytes. */
#define DNS64_MAX_RECORDS 5958
#define A_GROWTH 12		/* an AAAA record is 12 bytes longer than an A record */

struct answer_records {
	unsigned n, n_a;
	uint16_t start[DNS64_MAX_RECORDS];	/* where each record starts */
	uint16_t a_end[DNS64_MAX_RECORDS];	/* where each A record ends, in order */
	bool is_a[DNS64_MAX_RECORDS];
	size_t end;				/* end of the answer section */
};

/* Past a name at pos (labels, ending in a root label or a pointer). */
static bool
skip_name(const uint8_t *msg, size_t len, size_t *pos)
{
	size_t p = *pos;
	for (unsigned labels = 0; labels < 128; labels++) {
		if (p >= len)
			return false;
		uint8_t c = msg[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 2 > len)
				return false;
			*pos = p + 2;
			return true;
		}
		if (c & 0xc0)
			return false;
		p += (size_t)c + 1;
		if (c == 0) {
			*pos = p;
			return true;
		}
	}
	return false;
}

/* The offset of a name's compression pointer, or 0 when it has none. */
static size_t
name_pointer(const uint8_t *msg, size_t pos)
{
	while (msg[pos] && (msg[pos] & 0xc0) != 0xc0)
		pos += (size_t)msg[pos] + 1;
	return msg[pos] ? pos : 0;
}

static bool
carries_name(uint16_t type)
{
	return type == DNS_TYPE_CNAME || type == DNS_TYPE_DNAME;
}

/* Find the answer section's records; false when the message is malformed. */
static bool
scan_answers(const uint8_t *msg, size_t len, struct answer_records *r)
{
	size_t p = DNS_HEADER_SIZE;
	unsigned an = wire_get16(msg + 6);
	if (len < DNS_HEADER_SIZE || wire_get16(msg + 4) != 1 || an > DNS64_MAX_RECORDS ||
	    !skip_name(msg, len, &p) || p + 4 > len)
		return false;
	p += 4;
	r->n = r->n_a = 0;
	for (unsigned i = 0; i < an; i++) {
		r->start[i] = (uint16_t)p;
		if (!skip_name(msg, len, &p) || p + 10 > len)
			return false;
		uint16_t type = wire_get16(msg + p), rdlen = wire_get16(msg + p + 8);
		bool a = type == DNS_TYPE_A && wire_get16(msg + p + 2) == DNS_CLASS_IN && rdlen == 4;
		p += 10;
		if (p + rdlen > len)
			return false;
		size_t q = p;
		if (carries_name(type) && (!skip_name(msg, p + rdlen, &q) || q != p + rdlen))
			return false;
		p += rdlen;
		r->is_a[i] = a;
		if (a)
			r->a_end[r->n_a++] = (uint16_t)p;
		r->n++;
	}
	r->end = p;
	return true;
}

/* How far a byte at old offset t moves: 12 for every A record before it. */
static size_t
shift_of(const struct answer_records *r, size_t t)
{
	unsigned lo = 0, hi = r->n_a;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (r->a_end[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)lo * A_GROWTH;
}

/* The pointers of record i's names, moved as their targets move; with
 * write false only checked (every new target must fit in 14 bits). */
static bool
fix_pointers(uint8_t *msg, const struct answer_records *r, unsigned i, size_t at, bool write)
{
	size_t names[2] = { at, 0 };
	size_t p = at;
	skip_name(msg, SIZE_MAX, &p);
	if (carries_name(wire_get16(msg + p)))
		names[1] = p + 10;
	(void)i;
	for (unsigned k = 0; k < 2 && names[k]; k++) {
		size_t q = name_pointer(msg, names[k]);
		if (!q)
			continue;
		size_t target = wire_get16(msg + q) & 0x3fff;
		size_t moved = target + shift_of(r, target);
		if (moved > 0x3fff)
			return false;
		if (write)
			wire_put16(msg + q, (uint16_t)(0xc000 | moved));
	}
	return true;
}

/* Record i, moved by the A records before it, and made AAAA when it is A. */
static void
move_record(uint8_t *msg, const struct answer_records *r, unsigned i, unsigned a_before,
	uint32_t ttl_cap)
{
	size_t from = r->start[i];
	size_t end = i + 1 < r->n ? r->start[i + 1] : r->end;
	size_t to = from + (size_t)a_before * A_GROWTH;
	memmove(msg + to, msg + from, end - from);
	fix_pointers(msg, r, i, to, true);
	if (!r->is_a[i])
		return;
	size_t p = to;
	skip_name(msg, SIZE_MAX, &p);
	uint8_t v4[4];
	memcpy(v4, msg + p + 10, 4);
	wire_put16(msg + p, DNS_TYPE_AAAA);
	if (wire_get32(msg + p + 4) > ttl_cap)
		wire_put32(msg + p + 4, ttl_cap);
	wire_put16(msg + p + 8, 16);
	memcpy(msg + p + 10, dns64_prefix, sizeof(dns64_prefix));
	memcpy(msg + p + 22, v4, 4);
}

size_t
dns64_synthesize(uint8_t *msg, size_t len, size_t cap, uint32_t ttl_cap)
{
	static __thread struct answer_records r;	/* 24 KiB: not on the stack */
	if (!scan_answers(msg, len, &r) || r.n_a == 0)
		return 0;
	size_t new_len = r.end + (size_t)r.n_a * A_GROWTH;
	if (new_len > cap)
		return DNS64_TOO_BIG;
	for (unsigned i = 0; i < r.n; i++)
		if (!fix_pointers(msg, &r, i, r.start[i], false))
			return 0;
	unsigned a_before = r.n_a;
	for (unsigned i = r.n; i-- > 0;) {
		if (r.is_a[i])
			a_before--;
		move_record(msg, &r, i, a_before, ttl_cap);
	}
	wire_put16(msg + 8, 0);		/* authority and additional dropped */
	wire_put16(msg + 10, 0);
	return new_len;
}

uint32_t
dns64_negative_ttl(const uint8_t *block, size_t len, unsigned ancount)
{
	size_t p = 0;
	for (unsigned i = 0; i <= ancount; i++) {
		if (!skip_name(block, len, &p) || p + 10 > len)
			return UINT32_MAX;
		if (i == ancount)
			return wire_get16(block + p) == DNS_TYPE_SOA ? wire_get32(block + p + 4) :
				UINT32_MAX;
		p += 10 + (size_t)wire_get16(block + p + 8);
	}
	return UINT32_MAX;
}

/* Past the header and the one question of a message; 0 when malformed. */
static size_t
after_question(const uint8_t *msg, size_t len)
{
	size_t p = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || wire_get16(msg + 4) != 1 || !skip_name(msg, len, &p) ||
	    p + 4 > len)
		return 0;
	return p + 4;
}

bool
dns64_wanted(const uint8_t *msg, size_t len, uint32_t *neg_ttl)
{
	size_t p = after_question(msg, len);
	unsigned an = wire_get16(msg + 6), ns = wire_get16(msg + 8);
	if (!p || (wire_flags(msg) & DNS_RCODE_MASK) != DNS_RCODE_NOERROR)
		return false;
	*neg_ttl = UINT32_MAX;
	for (unsigned i = 0; i < an + ns; i++) {
		if (!skip_name(msg, len, &p) || p + 10 > len)
			return false;
		uint16_t type = wire_get16(msg + p), rdlen = wire_get16(msg + p + 8);
		if (p + 10 + rdlen > len || (i < an && type == DNS_TYPE_AAAA))
			return false;
		if (i >= an && type == DNS_TYPE_SOA && rdlen >= 20) {
			uint32_t ttl = wire_get32(msg + p + 4);
			uint32_t minimum = wire_get32(msg + p + 10 + rdlen - 4);
			*neg_ttl = ttl < minimum ? ttl : minimum;
		}
		p += 10 + (size_t)rdlen;
	}
	return true;
}
