/* SPDX-License-Identifier: BSD-3-Clause */
/* src/strmap.c - a string-keyed hash map for load-time lookups by AWS id. */
#include "config.h"
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strmap_slot {
	uint32_t hash;
	const char *key;
	void *value;
};

static uint32_t
str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	h ^= h >> 16;
	return h;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	if (!m->slots)
		return NULL;
	uint32_t h = str_hash(key);
	for (size_t i = h & m->mask; m->slots[i].key; i = (i + 1) & m->mask)
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			return m->slots[i].value;
	return NULL;
}

static bool
strmap_grow(struct strmap *m)
{
	size_t size = m->slots ? (m->mask + 1) * 2 : 64;
	struct strmap_slot *slots = calloc(size, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; m->slots && i <= m->mask; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].hash & (size - 1);
		while (slots[j].key)
			j = (j + 1) & (size - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->mask = size - 1;
	return true;
}

void *
strmap_put(struct strmap *m, const char *key, void *value)
{
	void *old = strmap_get(m, key);
	if (old)
		return old;
	if ((!m->slots || (m->count + 1) * 2 > m->mask + 1) && !strmap_grow(m))
		return NULL;
	uint32_t h = str_hash(key);
	size_t i = h & m->mask;
	while (m->slots[i].key)
		i = (i + 1) & m->mask;
	m->slots[i].hash = h;
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
	return value;
}

void
strmap_clear(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}
