/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cidrmap.h - longest-prefix match of an address to a number (VPC CIDRs to views) in a few probes. */
#ifndef DNSD_CIDRMAP_H
#define DNSD_CIDRMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "netaddr.h"

struct arena;

/** An IPv4 slot: a masked address (network byte order) and its value;
 * value < 0 marks an empty slot. */
struct cidrmap_slot4 {
	uint32_t key;
	int32_t value;
};

/** An IPv6 slot, likewise. */
struct cidrmap_slot6 {
	uint8_t key[16];
	int32_t value;
};

/** Every prefix of one family and length, in an open-addressing table. */
struct cidrmap_level {
	uint8_t family;
	uint8_t len;
	uint32_t netmask;		/**< IPv4: the prefix's mask, network byte order */
	uint32_t mask;			/**< slots - 1 */
	struct cidrmap_slot4 *slots4;
	struct cidrmap_slot6 *slots6;
};

/**
 * Prefixes by length, longest first: a lookup probes one table per
 * distinct length of the address's family (VPC CIDRs come in a handful
 * of lengths, however many VPCs there are), never a list of every VPC.
 */
struct cidrmap {
	struct cidrmap_level *levels;
	unsigned n_levels;
	unsigned first6;		/**< index of the first IPv6 level */
};

/**
 * Build the map in arena from n prefixes and their values (>= 0). Where
 * one prefix is given twice, the first value is kept.
 * @return 0, or -1 when out of memory.
 */
int cidrmap_build(struct cidrmap *m, struct arena *arena, const struct netprefix *prefixes,
	const int32_t *values, unsigned n);

/** Prefixes and values gathered for a map; start it zeroed. */
struct cidrmap_input {
	struct netprefix *prefixes;
	int32_t *values;
	unsigned n, cap;
	bool failed;		/**< out of memory while gathering */
};

/** Add a prefix and its value (the list grows as needed). */
void cidrmap_input_add(struct cidrmap_input *in, const struct netprefix *p, int32_t value);

/**
 * Build the map from what was gathered, then free the input.
 * @return 0, or -1 when out of memory (now or while gathering).
 */
int cidrmap_build_input(struct cidrmap *m, struct arena *arena, struct cidrmap_input *in);

/** Clear the bits of key beyond len. */
static inline void
cidrmap_mask(uint8_t *key, unsigned size, unsigned len)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;
		key[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
	}
}

/** Slot of an IPv4 key (any bits, well mixed). */
static inline uint32_t
cidrmap_hash4(uint32_t key)
{
	uint32_t h = key * 0x9e3779b1u;
	return h ^ (h >> 16);
}

/** Slot of an IPv6 key (FNV-1a over its bytes). */
static inline uint32_t
cidrmap_hash6(const uint8_t *key)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return h ^ (h >> 15);
}

static inline __attribute__((always_inline)) int32_t
cidrmap_find4(const struct cidrmap *m, const struct netaddr *a)
{
	uint32_t addr;
	memcpy(&addr, a->bytes, 4);
	for (unsigned l = 0; l < m->first6; l++) {
		const struct cidrmap_level *lv = &m->levels[l];
		uint32_t key = addr & lv->netmask;
		for (uint32_t i = cidrmap_hash4(key) & lv->mask;; i = (i + 1) & lv->mask) {
			const struct cidrmap_slot4 *s = &lv->slots4[i];
			if (s->value < 0)
				break;
			if (s->key == key)
				return s->value;
		}
	}
	return -1;
}

static inline int32_t
cidrmap_find6(const struct cidrmap *m, const struct netaddr *a)
{
	for (unsigned l = m->first6; l < m->n_levels; l++) {
		const struct cidrmap_level *lv = &m->levels[l];
		uint8_t key[16];
		memcpy(key, a->bytes, 16);
		cidrmap_mask(key, 16, lv->len);
		for (uint32_t i = cidrmap_hash6(key) & lv->mask;; i = (i + 1) & lv->mask) {
			const struct cidrmap_slot6 *s = &lv->slots6[i];
			if (s->value < 0)
				break;
			if (memcmp(s->key, key, 16) == 0)
				return s->value;
		}
	}
	return -1;
}

/** The value of the longest prefix holding a, or -1. Allocates nothing. */
static inline __attribute__((always_inline)) int32_t
cidrmap_find(const struct cidrmap *m, const struct netaddr *a)
{
	return a->family == AF_INET ? cidrmap_find4(m, a) : cidrmap_find6(m, a);
}

#endif /* DNSD_CIDRMAP_H */
