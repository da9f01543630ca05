/* SPDX-License-Identifier: BSD-3-Clause */
/* src/health.c - runtime health overrides (dnsd-control health): by AZ and by ENI, over the definitions. */
#include "config.h"
#include "health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
health_set_fini(struct health_set *h)
{
	for (unsigned i = 0; i < h->n; i++)
		free(h->v[i].key);
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static int
compare(enum health_scope scope, const char *key, const struct health_override *o)
{
	if (scope != o->scope)
		return scope < o->scope ? -1 : 1;
	return strcmp(key, o->key);
}

/* Where scope/key is, or would go: *found tells which. */
static unsigned
position(const struct health_set *h, enum health_scope scope, const char *key, bool *found)
{
	unsigned lo = 0, hi = h->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = compare(scope, key, &h->v[mid]);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

const struct health_override *
health_set_get(const struct health_set *h, enum health_scope scope, const char *key)
{
	bool found;
	if (!h || !key || h->n == 0)
		return NULL;
	unsigned i = position(h, scope, key, &found);
	return found ? &h->v[i] : NULL;
}

const struct health_override *
health_set_match(const struct health_set *h, const char *eni_id, const char *az)
{
	const struct health_override *o = health_set_get(h, HEALTH_ENI, eni_id);
	return o ? o : health_set_get(h, HEALTH_AZ, az);
}

static int
insert(struct health_set *h, unsigned at, enum health_scope scope, const char *key, bool up,
	time_t now)
{
	if (h->n == h->cap) {
		unsigned cap = h->cap ? h->cap * 2 : 8;
		struct health_override *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	char *copy = strdup(key);
	if (!copy)
		return -1;
	memmove(&h->v[at + 1], &h->v[at], (h->n - at) * sizeof(*h->v));
	h->v[at] = (struct health_override){ scope, copy, up, now };
	h->n++;
	return 1;
}

int
health_set_put(struct health_set *h, enum health_scope scope, const char *key, bool up,
	bool clear, time_t now)
{
	bool found;
	unsigned i = position(h, scope, key, &found);
	if (clear) {
		if (!found)
			return 0;
		free(h->v[i].key);
		memmove(&h->v[i], &h->v[i + 1], (h->n - i - 1) * sizeof(*h->v));
		h->n--;
		return 1;
	}
	if (!found)
		return insert(h, i, scope, key, up, now);
	if (h->v[i].up == up)
		return 0;
	h->v[i].up = up;
	h->v[i].since = now;
	return 1;
}

int
health_set_copy(struct health_set *dst, const struct health_set *src)
{
	health_set_fini(dst);
	if (!src || src->n == 0)
		return 0;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (!dst->v)
		return -1;
	dst->cap = src->n;
	for (unsigned i = 0; i < src->n; i++) {
		dst->v[i] = src->v[i];
		dst->v[i].key = strdup(src->v[i].key);
		if (!dst->v[i].key) {
			health_set_fini(dst);
			return -1;
		}
		dst->n = i + 1;
	}
	return 0;
}

void
health_override_describe(const struct health_override *o, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s", o->scope == HEALTH_AZ ? "az" : o->scope == HEALTH_ENI ?
		"eni" : "check", o->key, o->up ? "up" : "down");
}
