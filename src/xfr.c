/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr.c - zone transfers: which zones a key's view holds, their serials, their records and the IXFR journal. */
#include "config.h"
#include "xfr.h"

#include "arena.h"
#include "diag.h"
#include "log.h"
#include "query.h"
#include "topology.h"
#include "xfr_config.h"
#include "xfr_journal.h"
#include "xfr_rr.h"
#include "zonebuild.h"
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

/* ---- the (view name, apex, kind) map: serials carry across loads by it ---- */

static uint64_t
name_key(const char *view, const uint8_t *apex, size_t len, unsigned kind)
{
	uint8_t lower[DNAME_MAX];
	dname_lower_copy(lower, apex, len);
	uint64_t h = xfr_hash_bytes(0xcbf29ce484222325ull, view, strlen(view) + 1);
	h = xfr_hash_bytes(h, lower, len);
	return xfr_hash_bytes(h, &kind, sizeof(kind));
}

static bool
zone_is(const struct xfr_zone *z, const char *view, const uint8_t *apex, size_t len,
	unsigned kind)
{
	return z->kind == kind && dname_equal(z->apex, z->apex_len, apex, len) &&
		strcmp(z->view_name, view) == 0;
}

static const struct xfr_zone *
by_name(const struct xfr *x, const char *view, const uint8_t *apex, size_t len, unsigned kind)
{
	if (!x || !x->by_name)
		return NULL;
	uint64_t h = name_key(view, apex, len, kind);
	for (uint32_t i = (uint32_t)h & x->by_name_mask;; i = (i + 1) & x->by_name_mask) {
		uint32_t v = x->by_name[i];
		if (!v)
			return NULL;
		if (zone_is(&x->zones[v - 1], view, apex, len, kind))
			return &x->zones[v - 1];
	}
}

/* (Re)build the map over every zone. */
static bool
by_name_build(struct xfr *x)
{
	uint32_t size = 16;
	while (size < x->n_zones * 2 + 16)
		size *= 2;
	free(x->by_name);
	x->by_name = calloc(size, sizeof(*x->by_name));
	if (!x->by_name)
		return false;
	x->by_name_mask = size - 1;
	for (uint32_t k = 0; k < x->n_zones; k++) {
		const struct xfr_zone *z = &x->zones[k];
		uint64_t h = name_key(z->view_name, z->apex, z->apex_len, z->kind);
		uint32_t i = (uint32_t)h & x->by_name_mask;
		while (x->by_name[i])
			i = (i + 1) & x->by_name_mask;
		x->by_name[i] = k + 1;
	}
	return true;
}

static struct xfr_zone *
zone_append(struct xfr *x)
{
	if (x->n_zones == x->cap_zones) {
		uint32_t cap = x->cap_zones ? x->cap_zones * 2 : 64;
		struct xfr_zone *z = realloc(x->zones, cap * sizeof(*z));
		if (!z)
			return NULL;
		x->zones = z;
		x->cap_zones = cap;
	}
	struct xfr_zone *z = &x->zones[x->n_zones++];
	memset(z, 0, sizeof(*z));
	return z;
}

/* ---- before compiling: zones, hashes, serials ---- */

/* Build-time state: the builder's zone of each entry, view names kept. */
struct pre {
	struct zb *b;
	const struct zb_zone **zbz;	/* parallel to xfr.zones */
	const char **view_names;	/* by view index, in the arena */
	int current;			/* zone being walked, or -1 */
	bool oom;
	const uint8_t **soas;		/* SOAs kept once (soa_intern) */
	uint16_t soa_lens[1024];
	uint32_t soa_mask;
};

static bool
transferable(int kind)
{
	return kind == ZONE_LOCAL || kind == ZONE_PUBLIC;
}

static uint64_t
soa_hash(const uint8_t *apex, size_t len, uint32_t ttl, const uint8_t *soa, uint16_t soa_len)
{
	uint8_t rdata[DNAME_MAX * 2 + 20];
	if (soa_len > sizeof(rdata) || soa_len < 20)
		return 0;
	memcpy(rdata, soa, soa_len);
	wire_put32(rdata + soa_len - 20, 0);	/* the serial is what we compute */
	return xfr_rr_hash(apex, len, DNS_TYPE_SOA, ttl, rdata, soa_len);
}

