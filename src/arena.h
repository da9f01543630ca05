/* SPDX-License-Identifier: BSD-3-Clause */
/* src/arena.h - bump allocator for snapshot data and per-worker scratch. */
#ifndef DNSD_ARENA_H
#define DNSD_ARENA_H

#include <stddef.h>

struct arena;

/**
 * Create an arena that takes memory from malloc in chunks.
 * @param chunk_size: size of each chunk; 0 picks a default (64 KiB).
 * @return the arena, or NULL when out of memory.
 */
struct arena *arena_create(size_t chunk_size);

/** Free the arena and everything allocated from it. NULL is allowed. */
void arena_free(struct arena *a);

/**
 * Allocate size bytes, aligned to 8. Objects are never freed one by one.
 * @return the memory, or NULL when out of memory.
 */
void *arena_alloc(struct arena *a, size_t size);

/** As arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t size);

/** Copy len bytes into the arena. */
void *arena_memdup(struct arena *a, const void *src, size_t len);

/** Copy len bytes of s and a terminating NUL into the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/** Copy the NUL-terminated string s into the arena. */
char *arena_strdup(struct arena *a, const char *s);

/** printf into a string allocated from the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Bytes handed out plus chunk overhead: what the arena holds from malloc. */
size_t arena_size(const struct arena *a);

#endif /* DNSD_ARENA_H */
