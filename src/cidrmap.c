/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cidrmap.c - longest-prefix match of an address to a number (VPC CIDRs to views) in a few probes. */
#include "config.h"
#include "cidrmap.h"

#include "arena.h"

/* Order of levels: IPv4 first, then longest first within a family. */
static int
level_before(uint8_t fa, uint8_t la, uint8_t fb, uint8_t lb)
{
	if (fa != fb)
		return fa == AF_INET;
	return la > lb;
}

/* Find or insert the level of a family and length (levels kept sorted). */
static struct cidrmap_level *
level_of(struct cidrmap *m, uint8_t family, uint8_t len)
{
	unsigned i = 0;
	while (i < m->n_levels && level_before(m->levels[i].family, m->levels[i].len, family, len))
		i++;
	if (i < m->n_levels && m->levels[i].family == family && m->levels[i].len == len)
		return &m->levels[i];
	memmove(&m->levels[i + 1], &m->levels[i], (m->n_levels - i) * sizeof(m->levels[0]));
	m->n_levels++;
	m->levels[i] = (struct cidrmap_level){ family, len, 0, NULL };
	return &m->levels[i];
}

static void
level_put(struct cidrmap_level *lv, const struct netprefix *p, int32_t value)
{
	unsigned size = (unsigned)netaddr_len(&p->addr);
	uint8_t key[16] = { 0 };
	memcpy(key, p->addr.bytes, size);
	cidrmap_mask(key, size, p->len);
	uint32_t i = cidrmap_hash(key, size) & lv->mask;
	for (; lv->slots[i].value >= 0; i = (i + 1) & lv->mask)
		if (memcmp(lv->slots[i].key, key, size) == 0)
			return;		/* given twice: the first one stays */
	memcpy(lv->slots[i].key, key, sizeof(key));
	lv->slots[i].value = value;
}

int
cidrmap_build(struct cidrmap *m, struct arena *arena, const struct netprefix *prefixes,
	const int32_t *values, unsigned n)
{
	/* at most 33 IPv4 and 129 IPv6 lengths */
	m->levels = arena_zalloc(arena, (n < 162 ? n + 1 : 162) * sizeof(*m->levels));
	m->n_levels = 0;
	unsigned *count = arena_zalloc(arena, 162 * sizeof(*count));
	if (!m->levels || !count)
		return -1;
	for (unsigned i = 0; i < n; i++)
		count[(prefixes[i].addr.family == AF_INET ? 0 : 33) + prefixes[i].len]++;
	for (unsigned i = 0; i < n; i++)
		level_of(m, prefixes[i].addr.family, prefixes[i].len);
	for (unsigned l = 0; l < m->n_levels; l++) {
		struct cidrmap_level *lv = &m->levels[l];
		unsigned want = 2 * count[(lv->family == AF_INET ? 0 : 33) + lv->len], size = 4;
		while (size < want)
			size *= 2;
		lv->slots = arena_alloc(arena, size * sizeof(*lv->slots));
		if (!lv->slots)
			return -1;
		for (unsigned i = 0; i < size; i++)
			lv->slots[i].value = -1;
		lv->mask = size - 1;
	}
	for (unsigned i = 0; i < n; i++)
		level_put(level_of(m, prefixes[i].addr.family, prefixes[i].len), &prefixes[i],
			values[i]);
	return 0;
}