static void
pre_zone(struct xfr *x, struct pre *p, const struct zb_zone *zbz, unsigned view,
	const uint8_t *apex, int kind)
{
	uint32_t ttl;
	const uint8_t *soa;
	uint16_t soa_len;
	p->current = -1;
	if (!transferable(kind) || !zb_zone_soa(zbz, &ttl, &soa, &soa_len))
		return;
	struct xfr_zone *z = zone_append(x);
	const struct zb_zone **zbzs = realloc(p->zbz, x->cap_zones * sizeof(*zbzs));
	size_t len = dname_len(apex);
	if (!z || !zbzs) {
		p->oom = true;
		return;
	}
	p->zbz = zbzs;
	p->zbz[x->n_zones - 1] = zbz;
	z->apex = apex;		/* the builder's until xfr_finish: then the zonedb's */
	z->apex_len = (uint8_t)len;
	z->kind = (uint8_t)kind;
	z->view = (uint16_t)view;
	z->view_name = p->view_names[view];
	z->soa_ttl = ttl;
	z->hash = soa_hash(apex, len, ttl, soa, soa_len);
	p->current = (int)(x->n_zones - 1);
}

static void
pre_walk(void *ctx, const struct zb_zone *zbz, unsigned view, const uint8_t *apex, int kind,
	const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const struct policy_group *group, int alt)
{
	/* every alternative of a routing policy counts: a change to any of
	 * them may change what is transferred (the first prepared answer) */
	(void)group;
	(void)alt;
	struct xfr *x = ctx;
	struct pre *p = x->pre;
	if (!owner) {
		pre_zone(x, p, zbz, view, apex, kind);
		return;
	}
	if (p->current < 0 || type == DNS_TYPE_SOA)
		return;
	x->zones[p->current].hash += xfr_rr_hash(owner, dname_len(owner), type, ttl, rdata, rdlen);
}

/* A zone or rule Y shadows each transferable zone at or above its apex in
 * its own view, and each public one: it decides names there, so a change
 * of Y changes what those zones transfer (and their serials). */
static void
sig_walk(void *ctx, const struct zb_zone *zbz, unsigned view, const uint8_t *apex, int kind,
	const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const struct policy_group *group, int alt)
{
	(void)group;
	(void)alt;
	struct xfr *x = ctx;
	struct pre *p = x->pre;
	if (owner)
		return;
	const char *names[2] = { p->view_names[view], p->view_names[0] };
	size_t len = dname_len(apex);
	uint64_t yh = name_key(names[0], apex, len, (unsigned)kind);
	for (size_t off = 0; off < len; off += (size_t)apex[off] + 1) {
		for (unsigned v = 0; v < (view ? 2u : 1u); v++) {
			for (unsigned k = ZONE_LOCAL; k <= ZONE_PUBLIC; k++) {
				const struct xfr_zone *z = by_name(x, names[v], apex + off, len - off, k);
				if (z && p->zbz[z - x->zones] != zbz)
					((struct xfr_zone *)z)->sig += yh;
			}
		}
		if (apex[off] == 0)
			break;
	}
}

static void
pre_free(struct xfr *x)
{
	struct pre *p = x->pre;
	x->pre = NULL;
	if (p) {
		free(p->zbz);
		free(p->soas);
	}
	free(p);
}

/* One copy of each SOA: zones made alike (hidden zones, private hosted
 * zones) share Route 53's SOA and, at a load, its serial. */
static const uint8_t *
soa_intern(struct xfr *x, struct pre *p, const uint8_t *soa, uint16_t len)
{
	if (!p->soas) {
		p->soa_mask = 1023;
		p->soas = calloc(p->soa_mask + 1, sizeof(*p->soas));
		if (!p->soas)
			return NULL;
	}
	uint32_t h = (uint32_t)xfr_hash_bytes(0, soa, len), i = h & p->soa_mask;
	for (unsigned probe = 0; p->soas[i] && probe < 64; i = (i + 1) & p->soa_mask, probe++)
		if (p->soa_lens[i] == len && memcmp(p->soas[i], soa, len) == 0)
			return p->soas[i];
	const uint8_t *copy = arena_memdup(x->arena, soa, len);
	if (copy && !p->soas[i]) {	/* a full run: kept, not offered */
		p->soas[i] = copy;
		p->soa_lens[i] = len;
	}
	return copy;
}

/* The serial of a zone: the previous one while nothing changed, else the
 * time of the load, or one more when that is not newer (RFC 1982). */
