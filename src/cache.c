/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cache.c - cache of forwarded answers: TTL-bounded, negative per RFC 2308, LRU within a size. */
#include "config.h"
#include "cache.h"

#include "wire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TTL_FIELDS 512	/* records whose TTLs are counted down */

struct entry {
	struct entry *hnext;		/* hash chain */
	struct entry *prev, *next;	/* LRU: most recent first */
	uint32_t hash;
	uint32_t targets;
	uint16_t qtype, qclass;
	bool do_bit, cd_bit;
	uint64_t stored, expires;	/* ms on a monotonic clock */
	size_t len;
	uint16_t n_ttls;
	uint16_t *ttl_at;		/* offsets of the TTL fields */
	uint8_t *msg;
	uint8_t qname_len;
	uint8_t qname[DNAME_MAX];
};

struct cache {
	size_t max_bytes;
	struct entry **table;
	size_t mask;
	struct entry *head, *tail;
	struct cache_stats st;
};

struct cache *
cache_create(size_t max_bytes)
{
	struct cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->max_bytes = max_bytes;
	size_t size = 1024;
	while (size < max_bytes / 512 && size < (1u << 22))
		size *= 2;
	c->table = calloc(size, sizeof(*c->table));
	if (!c->table) {
		free(c);
		return NULL;
	}
	c->mask = size - 1;
	return c;
}

static size_t
entry_size(const struct entry *e)
{
	return sizeof(*e) + e->len + e->n_ttls * sizeof(uint16_t);
}

static void
entry_free(struct entry *e)
{
	free(e->msg);
	free(e->ttl_at);
	free(e);
}

