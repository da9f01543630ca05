/* SPDX-License-Identifier: BSD-3-Clause */
/* src/cidrmap.c - longest-prefix match of an address to a number (VPC CIDRs to views) in a few probes. */
#include "config.h"
#include "cidrmap.h"

#include "arena.h"

#include <arpa/inet.h>
#include <stdlib.h>

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
	m->levels[i] = (struct cidrmap_level){ .family = family, .len = len };
	return &m->levels[i];
}

static void
level_put(struct cidrmap_level *lv, const struct netprefix *p, int32_t value)
{
	if (lv->family == AF_INET) {
		uint32_t key;
		memcpy(&key, p->addr.bytes, 4);
		key &= lv->netmask;
		uint32_t i = cidrmap_hash4(key) & lv->mask;
		for (; lv->slots4[i].value >= 0; i = (i + 1) & lv->mask)
			if (lv->slots4[i].key == key)
				return;		/* given twice: the first one stays */
		lv->slots4[i] = (struct cidrmap_slot4){ key, value };
		return;
	}
	uint8_t key[16];
	memcpy(key, p->addr.bytes, 16);
	cidrmap_mask(key, 16, p->len);
	uint32_t i = cidrmap_hash6(key) & lv->mask;
	for (; lv->slots6[i].value >= 0; i = (i + 1) & lv->mask)
		if (memcmp(lv->slots6[i].key, key, 16) == 0)
			return;
	memcpy(lv->slots6[i].key, key, 16);
	lv->slots6[i].value = value;
}

/* A level's table, twice as large as its prefixes, every slot empty. */
static bool
level_alloc(struct cidrmap_level *lv, struct arena *arena, unsigned count)
{
	unsigned size = 4;
	while (size < 2 * count)
		size *= 2;
	lv->mask = size - 1;
	lv->netmask = lv->len == 0 ? 0 : htonl(~(uint32_t)0 << (32 - (lv->len > 32 ? 32 : lv->len)));
	if (lv->family == AF_INET) {
		lv->slots4 = arena_alloc(arena, size * sizeof(*lv->slots4));
		for (unsigned i = 0; lv->slots4 && i < size; i++)
			lv->slots4[i].value = -1;
		return lv->slots4 != NULL;
	}
	lv->slots6 = arena_alloc(arena, size * sizeof(*lv->slots6));
	for (unsigned i = 0; lv->slots6 && i < size; i++)
		lv->slots6[i].value = -1;
	return lv->slots6 != NULL;
}

int
cidrmap_build(struct cidrmap *m, struct arena *arena, const struct netprefix *prefixes,
	const int32_t *values, unsigned n)
{
	/* at most 33 IPv4 and 129 IPv6 lengths */
	unsigned count[162] = { 0 };
	m->levels = arena_zalloc(arena, (n < 162 ? n + 1 : 162) * sizeof(*m->levels));
	m->n_levels = m->first6 = 0;
	if (!m->levels)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		count[(prefixes[i].addr.family == AF_INET ? 0 : 33) + prefixes[i].len]++;
		level_of(m, prefixes[i].addr.family, prefixes[i].len);
	}
	for (unsigned l = 0; l < m->n_levels; l++) {
		struct cidrmap_level *lv = &m->levels[l];
		if (lv->family == AF_INET)
			m->first6 = l + 1;
		if (!level_alloc(lv, arena, count[(lv->family == AF_INET ? 0 : 33) + lv->len]))
			return -1;
	}
	for (unsigned i = 0; i < n; i++)
		level_put(level_of(m, prefixes[i].addr.family, prefixes[i].len), &prefixes[i],
			values[i]);
	return 0;
}

void
cidrmap_input_add(struct cidrmap_input *in, const struct netprefix *p, int32_t value)
{
	if (in->failed)
		return;
	if (in->n == in->cap) {
		unsigned cap = in->cap ? in->cap * 2 : 16;
		struct netprefix *np = realloc(in->prefixes, cap * sizeof(*np));
		if (np)
			in->prefixes = np;
		int32_t *nv = np ? realloc(in->values, cap * sizeof(*nv)) : NULL;
		if (!nv) {
			in->failed = true;
			return;
		}
		in->values = nv;
		in->cap = cap;
	}
	in->prefixes[in->n] = *p;
	in->values[in->n++] = value;
}

int
cidrmap_build_input(struct cidrmap *m, struct arena *arena, struct cidrmap_input *in)
{
	int rc = in->failed ? -1 : cidrmap_build(m, arena, in->prefixes, in->values, in->n);
	free(in->prefixes);
	free(in->values);
	*in = (struct cidrmap_input){ 0 };
	return rc;
}