static uint32_t
serial_for(const struct xfr_zone *z, const struct xfr *prev, uint64_t now, bool *changed)
{
	const struct xfr_zone *p = by_name(prev, z->view_name, z->apex, z->apex_len, z->kind);
	*changed = !p || p->hash != z->hash;
	if (!p)
		return (uint32_t)now;
	if (!*changed)
		return p->serial;
	return xfr_serial_gt((uint32_t)now, p->serial) ? (uint32_t)now : p->serial + 1;
}

static bool
set_serials(struct xfr *x, struct pre *p, const struct xfr *prev)
{
	for (uint32_t i = 0; i < x->n_zones; i++) {
		struct xfr_zone *z = &x->zones[i];
		z->hash += z->sig;
		z->serial = serial_for(z, prev, x->now, &z->changed);
		x->n_changed += z->changed;
		struct zb_zone *zbz = zb_zone_find(p->b, z->view, z->apex, z->apex_len, z->kind);
		uint32_t ttl;
		const uint8_t *soa;
		if (!zbz || zb_zone_set_serial(p->b, zbz, z->serial) < 0 ||
		    !zb_zone_soa(zbz, &ttl, &soa, &z->soa_len))
			return false;
		z->soa = soa_intern(x, p, soa, z->soa_len);
		if (!z->soa)
			return false;
	}
	return true;
}

/* Every key's view must be one the definitions make. */
static bool
check_views(const struct topology *t, const struct zb *b, struct diag *d)
{
	bool ok = true;
	for (const struct xfr_secondary *s = t->secondaries; s; s = s->next) {
		bool found = false;
		for (unsigned v = 0; v < zb_view_count(b) && !found; v++)
			found = strcmp(zb_view_name(b, v), s->view) == 0;
		if (!found) {
			diag_error(d, s->file, s->line, "key %s: View %s is none of dnsd's views "
				"(\"public\", a VpcId, or VpcId+inbound for a VPC with an inbound "
				"endpoint; dnsd --check names each zone's view)", s->key_text, s->view);
			ok = false;
		}
	}
	return ok;
}

static bool
keep_view_names(struct xfr *x, struct pre *p, const struct zb *b)
{
	p->view_names = arena_zalloc(x->arena, zb_view_count(b) * sizeof(*p->view_names));
	for (unsigned v = 0; p->view_names && v < zb_view_count(b); v++)
		if (!(p->view_names[v] = arena_strdup(x->arena, zb_view_name(b, v))))
			return false;
	return p->view_names != NULL;
}

static bool
build_keys(struct xfr *x, const struct topology *t)
{
	unsigned n = 0;
	for (const struct xfr_secondary *s = t->secondaries; s; s = s->next)
		n++;
	x->keys = arena_zalloc(x->arena, (n + 1) * sizeof(*x->keys));
	if (!x->keys)
		return false;
	for (const struct xfr_secondary *s = t->secondaries; s; s = s->next) {
		struct xfr_secondary *copy = arena_memdup(x->arena, s, sizeof(*s));
		if (!copy || !(copy->key_text = arena_strdup(x->arena, s->key_text)) ||
		    !(copy->view = arena_strdup(x->arena, s->view)) ||
		    !(copy->file = arena_strdup(x->arena, s->file ? s->file : "")))
			return false;
		copy->next = NULL;
		x->keys[x->n_keys++].cfg = copy;
	}
	return true;
}

struct xfr *
xfr_prepare(const struct topology *t, struct zb *b, const struct xfr *prev, struct arena *a,
	uint64_t now, struct diag *d, bool *err)
{
	*err = false;
	if (!t->secondaries)
		return NULL;	/* no transfers: nothing kept, nothing computed */
	struct xfr *x = arena_zalloc(a, sizeof(*x));
	struct pre *p = calloc(1, sizeof(*p));
	if (x && p && check_views(t, b, d)) {
		x->arena = a;
		x->now = now;
		x->pre = p;
		p->b = b;
		p->current = -1;
		if (keep_view_names(x, p, b) && build_keys(x, t)) {
			zb_walk(b, pre_walk, x);
			if (!p->oom && by_name_build(x)) {
				zb_walk(b, sig_walk, x);
				if (set_serials(x, p, prev))
					return x;
			}
		}
		diag_error(d, NULL, 0, "out of memory while preparing zone transfers");
	}
	*err = true;
	if (!x || !x->pre)
		free(p);	/* not handed over yet: nothing in it */
	xfr_free(x);
	return NULL;
}

/* ---- after compiling: names, views, catalogs, journals ---- */

