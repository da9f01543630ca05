/* SPDX-License-Identifier: BSD-3-Clause */
/* src/snapshot.c - build a complete, immutable data snapshot from the definitions. */
#include "config.h"
#include "snapshot.h"

#include "arena.h"
#include "diag.h"
#include "export.h"
#include "hiddenzone.h"
#include "topology.h"
#include "zonebuild.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cidr_cmp(const void *a, const void *b)
{
	const struct view_cidr *x = a, *y = b;
	return (int)y->prefix.len - (int)x->prefix.len;
}

/* VPC blocks for placing clients by source address, longest first. */
static bool
build_cidrs(struct snapshot *s, const struct topology *t)
{
	unsigned n = 0;
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next)
		n += v->n_cidrs;
	s->cidrs = arena_zalloc(s->arena, (n ? n : 1) * sizeof(*s->cidrs));
	if (!s->cidrs)
		return false;
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next)
		for (unsigned i = 0; i < v->n_cidrs && v->view >= 0; i++)
			s->cidrs[s->n_cidrs++] = (struct view_cidr){ v->cidrs[i], (uint16_t)v->view };
	qsort(s->cidrs, s->n_cidrs, sizeof(*s->cidrs), cidr_cmp);
	return true;
}

static bool
bind_listeners(struct snapshot *s, const struct topology *t,
	const struct snapshot_config *cfg, struct diag *d)
{
	s->n_listeners = cfg->n_listeners;
	s->listener_views = arena_zalloc(s->arena, (cfg->n_listeners + 1) * sizeof(int));
	if (!s->listener_views)
		return false;
	bool ok = true;
	for (unsigned i = 0; i < cfg->n_listeners; i++) {
		s->listener_views[i] = -1;
		const char *id = cfg->listener_vpcs ? cfg->listener_vpcs[i] : NULL;
		if (!id)
			continue;
		const struct topo_vpc *v = strmap_get(&t->vpc_by_id, id);
		if (!v) {
			diag_error(d, "--listen", 0, "listener bound to VPC %s, which no "
				"definition describes", id);
			ok = false;
			continue;
		}
		s->listener_views[i] = v->view;
	}
	return ok;
}

struct snapshot *
snapshot_load(const struct snapshot_config *cfg, struct diag *d, FILE *export_to)
{
	double start = now_seconds();
	unsigned errors = d->errors;
	struct snapshot *s = calloc(1, sizeof(*s));
	struct topology *t = topology_create();
	struct zb *b = zb_create();
	if (s)
		s->arena = arena_create(1 << 20);
	if (!s || !t || !b || !s->arena) {
		diag_error(d, cfg->zones_dir, 0, "out of memory");
		goto fail;
	}
	topology_load_dir(t, cfg->zones_dir, d);
	if (d->errors > errors)
		goto fail;
	topology_resolve(t, d);
	if (d->errors > errors)
		goto fail;
	if (hiddenzone_build(t, b, d) < 0)
		goto fail;
	if (export_to)
		export_zones(b, export_to);
	if (zb_finish(b, s->arena, &s->db) < 0) {
		diag_error(d, cfg->zones_dir, 0, "out of memory, or an answer too large for "
			"a DNS message");
		goto fail;
	}
	struct topo_vpc *def = topology_default_vpc(t);
	s->default_view = def ? (uint16_t)def->view : 0;
	if (!build_cidrs(s, t) || !bind_listeners(s, t, cfg, d))
		goto fail;
	s->n_vpcs = t->n_vpcs;
	s->n_endpoints = t->n_endpoints;
	s->n_files = t->n_files;
	zb_free(b);
	topology_free(t);
	s->load_seconds = now_seconds() - start;
	s->refs = 1;
	return s;
fail:
	zb_free(b);
	topology_free(t);
	snapshot_free(s);
	return NULL;
}

void
snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	arena_free(s->arena);
	free(s);
}

void
snapshot_ref(struct snapshot *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

void
snapshot_unref(struct snapshot *s)
{
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		snapshot_free(s);
}
