/* SPDX-License-Identifier: BSD-3-Clause */
/* src/strmap.h - a string-keyed hash map for load-time lookups by AWS id. */
#ifndef DNSD_STRMAP_H
#define DNSD_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

/** Keys are borrowed (they must outlive the map); values are pointers. */
struct strmap {
	struct strmap_slot *slots;
	size_t mask;
	size_t count;
};

/** An empty map needs no allocation: zero it. */
#define STRMAP_INIT { NULL, 0, 0 }

/** The value of key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);

/**
 * Insert key -> value unless key is present.
 * @return the value already stored under key, value itself when inserted,
 *	or NULL when out of memory.
 */
void *strmap_put(struct strmap *m, const char *key, void *value);

/** Free the map's table (not the keys or values). */
void strmap_clear(struct strmap *m);

#endif /* DNSD_STRMAP_H */