/* The compiled zone of each entry, as its own view finds its apex. A
 * zone whose apex is a CNAME (an endpoint service's private name) is not
 * a zone a secondary can load (RFC 1034 §3.6.2: no SOA beside it). */
static bool
find_compiled(struct xfr *x, const struct zonedb *db)
{
	bool ok = true;
	for (uint32_t i = 0; i < x->n_zones; i++) {
		struct xfr_zone *z = &x->zones[i];
		struct query_lookup f;
		query_lookup_name(db, z->view, z->apex, z->apex_len, DNS_TYPE_SOA, &f);
		const struct zone *c = f.auth;
		if (!c || c->kind != z->kind || c->view != z->view ||
		    !dname_equal(c->apex, c->apex_len, z->apex, z->apex_len)) {
			z->apex = arena_memdup(x->arena, z->apex, z->apex_len);
			ok = ok && z->apex;
			continue;
		}
		z->apex = c->apex;	/* the builder's goes with it */
		if (f.node && (f.node->flags & NODE_CNAME)) {
			char name[DNAME_TEXT_MAX];
			dname_to_text(z->apex, name, sizeof(name));
			verbose(VERB_DETAIL, "zone %s (view %s) is not transferred: its apex is a "
				"CNAME", name, z->view_name);
			continue;
		}
		z->zone = c;
	}
	return ok;
}

/* Pointer map from compiled zone to entry. */
struct zmap {
	const struct zone **keys;
	uint32_t *vals;
	uint32_t mask;
};

static uint32_t
ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static bool
zmap_build(struct zmap *m, const struct xfr *x)
{
	uint32_t size = 16;
	while (size < x->n_zones * 2 + 16)
		size *= 2;
	m->keys = calloc(size, sizeof(*m->keys));
	m->vals = calloc(size, sizeof(*m->vals));
	m->mask = size - 1;
	if (!m->keys || !m->vals)
		return false;
	for (uint32_t k = 0; k < x->n_zones; k++) {
		if (!x->zones[k].zone)
			continue;
		uint32_t i = ptr_hash(x->zones[k].zone) & m->mask;
		while (m->keys[i])
			i = (i + 1) & m->mask;
		m->keys[i] = x->zones[k].zone;
		m->vals[i] = k;
	}
	return true;
}

static int64_t
zmap_get(const struct zmap *m, const struct zone *z)
{
	for (uint32_t i = ptr_hash(z) & m->mask; m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == z)
			return m->vals[i];
	return -1;
}

static size_t
node_size(const struct node *n)
{
	size_t s = 0;
	for (uint16_t i = 0; i < n->n_answers; i++)
		s += n->answers[i].len;
	return s;
}

/* Each zone's names: one pass over the table to count, one to fill. */
static bool
collect_nodes(struct xfr *x, const struct zonedb *db)
{
	struct zmap m = { NULL, NULL, 0 };
	bool ok = zmap_build(&m, x);
	for (int pass = 0; ok && pass < 2; pass++) {
		for (uint32_t i = 0; i <= db->mask; i++) {
			const struct node *n = db->slots[i].node;
			if (!n || (n->flags & NODE_PHANTOM) || !transferable(n->zone->kind))
				continue;
			int64_t k = zmap_get(&m, n->zone);
			if (k < 0)
				continue;
			struct xfr_zone *z = &x->zones[k];
			if (pass == 0) {
				z->n_nodes++;
				z->wire_size += (uint32_t)node_size(n);
			} else {
				z->nodes[z->n_nodes++] = n;
			}
		}
		for (uint32_t k = 0; pass == 0 && k < x->n_zones; k++) {
			struct xfr_zone *z = &x->zones[k];
			z->nodes = arena_alloc(x->arena, (z->n_nodes + 1) * sizeof(*z->nodes));
			ok = ok && z->nodes;
			z->n_nodes = 0;
		}
	}
	free(m.keys);
	free(m.vals);
	return ok;
}

bool
xfr_owner_visible(const struct zonedb *db, uint16_t view, const struct xfr_zone *z,
	const uint8_t *name, size_t len)
{
	if (z->view == view || !z->zone || !z->zone->shadowed)
		return true;
	struct query_lookup f;
	query_lookup_name(db, view, name, len, DNS_TYPE_A, &f);
	return f.auth == z->zone;
}

static uint32_t
apex_hash(const uint8_t *apex, size_t len)
{
	uint8_t lower[DNAME_MAX];
	dname_lower_copy(lower, apex, len);
	return (uint32_t)xfr_hash_bytes(0xcbf29ce484222325ull, lower, len);
}

