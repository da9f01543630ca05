/* SPDX-License-Identifier: BSD-3-Clause */
/* src/forward.c - upstream queries: build them, accept only matching replies, rewrite for the client. */
#include "config.h"
#include "forward.h"

#include "wire.h"

#include <string.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif
#include <stdlib.h>
#include <time.h>

void
forward_keep(struct fwd_question *fq, const struct query_info *qi)
{
	fq->qi = *qi;
	memcpy(fq->buf, qi->question, qi->question_len);
	fq->qi.question = fq->buf;
}

/* Random bits, 32 at a time, for the letters of a name. */
static void
caps_draw(const uint8_t *lname, size_t len, uint8_t *out, unsigned *upper, unsigned *letters)
{
	uint32_t bits = 0;
	unsigned left = 0;
	*upper = *letters = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = lname[i];
		out[i] = c;
		if (c < 'a' || c > 'z')
			continue;	/* length bytes are below 'a' (at most 63) */
		if (left == 0) {
			bits = forward_random32();
			left = 32;
		}
		(*letters)++;
		if (bits & 1) {
			out[i] = (uint8_t)(c - 32);
			(*upper)++;
		}
		bits >>= 1;
		left--;
	}
}

void
forward_caps(const struct fwd_question *fq, uint8_t *out)
{
	unsigned upper, letters;
	/* all-lower or all-upper is drawn again (p <= 1/2 each time), so
	 * every name with two letters mixes cases, uniformly among those */
	for (int i = 0; i < 64; i++) {
		caps_draw(fq->qi.lname, fq->qi.qname_len, out, &upper, &letters);
		if (letters < 2 || (upper > 0 && upper < letters))
			return;
	}
}

size_t
forward_make_query(const struct fwd_question *fq, uint16_t id, uint16_t edns_size,
	const uint8_t *name, uint8_t *out, size_t cap)
{
	const struct query_info *qi = &fq->qi;
	size_t len = DNS_HEADER_SIZE + qi->question_len + 11;
	if (cap < len)
		return 0;
	wire_put16(out, id);
	wire_put16(out + 2, DNS_FLAG_RD | (qi->flags & DNS_FLAG_CD));
	wire_put16(out + 4, 1);
	wire_put16(out + 6, 0);
	wire_put16(out + 8, 0);
	wire_put16(out + 10, 1);
	uint8_t *p = out + DNS_HEADER_SIZE;
	memcpy(p, name, qi->qname_len);
	wire_put16(p + qi->qname_len, qi->qtype);
	wire_put16(p + qi->qname_len + 2, qi->qclass);
	p += qi->question_len;
	p[0] = 0;
	wire_put16(p + 1, DNS_TYPE_OPT);
	wire_put16(p + 3, edns_size);
	wire_put32(p + 5, qi->do_bit ? EDNS_FLAG_DO : 0);
	wire_put16(p + 9, 0);
	return len;
}

/* The record at pos runs past the end of the message (a datagram cut
 * short), rather than being malformed within it. */
static bool
runs_out(const uint8_t *pkt, size_t len, size_t pos)
{
	for (;;) {
		if (pos >= len)
			return true;
		uint8_t c = pkt[pos];
		if ((c & 0xc0) == 0xc0) {
			pos += 2;
			break;
		}
		if (c & 0xc0)
			return false;
		pos += (size_t)c + 1;
		if (c == 0)
			break;
	}
	if (pos + 10 > len)
		return true;
	return pos + 10 + wire_get16(pkt + pos + 8) > len;
}

enum fwd_verdict
forward_check_reply(const struct fwd_question *fq, uint16_t id, const uint8_t *sent,
	const uint8_t *pkt, size_t len)
{
	const struct query_info *qi = &fq->qi;
	if (len < DNS_HEADER_SIZE || wire_get16(pkt) != id)
		return FWD_IGNORE;
	uint16_t flags = wire_flags(pkt);
	if (!(flags & DNS_FLAG_QR) || wire_opcode(pkt) != DNS_OPCODE_QUERY)
		return FWD_IGNORE;
	if (wire_get16(pkt + 4) != 1)
		return FWD_IGNORE;
	uint8_t name[DNAME_MAX];
	size_t pos = DNS_HEADER_SIZE;
	size_t nlen = wire_read_name(pkt, len, &pos, name, true);
	/* the question must be written out in full, as ours was, so that the
	 * client's copy of it can take its place byte for byte */
	if (!nlen || nlen != qi->qname_len || pos != DNS_HEADER_SIZE + nlen ||
	    memcmp(name, qi->lname, nlen) != 0)
		return FWD_IGNORE;
	if (len - pos < 4 || wire_get16(pkt + pos) != qi->qtype ||
	    wire_get16(pkt + pos + 2) != qi->qclass)
		return FWD_IGNORE;
	if (sent && memcmp(pkt + DNS_HEADER_SIZE, sent, nlen) != 0)
		return FWD_CASE;
	if (flags & DNS_FLAG_TC)
		return FWD_TRUNCATED;
	/* the sections must parse, or the reply is no use to the client */
	pos += 4;
	unsigned total = (unsigned)wire_get16(pkt + 6) + wire_get16(pkt + 8) + wire_get16(pkt + 10);
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(pkt, len, &pos, &rr))
			return runs_out(pkt, len, pos) ? FWD_CUT : FWD_FAIL;
	}
	return FWD_ACCEPT;
}

/* Copy the sections, leaving out OPT records; names stay where they
 * were, so compression pointers keep pointing at the same bytes as long
 * as nothing before them moves: OPT is dropped only when it is last. */
