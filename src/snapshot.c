/* SPDX-License-Identifier: BSD-3-Clause */
/* src/snapshot.c - build a complete, immutable data snapshot from the definitions. */
#include "config.h"
#include "snapshot.h"

#include "arena.h"
#include "defs.h"
#include "diag.h"
#include "export.h"
#include "health.h"
#include "firewall.h"
#include "hiddenzone.h"
#include "r53zones.h"
#include "summary.h"
#include "topology.h"
#include "verify.h"
#include "xfr.h"
#include "zonebuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(HAVE_MALLOC_TRIM) || defined(HAVE_MALLOPT)
#include <malloc.h>
#endif

/* A load builds several times the snapshot's size in parse trees and
 * maps and frees them; hand those pages back, or a 100k-endpoint world
 * keeps its peak resident after every reload. */
static void
give_back_memory(void)
{
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
}

void
snapshot_memory_setup(void)
{
#ifdef HAVE_MALLOPT
	/* A fixed threshold: arena chunks (1 MiB) stay mmap'd and go back to
	 * the system when freed. glibc's sliding threshold would move them
	 * into the heap after the first free, where they fragment. */
	mallopt(M_MMAP_THRESHOLD, 512 * 1024);
#endif
}

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VPC blocks for placing clients by source address. Where VPCs share a
 * block, the first VPC defined gets its clients (--listen VPC-ID binds
 * the others). */
static bool
build_cidrs(struct snapshot *s, const struct topology *t)
{
	struct cidrmap_input in = { 0 };
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next)
		for (unsigned i = 0; i < v->n_cidrs && v->view >= 0; i++)
			cidrmap_input_add(&in, &v->cidrs[i], v->view);
	s->n_cidrs = in.n;
	return cidrmap_build_input(&s->cidrs, s->arena, &in) == 0;
}

bool
snapshot_bind_listeners(struct snapshot *s, const struct snapshot_listener *l, unsigned n,
	struct diag *d)
{
	int *views = arena_zalloc(s->arena, (n + 1) * sizeof(int));
	if (!views)
		return false;
	bool ok = true;
	for (unsigned i = 0; i < n; i++) {
		views[i] = -1;
		if (!l[i].vpc)
			continue;
		const struct snapshot_vpc *v = NULL;
		for (unsigned k = 0; k < s->n_vpc_views && !v; k++)
			if (!strcmp(s->vpcs[k].id, l[i].vpc))
				v = &s->vpcs[k];
		if (!v) {
			diag_error(d, "--listen", 0, "listener bound to VPC %s, which no "
				"definition describes", l[i].vpc);
			ok = false;
			continue;
		}
		views[i] = l[i].inbound && v->inbound_view >= 0 ? v->inbound_view : v->view;
	}
	s->listener_views = views;
	s->n_listeners = n;
	return ok;
}

/* The blocks of subnets with DNS64 on, to their VPC's view: a client
 * there gets AAAA records made from A records (query.c). */
static bool
build_dns64(struct snapshot *s, const struct topology *t)
{
	struct cidrmap_input in = { 0 };
	for (const struct topo_subnet *sn = t->subnets; sn; sn = sn->next) {
		if (sn->dns64 != TRI_YES || !sn->vpc || sn->vpc->view < 0)
			continue;
		if (sn->has_v4)
			cidrmap_input_add(&in, &sn->v4, sn->vpc->view);
		for (unsigned i = 0; i < sn->n_v6; i++)
			cidrmap_input_add(&in, &sn->v6[i], sn->vpc->view);
	}
	return cidrmap_build_input(&s->dns64, s->arena, &in) == 0;
}

/* What listeners and reloads need of the topology, kept past it. */
static bool
keep_vpcs(struct snapshot *s, const struct topology *t)
{
	s->vpcs = arena_zalloc(s->arena, (t->n_vpcs + 1) * sizeof(*s->vpcs));
	if (!s->vpcs)
		return false;
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next) {
		struct snapshot_vpc *sv = &s->vpcs[s->n_vpc_views++];
		sv->id = arena_strdup(s->arena, v->id);
		sv->owner_id = v->owner_id ? arena_strdup(s->arena, v->owner_id) : NULL;
		sv->region = v->region ? arena_strdup(s->arena, v->region) : NULL;
		sv->view = v->view;
		sv->inbound_view = v->inbound_view;
		if (!sv->id)
			return false;
	}
	unsigned n = 0;
	for (const struct topo_resolver_endpoint *e = t->resolver_endpoints; e; e = e->next)
		if (e->direction == RESOLVER_INBOUND)
			n += e->n_ips;
	s->inbound = arena_zalloc(s->arena, (n + 1) * sizeof(*s->inbound));
	if (!s->inbound)
		return false;
	for (const struct topo_resolver_endpoint *e = t->resolver_endpoints; e; e = e->next) {
		if (e->direction != RESOLVER_INBOUND || !e->vpc_id)
			continue;
		for (unsigned i = 0; i < e->n_ips; i++) {
			struct snapshot_inbound *in = &s->inbound[s->n_inbound++];
			in->addr = e->ips[i];
			in->vpc_id = arena_strdup(s->arena, e->vpc_id);
			in->endpoint_id = arena_strdup(s->arena, e->id ? e->id : "-");
		}
	}
	return true;
}