static bool
view_index_build(struct xfr *x, struct xfr_view *v)
{
	uint32_t size = 16;
	while (size < v->n_zones * 2 + 16)
		size *= 2;
	v->slots = arena_zalloc(x->arena, size * sizeof(*v->slots));
	if (!v->slots)
		return false;
	v->mask = size - 1;
	for (uint32_t k = 0; k < v->n_zones; k++) {
		const struct xfr_zone *z = &x->zones[v->zones[k]];
		uint32_t i = apex_hash(z->apex, z->apex_len) & v->mask;
		while (v->slots[i])
			i = (i + 1) & v->mask;
		v->slots[i] = v->zones[k] + 1;
	}
	return true;
}

/* The zones of view vi: its own (not hidden by its own rules) and the
 * public ones whose apex it leaves to view 0. */
static bool
view_fill(struct xfr *x, const struct zonedb *db, struct xfr_view *v)
{
	v->zones = arena_alloc(x->arena, (x->n_zones + 1) * sizeof(*v->zones));
	if (!v->zones)
		return false;
	for (uint32_t k = 0; k < x->n_zones; k++) {
		const struct xfr_zone *z = &x->zones[k];
		if (!z->zone || (z->view != v->view && z->view != 0))
			continue;
		if (z->view != v->view) {
			struct query_lookup f;
			query_lookup_name(db, v->view, z->apex, z->apex_len, DNS_TYPE_SOA, &f);
			if (f.auth != z->zone)
				continue;
		}
		v->zones[v->n_zones++] = k;
	}
	return true;
}

