/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cidrmap.h - longest-prefix match of an address to a number (VPC CIDRs to views) in a few probes. */
#ifndef DNSD_CIDRMAP_H
#define DNSD_CIDRMAP_H

#include <stdint.h>
#include <string.h>

#include "netaddr.h"

struct arena;

/** One slot: a masked address and its value; value < 0 marks an empty slot. */
struct cidrmap_slot {
	uint8_t key[16];
	int32_t value;
};

/** Every prefix of one family and length, in an open-addressing table. */
struct cidrmap_level {
	uint8_t family;
	uint8_t len;
	uint32_t mask;			/**< slots - 1 */
	struct cidrmap_slot *slots;
};

/**
 * Prefixes by length, longest first: a lookup probes one table per
 * distinct length of the address's family (VPC CIDRs come in a handful
 * of lengths, however many VPCs there are), never a list of every VPC.
 */
struct cidrmap {
	struct cidrmap_level *levels;
	unsigned n_levels;
};

/**
 * Build the map in arena from n prefixes and their values (>= 0). Where
 * one prefix is given twice, the first value is kept.
 * @return 0, or -1 when out of memory.
 */
int cidrmap_build(struct cidrmap *m, struct arena *arena, const struct netprefix *prefixes,
	const int32_t *values, unsigned n);

/** Hash of a masked key (FNV-1a over its bytes). */
static inline uint32_t
cidrmap_hash(const uint8_t *key, unsigned size)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < size; i++)
		h = (h ^ key[i]) * 16777619u;
	return h ^ (h >> 15);
}

/** Clear the bits of key beyond len. */
static inline void
cidrmap_mask(uint8_t *key, unsigned size, unsigned len)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;
		key[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
	}
}

/** The value of the longest prefix holding a, or -1. Allocates nothing. */
static inline int32_t
cidrmap_find(const struct cidrmap *m, const struct netaddr *a)
{
	unsigned size = (unsigned)netaddr_len(a);
	for (unsigned l = 0; l < m->n_levels; l++) {
		const struct cidrmap_level *lv = &m->levels[l];
		if (lv->family != a->family)
			continue;
		uint8_t key[16] = { 0 };
		memcpy(key, a->bytes, size);
		cidrmap_mask(key, size, lv->len);
		for (uint32_t i = cidrmap_hash(key, size) & lv->mask;; i = (i + 1) & lv->mask) {
			const struct cidrmap_slot *s = &lv->slots[i];
			if (s->value < 0)
				break;
			if (memcmp(s->key, key, size) == 0)
				return s->value;
		}
	}
	return -1;
}

#endif /* DNSD_CIDRMAP_H */
