/* SPDX-License-Identifier: BSD-3-Clause */
/* src/policy.c - routing policy answers: a name's prepared alternatives and how the answer path picks one per query (weighted, multivalue answer, IP-based). */
#include "config.h"
#include "policy.h"

#include "arena.h"

#include <stdlib.h>

unsigned
policy_group_answers(const struct policy_group *g)
{
	if (g->kind == POLICY_MULTIVALUE && g->n_alts <= POLICY_MULTIVALUE_MAX)
		return g->n_alts ? 1 : 0;
	return g->n_alts;
}

unsigned
policy_group_members(const struct policy_group *g, unsigned k, unsigned *alts)
{
	if (g->kind != POLICY_MULTIVALUE) {
		alts[0] = k;
		return 1;
	}
	unsigned n = g->n_alts < POLICY_MULTIVALUE_MAX ? g->n_alts : POLICY_MULTIVALUE_MAX;
	for (unsigned i = 0; i < n; i++)
		alts[i] = (k + i) % g->n_alts;
	return n;
}

static bool
rule_weighted(struct arena *a, const struct policy_group *g, struct policy_rule *r)
{
	uint32_t *cum = arena_alloc(a, g->n_alts * sizeof(*cum));
	uint64_t sum = 0;
	if (!cum)
		return false;
	for (unsigned i = 0; i < g->n_alts; i++) {
		sum += g->weights[i];
		cum[i] = (uint32_t)sum;	/* 255 × alternatives: far below 2^32 */
	}
	r->cum = cum;
	return sum > 0 && sum <= UINT32_MAX;
}

static bool
rule_cidr(struct arena *a, const struct policy_group *g, struct policy_rule *r)
{
	int32_t *values = malloc((g->n_prefixes ? g->n_prefixes : 1) * sizeof(*values));
	if (!values)
		return false;
	for (unsigned i = 0; i < g->n_prefixes; i++)
		values[i] = (int32_t)g->prefix_alt[i];
	int rc = cidrmap_build(&r->cidr, a, g->prefixes, values, g->n_prefixes);
	free(values);
	r->fallback = g->default_alt;
	return rc == 0;
}

const struct policy_rule *
policy_rule_make(struct arena *a, const struct policy_group *g)
{
	struct policy_rule *r = arena_zalloc(a, sizeof(*r));
	if (!r || !g->n_alts)
		return NULL;
	r->kind = g->kind;
	r->n = policy_group_answers(g);
	r->fallback = -1;
	if (g->kind == POLICY_WEIGHTED && !rule_weighted(a, g, r))
		return NULL;
	if (g->kind == POLICY_CIDR && !rule_cidr(a, g, r))
		return NULL;
	return r;
}

/* ---- the answer path ---- */

/* xorshift64*: cheap, and never 0 once seeded. */
static inline uint32_t
random32(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* A random number below n, without a division. */
static inline uint32_t
below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((uint64_t)random32(state) * n) >> 32);
}

/* The first running sum above x: the weighted pick. */
static uint32_t
weighted(const struct policy_rule *r, uint32_t x)
{
	uint32_t lo = 0, hi = r->n - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (r->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct answer *
policy_pick(const struct policy_sel *s, uint64_t *rng, const struct netaddr *client)
{
	const struct policy_rule *r = s->rule;
	int32_t k;
	switch (r->kind) {
	case POLICY_WEIGHTED:
		return &s->answers[weighted(r, below(rng, r->cum[r->n - 1]))];
	case POLICY_MULTIVALUE:
		return &s->answers[below(rng, r->n)];
	case POLICY_CIDR:
		k = client ? cidrmap_find(&r->cidr, client) : -1;
		if (k < 0)
			k = r->fallback;
		return k >= 0 ? &s->answers[k] : s->nodata;
	}
	return &s->answers[0];
}
