/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_rr.c - the records of a compiled name, read back from its prepared answers; packed records. */
#include "config.h"
#include "xfr_rr.h"

#include "pack.h"
#include "zonedb.h"

#include <string.h>

/* Rebuild a message around an answer block: header, the name as the
 * question, the block with its pointers set as the answer path sets
 * them for that name (query.c put_block). */
static size_t
rebuild(const struct node *n, const struct answer *a, uint8_t *msg)
{
	size_t qlen = n->name_len;
	memset(msg, 0, DNS_HEADER_SIZE);
	wire_put16(msg + 6, a->ancount);
	memcpy(msg + DNS_HEADER_SIZE, n->name, qlen);
	wire_put16(msg + DNS_HEADER_SIZE + qlen, a->qtype);
	wire_put16(msg + DNS_HEADER_SIZE + qlen + 2, DNS_CLASS_IN);
	size_t start = DNS_HEADER_SIZE + qlen + 4;
	memcpy(msg + start, a->block, a->len);
	for (unsigned i = 0; i < a->n_reloc; i++) {
		uint16_t v = a->relocs[i].value;
		size_t target = (v & RELOC_QNAME_SUFFIX) ?
			DNS_HEADER_SIZE + qlen - (v & ~RELOC_QNAME_SUFFIX) : start + v;
		wire_put16(msg + start + a->relocs[i].at, (uint16_t)(0xc000 | target));
	}
	return start + a->len;
}

/* The answer section of one rebuilt block, record by record. */
static bool
each_in_block(const uint8_t *msg, size_t len, unsigned count, struct xfr_scratch *s,
	xfr_rr_fn fn, void *ctx)
{
	size_t pos = DNS_HEADER_SIZE;
	if (!wire_skip_name(msg, len, &pos) || len - pos < 4)
		return false;
	pos += 4;
	for (unsigned i = 0; i < count; i++) {
		struct wire_rr w;
		size_t o = pos;
		if (!wire_parse_rr(msg, len, &pos, &w))
			return false;
		struct xfr_rr rr = { s->owner, 0, w.type, w.ttl, msg + w.rdata, w.rdlen };
		rr.owner_len = (uint8_t)wire_read_name(msg, len, &o, s->owner, false);
		if (!rr.owner_len)
			return false;
		if (pack_rdata_is_name(w.type)) {
			size_t r = w.rdata;
			rr.rdlen = (uint16_t)wire_read_name(msg, w.end, &r, s->rdata, false);
			rr.rdata = s->rdata;
			if (!rr.rdlen || r != w.end)
				return false;
		}
		if (w.type != DNS_TYPE_SOA && !fn(ctx, &rr))
			return false;
	}
	return true;
}

bool
xfr_node_each(const struct node *n, struct xfr_scratch *s, xfr_rr_fn fn, void *ctx)
{
	for (uint16_t i = 0; i < n->n_answers; i++) {
		const struct answer *a = &n->answers[i];
		/* a CNAME name: its CNAME; the chain and the ends are other names' */
		if (a->qtype == 0 || ((n->flags & NODE_CNAME) && a->qtype != DNS_TYPE_CNAME))
			continue;
		size_t len = rebuild(n, a, s->msg);
		if (!each_in_block(s->msg, len, a->ancount, s, fn, ctx))
			return false;
	}
	return true;
}

bool
xfr_node_same(const struct node *a, const struct node *b)
{
	if (a->n_answers != b->n_answers || a->flags != b->flags)
		return false;
	for (uint16_t i = 0; i < a->n_answers; i++) {
		const struct answer *x = &a->answers[i], *y = &b->answers[i];
		if (x->qtype != y->qtype || x->len != y->len || x->ancount != y->ancount ||
		    x->n_reloc != y->n_reloc || memcmp(x->block, y->block, x->len) != 0 ||
		    (x->n_reloc && memcmp(x->relocs, y->relocs, x->n_reloc * sizeof(*x->relocs))))
			return false;
	}
	return true;
}

size_t
xfr_rr_pack(const struct xfr_rr *rr, uint8_t *out)
{
	uint8_t *p = out;
	*p++ = rr->owner_len;
	memcpy(p, rr->owner, rr->owner_len);
	p += rr->owner_len;
	wire_put16(p, rr->type);
	wire_put16(p + 2, rr->rdlen);
	p += 4;
	memcpy(p, rr->rdata, rr->rdlen);
	p += rr->rdlen;
	wire_put32(p, rr->ttl);
	return (size_t)(p + 4 - out);
}

size_t
xfr_rr_unpack(const uint8_t *p, struct xfr_rr *rr)
{
	rr->owner_len = p[0];
	rr->owner = p + 1;
	const uint8_t *q = p + 1 + rr->owner_len;
	rr->type = wire_get16(q);
	rr->rdlen = wire_get16(q + 2);
	rr->rdata = q + 4;
	rr->ttl = wire_get32(q + 4 + rr->rdlen);
	return 1u + rr->owner_len + 4u + rr->rdlen + 4u;
}

int
xfr_rr_cmp(const uint8_t *a, const uint8_t *b)
{
	struct xfr_rr x, y;
	size_t la = xfr_rr_unpack(a, &x) - 4, lb = xfr_rr_unpack(b, &y) - 4;
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	return x.ttl < y.ttl ? -1 : x.ttl > y.ttl;
}

uint64_t
xfr_hash_bytes(uint64_t h, const void *p, size_t n)
{
	/* a word at a time: a load hashes every record of every zone */
	const uint8_t *b = p;
	uint64_t w;
	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	w = 0;
	if (n)
		memcpy(&w, b, n);
	h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* splitmix64's finalizer: sums of these hashes do not cancel by accident. */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

uint64_t
xfr_rr_hash(const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
	const uint8_t *rdata, size_t rdlen)
{
	/* owners as the builder holds them: a change of case is a change */
	uint64_t h = xfr_hash_bytes(0xcbf29ce484222325ull ^ ((uint64_t)type << 32 | ttl), owner,
		owner_len);
	h = xfr_hash_bytes(h, rdata, rdlen);
	return mix(h);
}