/* Views of VPCs with enableDnsSupport off (and their inbound views): the
 * Resolver does not serve them. NULL, costing nothing per query, when
 * every VPC has DNS support. */
static bool
build_silent_views(struct snapshot *s, const struct topology *t)
{
	uint8_t *silent = NULL;
	for (const struct topo_vpc *v = t->vpcs; v; v = v->next) {
		if (v->dns_support == TRI_YES || v->view < 0)
			continue;
		if (!silent && !(silent = arena_zalloc(s->arena, s->db.n_views + 1u)))
			return false;
		silent[v->view] = 1;
		if (v->inbound_view >= 0)
			silent[v->inbound_view] = 1;
	}
	s->silent_views = silent;
	return true;
}

/* Where the definitions come from: a directory, or one buffer. */
struct source {
	const char *dir;
	const char *name;
	const char *buf;
	size_t len;
};

/** The parsed definitions, shared by the snapshots built from them. */
struct snapshot_model {
	struct topology *t;
	int refs;			/* snapshots holding it (atomic) */
	double parse_seconds;
};

static void
model_unref(struct snapshot_model *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		topology_free(m->t);
		free(m);
	}
}

/* Read and resolve the definitions. NULL when they have errors. */
static struct snapshot_model *
model_parse(const struct source *src, struct diag *d)
{
	double start = now_seconds();
	unsigned errors = d->errors;
	struct snapshot_model *m = calloc(1, sizeof(*m));
	if (m)
		m->t = topology_create();
	if (!m || !m->t) {
		diag_error(d, src->dir ? src->dir : src->name, 0, "out of memory");
		free(m);
		return NULL;
	}
	m->refs = 1;
	if (src->dir)
		defs_load_dir(m->t, src->dir, d);
	else
		defs_load_buffer(m->t, src->name, src->buf, src->len, d);
	if (d->errors == errors)
		defs_resolve(m->t, d);
	if (d->errors > errors) {
		model_unref(m);
		return NULL;
	}
	m->parse_seconds = now_seconds() - start;
	return m;
}

static void
snapshot_counts(struct snapshot *s, const struct topology *t, const struct zb_counts *c)
{
	s->n_vpcs = t->n_vpcs;
	s->n_endpoints = t->n_endpoints;
	s->n_files = t->n_files;
	s->n_zones = c->zones;
	s->n_names = c->names;
	s->n_records = c->records;
}

/*
 * Generate the zones from the model with the runtime health overrides in
 * cfg, compile the answers and check that everything read is served. The
 * model is only read, but for the views each VPC is given (the same every
 * time) and runtime_health, which points at the snapshot's own copy of
 * the overrides while it is built.
 */