static int
view_index_of(const struct zonedb *db, const char *name)
{
	for (unsigned i = 0; i < db->n_views; i++)
		if (strcmp(db->views[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The views the keys open, each filled once. */
static bool
build_views(struct xfr *x, const struct zonedb *db, unsigned n_keys)
{
	x->views = arena_zalloc(x->arena, (n_keys + 1) * sizeof(*x->views));
	if (!x->views)
		return false;
	for (uint32_t k = 0; k < x->n_keys; k++) {
		struct xfr_key *key = &x->keys[k];
		int vi = view_index_of(db, key->cfg->view);
		uint32_t j = 0;
		while (j < x->n_views && x->views[j].view != vi)
			j++;
		if (j == x->n_views) {
			struct xfr_view *v = &x->views[x->n_views++];
			v->view = (uint16_t)vi;
			v->name = db->views[vi].name;
			if (vi < 0 || !view_fill(x, db, v))
				return false;
		}
		key->view = j;
	}
	return true;
}

/* ---- catalog zones (RFC 9432) ---- */

static uint64_t
catalog_hash(const struct xfr *x, const struct xfr_view *v)
{
	uint64_t h = 0;
	for (uint32_t k = 0; k < v->n_zones; k++) {
		const struct xfr_zone *z = &x->zones[v->zones[k]];
		h += xfr_rr_hash(z->apex, z->apex_len, DNS_TYPE_PTR, 0, NULL, 0);
	}
	return h;
}

/* SOA of a catalog: "invalid. invalid. SERIAL 3600 600 2147483646 0". */
static const uint8_t *
catalog_soa(struct arena *a, uint32_t serial, uint16_t *len)
{
	static const uint32_t timers[4] = { 3600, 600, 2147483646u, 0 };
	uint8_t *soa = arena_alloc(a, 18 + 20);
	if (!soa)
		return NULL;
	memcpy(soa, "\007invalid\0\007invalid\0", 18);
	wire_put32(soa + 18, serial);
	for (int i = 0; i < 4; i++)
		wire_put32(soa + 22 + 4 * i, timers[i]);
	*len = 38;
	return soa;
}

static int
add_catalog(struct xfr *x, const struct xfr_key *key, const struct xfr *prev, struct diag *d)
{
	const struct xfr_secondary *s = key->cfg;
	struct xfr_view *v = &x->views[key->view];
	for (uint32_t k = 0; k < x->n_zones; k++) {
		const struct xfr_zone *z = &x->zones[k];
		if (z->kind == XFR_KIND_CATALOG && z->view == v->view &&
		    dname_equal(z->apex, z->apex_len, s->catalog, s->catalog_len))
			return (int)k;	/* another key of the view names it too */
		if (z->kind != XFR_KIND_CATALOG && z->zone &&
		    dname_equal(z->apex, z->apex_len, s->catalog, s->catalog_len)) {
			diag_error(d, s->file, s->line, "key %s: the catalog zone is named like a "
				"zone dnsd serves (%s view); give Catalog: another name", s->key_text,
				z->view_name);
			return -1;
		}
	}
	struct xfr_zone *c = zone_append(x);
	if (!c)
		return -1;
	v = &x->views[key->view];
	c->apex = s->catalog;
	c->apex_len = s->catalog_len;
	c->kind = XFR_KIND_CATALOG;
	c->view = v->view;
	c->view_name = v->name;
	c->hash = catalog_hash(x, v);
	c->serial = serial_for(c, prev, x->now, &c->changed);
	c->soa = catalog_soa(x->arena, c->serial, &c->soa_len);
	c->members = v->zones;
	c->n_members = v->n_zones;
	x->n_changed += c->changed;
	return c->soa ? (int)(x->n_zones - 1) : -1;
}

/* ---- journals ---- */

static void
carry_journals(struct xfr *x, const struct zonedb *db, const struct xfr *prev,
	const struct zonedb *prev_db)
{
	for (uint32_t k = 0; k < x->n_zones; k++) {
		struct xfr_zone *z = &x->zones[k];
		const struct xfr_zone *p = by_name(prev, z->view_name, z->apex, z->apex_len,
			z->kind);
		if (!p || !p->zone || !z->zone || z->kind == XFR_KIND_CATALOG)
			continue;
		if (!z->changed) {
			z->journal = xfr_journal_ref(p->journal);
			continue;
		}
		/* a public zone whose shadows changed: the difference of its
		 * names is not what a view sees change; start again */
		if (z->kind == ZONE_PUBLIC && z->sig != p->sig)
			continue;
		z->journal = xfr_journal_next(p->journal, p, prev_db, z, db);
		x->n_journaled += z->journal != NULL;
	}
}

int
xfr_finish(struct xfr *x, const struct zonedb *db, const struct xfr *prev,
	const struct zonedb *prev_db, struct diag *d)
{
	pre_free(x);
	if (!find_compiled(x, db) || !collect_nodes(x, db) || !build_views(x, db, x->n_keys))
		goto oom;
	for (uint32_t k = 0; k < x->n_keys; k++) {
		int c = add_catalog(x, &x->keys[k], prev, d);
		if (c < 0)
			return -1;
		x->keys[k].catalog = (uint32_t)c;
	}
	for (uint32_t v = 0; v < x->n_views; v++)
		if (!view_index_build(x, &x->views[v]))
			goto oom;
	if (!by_name_build(x))
		goto oom;
	carry_journals(x, db, prev, prev_db);
	struct xfr_zone *fit = realloc(x->zones, (x->n_zones + 1) * sizeof(*fit));
	if (fit) {	/* the doubling's spare room goes back */
		x->zones = fit;
		x->cap_zones = x->n_zones + 1;
	}
	return 0;
oom:
	diag_error(d, NULL, 0, "out of memory while preparing zone transfers");
	return -1;
}

void
xfr_free(struct xfr *x)
{
	if (!x)
		return;
	pre_free(x);	/* a load that failed between prepare and finish */
	for (uint32_t k = 0; k < x->n_zones; k++)
		xfr_journal_unref(x->zones[k].journal);
	free(x->zones);
	free(x->by_name);
	x->zones = NULL;
	x->by_name = NULL;
}

const struct xfr_key *
xfr_key_find(const struct xfr *x, const uint8_t *name, size_t len)
{
	for (uint32_t k = 0; k < x->n_keys; k++) {
		const struct tsig_key *key = &x->keys[k].cfg->key;
		if (dname_equal(key->name, key->name_len, name, len))
			return &x->keys[k];
	}
	return NULL;
}

const struct xfr_zone *
xfr_zone_find(const struct xfr *x, const struct xfr_key *k, const uint8_t *apex, size_t len)
{
	const struct xfr_view *v = &x->views[k->view];
	const struct xfr_zone *cat = &x->zones[k->catalog];
	if (dname_equal(cat->apex, cat->apex_len, apex, len))
		return cat;
	for (uint32_t i = apex_hash(apex, len) & v->mask; v->slots[i]; i = (i + 1) & v->mask) {
		const struct xfr_zone *z = &x->zones[v->slots[i] - 1];
		if (dname_equal(z->apex, z->apex_len, apex, len))
			return z;
	}
	return NULL;
}