static size_t
copy_sections(const uint8_t *up, size_t uplen, uint8_t *out, size_t *counts_out)
{
	size_t pos = DNS_HEADER_SIZE;
	if (!wire_skip_name(up, uplen, &pos))
		return 0;
	pos += 4;
	unsigned counts[3] = { wire_get16(up + 6), wire_get16(up + 8), wire_get16(up + 10) };
	size_t keep_end = pos;
	unsigned kept[3] = { 0, 0, 0 };
	for (int s = 0; s < 3; s++) {
		for (unsigned i = 0; i < counts[s]; i++) {
			struct wire_rr rr;
			if (!wire_parse_rr(up, uplen, &pos, &rr))
				return 0;
			if (rr.type == DNS_TYPE_OPT) {
				if (s != 2)
					return 0;
				/* drop it and whatever follows it in additional */
				goto done;
			}
			kept[s]++;
			keep_end = rr.end;
		}
	}
done:
	memcpy(out, up, keep_end);
	for (int s = 0; s < 3; s++)
		counts_out[s] = kept[s];
	return keep_end;
}

size_t
forward_make_reply(const struct query_env *env, const struct fwd_question *fq,
	const uint8_t *up, size_t uplen, bool tcp, uint8_t *out, size_t cap)
{
	const struct query_info *qi = &fq->qi;
	size_t counts[3];
	if (uplen > cap)
		return 0;
	size_t len = copy_sections(up, uplen, out, counts);
	if (!len)
		return 0;
	size_t limit = query_reply_limit(env, qi, tcp);
	if (limit > cap)
		limit = cap;
	size_t need = len + (qi->edns ? 11 : 0);
	uint8_t rcode = (uint8_t)(wire_flags(up) & DNS_RCODE_MASK);
	if (need > limit)
		return query_reply_empty(env, qi, rcode, true, out, cap);
	uint16_t flags = wire_flags(up);
	flags = (uint16_t)((flags & ~(DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_Z | DNS_FLAG_AA)) |
		DNS_FLAG_RA | (qi->flags & (DNS_FLAG_RD | DNS_FLAG_CD)));
	/* dnsd validates nothing: it passes the upstream's AD only to a client
	 * that asked for it with AD or DO (RFC 6840 §5.7-5.8) */
	if (!(qi->flags & DNS_FLAG_AD) && !qi->do_bit)
		flags &= (uint16_t)~DNS_FLAG_AD;
	wire_put16(out, qi->id);
	wire_put16(out + 2, flags);
	memcpy(out + DNS_HEADER_SIZE, qi->question, qi->question_len);
	wire_put16(out + 6, (uint16_t)counts[0]);
	wire_put16(out + 8, (uint16_t)counts[1]);
	wire_put16(out + 10, (uint16_t)(counts[2] + (qi->edns ? 1 : 0)));
	if (qi->edns)
		len += query_put_opt(env, qi, out + len, 0);
	return len;
}

uint32_t
forward_random32(void)
{
	static __thread uint32_t pool[64];
	static __thread unsigned left;
	if (left == 0) {
		size_t got = 0;
#ifdef HAVE_GETRANDOM
		while (got < sizeof(pool)) {
			ssize_t n = getrandom((uint8_t *)pool + got, sizeof(pool) - got, 0);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
#endif
		if (got < sizeof(pool)) {
			/* no getrandom: not for ids an attacker must not guess, but never fails */
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			srandom((unsigned)(ts.tv_nsec ^ ts.tv_sec));
			for (unsigned i = 0; i < 64; i++)
				pool[i] = (uint32_t)random() ^ ((uint32_t)random() << 16);
		}
		left = 64;
	}
	return pool[--left];
}

uint16_t
forward_draw(struct fwd_recent *r, uint16_t lo, uint16_t hi)
{
	uint32_t range = (uint32_t)hi - lo + 1;
	unsigned window = range / 4 < FWD_RECENT ? range / 4 : FWD_RECENT;
	uint16_t v = lo;
	/* at most a quarter of the range is taken: a free value comes within
	 * a few draws; 64 misses in a row (p = 4^-64) take the last one */
	for (int i = 0; i < 64; i++) {
		v = (uint16_t)(lo + forward_random32() % range);
		if (!(r->used[v >> 3] & (1u << (v & 7))))
			break;
	}
	if (window == 0)
		return v;
	if (r->count >= window) {
		uint16_t old = r->ring[r->head];
		r->used[old >> 3] &= (uint8_t)~(1u << (old & 7));
		r->head = (r->head + 1) % FWD_RECENT;
		r->count--;
	}
	r->ring[(r->head + r->count) % FWD_RECENT] = v;
	r->count++;
	r->used[v >> 3] |= (uint8_t)(1u << (v & 7));
	return v;
}

static unsigned
caps_slot(const struct sockaddr_storage *addr, socklen_t len)
{
	const uint8_t *b = (const uint8_t *)addr;
	uint32_t h = 2166136261u;
	for (socklen_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h % FWD_CAPS_SLOTS;
}

void
forward_caps_remember(struct fwd_caps_memory *m, const struct sockaddr_storage *addr,
	socklen_t len, uint64_t until)
{
	unsigned i = caps_slot(addr, len);
	memcpy(&m->slot[i].addr, addr, len);
	m->slot[i].len = len;
	m->slot[i].until = until;
}

bool
forward_caps_off(const struct fwd_caps_memory *m, const struct sockaddr_storage *addr,
	socklen_t len, uint64_t now)
{
	unsigned i = caps_slot(addr, len);
	return m->slot[i].until > now && m->slot[i].len == len &&
		memcmp(&m->slot[i].addr, addr, len) == 0;
}
