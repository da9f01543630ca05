/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cache.h - cache of forwarded answers: TTL-bounded, negative per RFC 2308, LRU within a size. */
#ifndef DNSD_CACHE_H
#define DNSD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"

#define CACHE_MAX_TTL 86400		/**< longest a positive answer is kept */
#define CACHE_MAX_NEGATIVE_TTL 3600	/**< longest NXDOMAIN/NODATA is kept */

struct cache;

/** What an answer is cached under. */
struct cache_key {
	uint32_t targets;		/**< hash of where it was forwarded */
	uint16_t qtype, qclass;
	bool do_bit, cd_bit;
	uint8_t qname_len;
	const uint8_t *qname;		/**< lowercase wire form */
};

/** Counters. */
struct cache_stats {
	uint64_t hits, misses, stored, not_cacheable, evicted, expired;
	size_t bytes, entries;
};

/** Create a cache holding at most max_bytes of answers (0: caching off). */
struct cache *cache_create(size_t max_bytes);

/** Free the cache and its entries. NULL is allowed. */
void cache_free(struct cache *c);

/**
 * Keep an accepted upstream reply (its OPT already removed: a message as
 * forward_make_reply writes it, minus the client's OPT). Replies that are
 * truncated, SERVFAIL, or negative without an SOA are not kept.
 * @param now: milliseconds on a monotonic clock (so is every now below).
 */
void cache_store(struct cache *c, const struct cache_key *k, const uint8_t *msg, size_t len,
	uint64_t now);

/**
 * Find an answer. On a hit, *msg and *len give the stored message, and
 * cache_age_ttls() must be applied to the copy sent out.
 * @return an opaque entry, or NULL on a miss (expired entries are dropped).
 */
const void *cache_lookup(struct cache *c, const struct cache_key *k, uint64_t now,
	const uint8_t **msg, size_t *len);

/**
 * Count the TTLs of a copy of entry's message down by the time it spent in
 * the cache (RFC 1035 §7.3 / RFC 2308 §5). The copy must have the same
 * layout before its OPT record.
 */
void cache_age_ttls(const void *entry, uint8_t *copy, size_t copy_len, uint64_t now);

/**
 * Drop every entry of one name (lowercase wire form; all types, all
 * targets), or every entry when qname is NULL.
 * @return how many were dropped.
 */
size_t cache_flush(struct cache *c, const uint8_t *qname, size_t len);

/** Counters so far. */
const struct cache_stats *cache_stats(const struct cache *c);

#endif /* DNSD_CACHE_H */