static struct snapshot *
build(struct snapshot_model *m, const struct snapshot_config *cfg, struct diag *d,
	FILE *export_to, const char *where)
{
	double start = now_seconds();
	unsigned errors = d->errors;
	struct topology *t = m->t;
	struct snapshot *s = calloc(1, sizeof(*s));
	struct zb *b = zb_create();
	if (s)
		s->arena = arena_create(1 << 20);
	if (b)
		zb_set_diag(b, d);
	if (!s || !b || !s->arena ||
	    (cfg && health_set_copy(&s->health, cfg->health) < 0)) {
		diag_error(d, where, 0, "out of memory");
		goto fail;
	}
	t->runtime_health = &s->health;
	if (hiddenzone_build(t, b, d) < 0 || r53zones_build(t, b, s->arena, d) < 0 ||
	    firewall_build(t, b, s->arena, &s->firewall, d) < 0)
		goto fail;
	const struct snapshot *prev = cfg ? cfg->previous : NULL;
	bool xfr_err;
	s->xfr = xfr_prepare(t, b, prev ? prev->xfr : NULL, s->arena, (uint64_t)time(NULL), d,
		&xfr_err);
	if (xfr_err)
		goto fail;
	if (export_to) {
		export_zones(b, export_to);
		export_definitions(t, export_to);
		firewall_export(t, export_to);
	}
	struct zb_counts counts;
	zb_count(b, &counts);
	if (zb_finish(b, s->arena, &s->db) < 0) {
		if (d->errors == errors)	/* else the builder said which answer */
			diag_error(d, where, 0, "out of memory");
		goto fail;
	}
	if (s->xfr && xfr_finish(s->xfr, &s->db, prev ? prev->xfr : NULL, prev ? &prev->db : NULL,
			d) < 0)
		goto fail;
	s->n_verified = verify_served(t, &s->db, d);
	if (d->errors > errors)
		goto fail;
	if (cfg && cfg->summary_to &&
	    summary_print(t, &s->db, cfg->summary_to, cfg->summary_json) < 0) {
		diag_error(d, where, 0, "out of memory");
		goto fail;
	}
	struct topo_vpc *def = topology_default_vpc(t);
	s->default_view = def ? (uint16_t)def->view : 0;
	if (!build_cidrs(s, t) || !build_dns64(s, t) || !keep_vpcs(s, t) ||
	    !build_silent_views(s, t) ||
	    !snapshot_bind_listeners(s, cfg ? cfg->listeners : NULL, cfg ? cfg->n_listeners : 0, d))
		goto fail;
	snapshot_counts(s, t, &counts);
	t->runtime_health = NULL;
	zb_free(b);
	if (cfg && cfg->keep_model) {
		__atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
		s->model = m;
	}
	s->build_seconds = now_seconds() - start;
	s->refs = 1;
	return s;
fail:
	t->runtime_health = NULL;
	zb_free(b);
	snapshot_free(s);
	return NULL;
}

static struct snapshot *
load(const struct source *src, const struct snapshot_config *cfg, struct diag *d,
	FILE *export_to)
{
	const char *where = src->dir ? src->dir : src->name;
	struct snapshot_model *m = model_parse(src, d);
	struct snapshot *s = m ? build(m, cfg, d, export_to, where) : NULL;
	if (s)
		s->load_seconds = m->parse_seconds + s->build_seconds;
	model_unref(m);
	give_back_memory();
	return s;
}

struct snapshot *
snapshot_load(const struct snapshot_config *cfg, struct diag *d, FILE *export_to)
{
	struct source src = { cfg->zones_dir, NULL, NULL, 0 };
	return load(&src, cfg, d, export_to);
}

struct snapshot *
snapshot_load_buffer(const char *name, const char *buf, size_t len, struct diag *d)
{
	struct source src = { NULL, name, buf, len };
	return load(&src, NULL, d, NULL);
}

struct snapshot *
snapshot_load_buffer_cfg(const char *name, const char *buf, size_t len,
	const struct snapshot_config *cfg, struct diag *d)
{
	struct source src = { NULL, name, buf, len };
	return load(&src, cfg, d, NULL);
}

struct snapshot *
snapshot_rebuild(const struct snapshot *from, const struct snapshot_config *cfg, struct diag *d)
{
	if (!from->model) {
		diag_error(d, "rebuild", 0, "the definitions were not kept: reload instead");
		return NULL;
	}
	struct snapshot *s = build(from->model, cfg, d, NULL, "rebuild");
	if (s)
		s->load_seconds = s->build_seconds;
	give_back_memory();
	return s;
}

struct topology *
snapshot_model_topology(const struct snapshot *s)
{
	return s->model ? s->model->t : NULL;
}

size_t
snapshot_bytes(const struct snapshot *s)
{
	return arena_size(s->arena);
}

size_t
snapshot_model_bytes(const struct snapshot *s)
{
	return s->model ? arena_size(s->model->t->arena) : 0;
}

static const char *
plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void
snapshot_describe(const struct snapshot *s, char *buf, size_t size)
{
	snprintf(buf, size, "%u %s, %u %s, %u %s, %u %s, %u %s in %u %s", s->n_vpcs,
		plural(s->n_vpcs, "VPC", "VPCs"), s->n_endpoints,
		plural(s->n_endpoints, "endpoint", "endpoints"), s->n_zones,
		plural(s->n_zones, "zone", "zones"), s->n_names, plural(s->n_names, "name", "names"),
		s->n_records, plural(s->n_records, "record", "records"), s->n_files,
		plural(s->n_files, "file", "files"));
}

void
snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	model_unref(s->model);
	health_set_fini(&s->health);
	xfr_free(s->xfr);
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
	/* no trim here: this may run on a worker; the chunks are mmap'd and
	 * go back as they are freed */
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		snapshot_free(s);
}
