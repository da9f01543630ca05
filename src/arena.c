/* SPDX-License-Identifier: BSD-3-Clause */
/* src/arena.c - bump allocator for snapshot data and per-worker scratch. */
#include "config.h"
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_CHUNK (64 * 1024)

static inline unsigned char *
chunk_data(struct arena_chunk *c)
{
	return (unsigned char *)(c + 1);
}

struct arena *
arena_create(size_t chunk_size)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
	a->total = sizeof(*a);
	return a;
}

static void
chunks_free(struct arena_chunk *c)
{
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void
arena_free(struct arena *a)
{
	if (!a)
		return;
	chunks_free(a->head);
	chunks_free(a->large);
	free(a);
}

static struct arena_chunk *
chunk_new(struct arena *a, size_t size)
{
	struct arena_chunk *c = malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	a->total += sizeof(*c) + size;
	return c;
}

void *
arena_alloc_slow(struct arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < size)
		return NULL;
	if (need == 0)
		need = ARENA_ALIGN;
	/* Objects over a quarter chunk get their own chunk so that a big
	 * table does not waste the rest of a shared one. */
	if (need > a->chunk_size / 4) {
		struct arena_chunk *c = chunk_new(a, need);
		if (!c)
			return NULL;
		c->used = need;
		c->next = a->large;
		a->large = c;
		return chunk_data(c);
	}
	if (!a->head || a->head->size - a->head->used < need) {
		struct arena_chunk *c = chunk_new(a, a->chunk_size);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	void *p = chunk_data(a->head) + a->head->used;
	a->head->used += need;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void *
arena_memdup(struct arena *a, const void *src, size_t len)
{
	void *p = arena_alloc(a, len);
	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_size(const struct arena *a)
{
	return a->total;
}

size_t
arena_used(const struct arena *a)
{
	size_t n = 0;
	for (const struct arena_chunk *c = a->head; c; c = c->next)
		n += c->used;
	for (const struct arena_chunk *c = a->large; c; c = c->next)
		n += c->used;
	return n;
}
