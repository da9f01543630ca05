/* SPDX-License-Identifier: BSD-3-Clause */
/* src/arena.h - bump allocator for snapshot data and per-worker scratch. */
#ifndef DNSD_ARENA_H
#define DNSD_ARENA_H

#include <stddef.h>

#define ARENA_ALIGN 8

/* The layout is here only so that arena_alloc's common case inlines:
 * a load makes millions of small allocations. Use the functions. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t size;		/* usable bytes after the header */
	size_t used;
	/* data follows, aligned by the header's size (24 bytes, 8-aligned) */
};

struct arena {
	struct arena_chunk *head;	/* chunk being filled */
	struct arena_chunk *large;	/* oversized objects, one per chunk */
	size_t chunk_size;
	size_t total;			/* bytes taken from malloc */
};

/**
 * Create an arena that takes memory from malloc in chunks.
 * @param chunk_size: size of each chunk; 0 picks a default (64 KiB).
 * @return the arena, or NULL when out of memory.
 */
struct arena *arena_create(size_t chunk_size);

/** Free the arena and everything allocated from it. NULL is allowed. */
void arena_free(struct arena *a);

/** arena_alloc when the current chunk is full or the object is large. */
void *arena_alloc_slow(struct arena *a, size_t size);

/**
 * Allocate size bytes, aligned to 8. Objects are never freed one by one.
 * @return the memory, or NULL when out of memory.
 */
static inline void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c && need > 0 && need >= size && need <= a->chunk_size / 4 &&
	    c->size - c->used >= need) {
		void *p = (unsigned char *)(c + 1) + c->used;
		c->used += need;
		return p;
	}
	return arena_alloc_slow(a, size);
}

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

/** Bytes handed out so far (what arena_size holds, less what chunks have left). */
size_t arena_used(const struct arena *a);

#endif /* DNSD_ARENA_H */
