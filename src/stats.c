/* SPDX-License-Identifier: BSD-3-Clause */
/* src/stats.c - what each worker counts on its own, and the sums that SIGUSR1, dnsd-control and /metrics report. */
#include "config.h"
#include "stats.h"

#include "netaddr.h"

#include <stdlib.h>
#include <string.h>

const char *const stats_source_names[STATS_N_SOURCES] = {
	"local", "forward", "cache", "refused", "error", "dropped"
};

/* The types a VPC's clients ask for, and the DNSSEC ones a validator
 * behind dnsd would; CAA (257) is the one above 255. */
const char *const stats_qtype_names[STATS_N_QTYPES] = {
	"A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "NAPTR", "DS", "RRSIG",
	"DNSKEY", "SVCB", "HTTPS", "ANY", "CAA", "other"
};

/* Each type's index XOR "other": the entries left zero are "other". */
#define I(k) ((k) ^ (STATS_N_QTYPES - 1))
const uint8_t stats_qtype_table[256] = {
	[1] = I(0), [2] = I(1), [5] = I(2), [6] = I(3), [12] = I(4), [15] = I(5), [16] = I(6),
	[28] = I(7), [33] = I(8), [35] = I(9), [43] = I(10), [46] = I(11), [48] = I(12),
	[64] = I(13), [65] = I(14), [255] = I(15),
};
#undef I

const char *const stats_rcode_names[STATS_N_RCODES] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "NOTAUTH", "BADVERS",
	"other"
};

const double stats_bucket_seconds[STATS_N_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 1e300
};

unsigned
stats_bucket_index(uint64_t usec)
{
	double s = (double)usec / 1e6;
	unsigned i = 0;
	while (i < STATS_N_BUCKETS - 1 && s > stats_bucket_seconds[i])
		i++;
	return i;
}

uint64_t
stats_queries(const struct worker_stats *w)
{
	uint64_t n = 0;
	for (int tcp = 0; tcp < 2; tcp++)
		for (int k = 0; k < STATS_N_SOURCES; k++)
			n += w->queries[tcp][k];
	return n;
}

int
stats_views_add(struct stats_view **v, unsigned *n, const char *name, uint64_t count)
{
	for (unsigned i = 0; i < *n; i++) {
		if (!strcmp((*v)[i].name, name)) {
			(*v)[i].queries += count;
			return 0;
		}
	}
	struct stats_view *grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return -1;
	*v = grown;
	grown[*n].name = strdup(name);
	if (!grown[*n].name)
		return -1;
	grown[(*n)++].queries = count;
	return 0;
}

int
stats_targets_add(struct stats_target **v, unsigned *n, const struct stats_target *t)
{
	for (unsigned i = 0; i < *n; i++) {
		struct stats_target *e = &(*v)[i];
		if (!netaddr_sockaddr_equal((const struct sockaddr *)&e->addr,
			    (const struct sockaddr *)&t->addr))
			continue;
		for (unsigned b = 0; b < STATS_N_BUCKETS; b++)
			e->buckets[b] += t->buckets[b];
		e->sum_us += t->sum_us;
		e->timeouts += t->timeouts;
		e->errors += t->errors;
		return 0;
	}
	struct stats_target *grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return -1;
	*v = grown;
	grown[(*n)++] = *t;
	return 0;
}

/* Add or subtract (sign -1) every counter of a flat struct of uint64_t. */
static void
add_u64s(uint64_t *dst, const uint64_t *src, size_t n, int sign)
{
	for (size_t i = 0; i < n; i++)
		dst[i] += sign > 0 ? src[i] : -src[i];
}

#define N_U64(s) (sizeof(s) / sizeof(uint64_t))

int
stats_totals_add(struct stats_totals *t, const struct worker_stats *w,
	const struct upstream_stats *up, const struct cache_stats *cache, unsigned tcp_open,
	const struct stats_view *views, unsigned n_views, const struct stats_target *targets,
	unsigned n_targets)
{
	int rc = 0;
	add_u64s((uint64_t *)&t->w, (const uint64_t *)w, N_U64(*w), 1);
	add_u64s((uint64_t *)&t->up, (const uint64_t *)up, N_U64(*up), 1);
	t->cache.hits += cache->hits;
	t->cache.misses += cache->misses;
	t->cache.stored += cache->stored;
	t->cache.not_cacheable += cache->not_cacheable;
	t->cache.evicted += cache->evicted;
	t->cache.expired += cache->expired;
	t->cache.bytes += cache->bytes;
	t->cache.entries += cache->entries;
	t->tcp_open += tcp_open;
	for (unsigned i = 0; i < n_views && rc == 0; i++)
		rc = stats_views_add(&t->views, &t->n_views, views[i].name, views[i].queries);
	for (unsigned i = 0; i < n_targets && rc == 0; i++)
		rc = stats_targets_add(&t->targets, &t->n_targets, &targets[i]);
	return rc;
}

void
stats_totals_subtract(struct stats_totals *t, const struct stats_totals *base)
{
	add_u64s((uint64_t *)&t->w, (const uint64_t *)&base->w, N_U64(t->w), -1);
	add_u64s((uint64_t *)&t->up, (const uint64_t *)&base->up, N_U64(t->up), -1);
	t->cache.hits -= base->cache.hits;
	t->cache.misses -= base->cache.misses;
	t->cache.stored -= base->cache.stored;
	t->cache.not_cacheable -= base->cache.not_cacheable;
	t->cache.evicted -= base->cache.evicted;
	t->cache.expired -= base->cache.expired;
	for (unsigned i = 0; i < t->n_views; i++)
		for (unsigned k = 0; k < base->n_views; k++)
			if (!strcmp(t->views[i].name, base->views[k].name))
				t->views[i].queries -= base->views[k].queries;
	for (unsigned i = 0; i < t->n_targets; i++) {
		struct stats_target *e = &t->targets[i];
		for (unsigned k = 0; k < base->n_targets; k++) {
			const struct stats_target *b = &base->targets[k];
			if (!netaddr_sockaddr_equal((const struct sockaddr *)&e->addr,
				    (const struct sockaddr *)&b->addr))
				continue;
			add_u64s(e->buckets, b->buckets, STATS_N_BUCKETS, -1);
			e->sum_us -= b->sum_us;
			e->timeouts -= b->timeouts;
			e->errors -= b->errors;
		}
	}
}

int
stats_totals_copy(struct stats_totals *dst, const struct stats_totals *src)
{
	memset(dst, 0, sizeof(*dst));
	return stats_totals_add(dst, &src->w, &src->up, &src->cache, src->tcp_open, src->views,
		src->n_views, src->targets, src->n_targets);
}

void
stats_totals_fini(struct stats_totals *t)
{
	for (unsigned i = 0; i < t->n_views; i++)
		free(t->views[i].name);
	free(t->views);
	free(t->targets);
	memset(t, 0, sizeof(*t));
}