void
cache_free(struct cache *c)
{
	if (!c)
		return;
	for (struct entry *e = c->head, *next; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	free(c->table);
	free(c);
}

static uint32_t
key_hash(const struct cache_key *k)
{
	uint32_t h = dname_hash(k->qname) ^ k->targets;
	h ^= (uint32_t)k->qtype * 0x9e3779b1u ^ ((uint32_t)k->qclass << 16) ^
		(k->do_bit ? 0x5bd1e995u : 0) ^ (k->cd_bit ? 0x1b873593u : 0);
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	return h ^ (h >> 12);
}

static bool
key_equal(const struct entry *e, const struct cache_key *k)
{
	return e->targets == k->targets && e->qtype == k->qtype && e->qclass == k->qclass &&
		e->do_bit == k->do_bit && e->cd_bit == k->cd_bit &&
		dname_equal(e->qname, e->qname_len, k->qname, k->qname_len);
}

static void
lru_unlink(struct cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct cache *c, struct entry *e)
{
	e->next = c->head;
	e->prev = NULL;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void
remove_entry(struct cache *c, struct entry *e)
{
	struct entry **pp = &c->table[e->hash & c->mask];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	c->st.bytes -= entry_size(e);
	c->st.entries--;
	entry_free(e);
}

/* TTL fields of every record, and how long the message may be kept:
 * the least TTL of its records, or for a negative answer
 * min(SOA TTL, SOA MINIMUM) (RFC 2308 §5). 0 means do not keep it. */
static uint32_t
scan_message(const uint8_t *msg, size_t len, uint16_t *ttl_at, uint16_t *n_ttls)
{
	size_t pos = DNS_HEADER_SIZE;
	if (len < DNS_HEADER_SIZE || wire_get16(msg + 4) != 1 || !wire_skip_name(msg, len, &pos))
		return 0;
	pos += 4;
	unsigned an = wire_get16(msg + 6), ns = wire_get16(msg + 8), ar = wire_get16(msg + 10);
	uint16_t flags = wire_flags(msg);
	unsigned rcode = flags & DNS_RCODE_MASK;
	if ((flags & DNS_FLAG_TC) || (rcode != DNS_RCODE_NOERROR && rcode != DNS_RCODE_NXDOMAIN))
		return 0;
	bool negative = rcode == DNS_RCODE_NXDOMAIN || an == 0;
	uint32_t least = UINT32_MAX, soa_ttl = 0;
	bool have_soa = false;
	*n_ttls = 0;
	for (unsigned i = 0; i < an + ns + ar; i++) {
		struct wire_rr rr;
		if (!wire_parse_rr(msg, len, &pos, &rr) || *n_ttls >= MAX_TTL_FIELDS)
			return 0;
		if (rr.type == DNS_TYPE_OPT)
			continue;
		ttl_at[(*n_ttls)++] = (uint16_t)(rr.rdata - 6);
		uint32_t ttl = rr.ttl > 0x7fffffffu ? 0 : rr.ttl;	/* RFC 2181 §8 */
		if (i < an && ttl < least)
			least = ttl;
		if (i >= an && i < an + ns && rr.type == DNS_TYPE_SOA && rr.rdlen >= 20) {
			uint32_t minimum = wire_get32(msg + rr.end - 4);
			soa_ttl = ttl < minimum ? ttl : minimum;
			have_soa = true;
		}
	}
	if (negative) {
		if (!have_soa)
			return 0;
		return soa_ttl > CACHE_MAX_NEGATIVE_TTL ? CACHE_MAX_NEGATIVE_TTL : soa_ttl;
	}
	return least > CACHE_MAX_TTL ? CACHE_MAX_TTL : least;
}

/* No record may outlive the entry: a negative answer's SOA then carries
 * the negative TTL (RFC 2308 §5), and long TTLs are capped as stored. */
static void
clamp_ttls(uint8_t *msg, const uint16_t *ttl_at, unsigned n_ttls, uint32_t keep)
{
	for (unsigned i = 0; i < n_ttls; i++)
		if (wire_get32(msg + ttl_at[i]) > keep)
			wire_put32(msg + ttl_at[i], keep);
}

void
cache_store(struct cache *c, const struct cache_key *k, const uint8_t *msg, size_t len,
	uint64_t now)
{
	uint16_t ttl_at[MAX_TTL_FIELDS], n_ttls = 0;
	if (!c || c->max_bytes == 0 || len > UINT16_MAX)
		return;
	uint32_t ttl = scan_message(msg, len, ttl_at, &n_ttls);
	if (ttl == 0) {
		c->st.not_cacheable++;
		return;
	}
	struct entry *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->msg = malloc(len);
	e->ttl_at = malloc((n_ttls ? n_ttls : 1) * sizeof(uint16_t));
	if (!e->msg || !e->ttl_at) {
		entry_free(e);
		return;
	}
	memcpy(e->msg, msg, len);
	memcpy(e->ttl_at, ttl_at, n_ttls * sizeof(uint16_t));
	clamp_ttls(e->msg, ttl_at, n_ttls, ttl);
	e->len = len;
	e->n_ttls = n_ttls;
	e->hash = key_hash(k);
	e->targets = k->targets;
	e->qtype = k->qtype;
	e->qclass = k->qclass;
	e->do_bit = k->do_bit;
	e->cd_bit = k->cd_bit;
	e->qname_len = k->qname_len;
	memcpy(e->qname, k->qname, k->qname_len);
	e->stored = now;
	e->expires = now + (uint64_t)ttl * 1000;	/* to the ms: never early */
	/* a newer answer replaces an older one */
	for (struct entry *o = c->table[e->hash & c->mask]; o; o = o->hnext) {
		if (o->hash == e->hash && key_equal(o, k)) {
			remove_entry(c, o);
			break;
		}
	}
	while (c->tail && c->st.bytes + entry_size(e) > c->max_bytes) {
		c->st.evicted++;
		remove_entry(c, c->tail);
	}
	if (entry_size(e) > c->max_bytes) {
		entry_free(e);
		return;
	}
	e->hnext = c->table[e->hash & c->mask];
	c->table[e->hash & c->mask] = e;
	lru_push(c, e);
	c->st.bytes += entry_size(e);
	c->st.entries++;
	c->st.stored++;
}

const void *
cache_lookup(struct cache *c, const struct cache_key *k, uint64_t now, const uint8_t **msg,
	size_t *len)
{
	if (!c || c->max_bytes == 0)
		return NULL;
	uint32_t h = key_hash(k);
	for (struct entry *e = c->table[h & c->mask]; e; e = e->hnext) {
		if (e->hash != h || !key_equal(e, k))
			continue;
		if (now >= e->expires) {
			c->st.expired++;
			remove_entry(c, e);
			break;
		}
		lru_unlink(c, e);
		lru_push(c, e);
		c->st.hits++;
		*msg = e->msg;
		*len = e->len;
		return e;
	}
	c->st.misses++;
	return NULL;
}

void
cache_age_ttls(const void *entry, uint8_t *copy, size_t copy_len, uint64_t now)
{
	const struct entry *e = entry;
	uint32_t elapsed = (uint32_t)((now - e->stored) / 1000);
	for (unsigned i = 0; i < e->n_ttls; i++) {
		size_t at = e->ttl_at[i];
		if (at + 4 > copy_len)
			continue;
		uint32_t ttl = wire_get32(copy + at);
		if (ttl > 0x7fffffffu)
			ttl = 0;
		wire_put32(copy + at, ttl > elapsed ? ttl - elapsed : 0);
	}
}

size_t
cache_flush(struct cache *c, const uint8_t *qname, size_t len)
{
	size_t n = 0;
	for (struct entry *e = c->head, *next; e; e = next) {
		next = e->next;
		if (qname && !dname_equal(e->qname, e->qname_len, qname, len))
			continue;
		remove_entry(c, e);
		n++;
	}
	return n;
}

const struct cache_stats *
cache_stats(const struct cache *c)
{
	return &c->st;
}
