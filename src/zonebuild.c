/* SPDX-License-Identifier: BSD-3-Clause */
/* src/zonebuild.c - assemble views, zones and records, then compile them into a zonedb. */
#include "config.h"
#include "zonebuild.h"

#include "arena.h"
#include "diag.h"
#include "pack.h"
#include "policy.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#define ZB_MAX_VIEWS 65535
#define ZB_MAX_CHAIN 8		/* CNAME hops followed inside dnsd's data */

struct zb_rdata {
	struct zb_rdata *next;
	uint16_t len;
	uint8_t data[];
};

struct zb_rrset {
	struct zb_rrset *next;
	uint16_t type;
	uint32_t count;
	uint32_t ttl;
	struct zb_rdata *head, **tail;
	/* a routing policy group: no records of its own; alternative i's
	 * are in alts[i], one picked per query (policy.h) */
	const struct policy_group *group;
	struct zb_rrset **alts;
	const struct policy_rule *rule;	/* made when compiled */
};

struct zb_name {
	struct zb_name *next;		/* in the zone, in the order added */
	struct zb_zone *zone;
	const uint8_t *name;
	uint8_t len;
	struct zb_rrset *rrsets, **rrsets_tail;
	struct node *node;		/* compiled node, once made */
};

struct zb_zone {
	struct zb_zone *next;		/* in the view */
	unsigned id;
	unsigned view;
	int kind;
	const uint8_t *apex;
	uint8_t apex_len;
	const char *origin;
	bool has_soa;
	uint32_t soa_ttl;
	uint8_t *soa;
	uint16_t soa_len;
	const struct fwd_targets *targets;
	const struct netprefix *cidrs;
	unsigned n_cidrs;
	const uint8_t *ec2_domain;
	uint8_t ec2_domain_len;
	struct zb_name *names, **names_tail;
	unsigned n_names;
	bool shadowed;		/* view 0: a VPC view's zone or rule overlaps it */
	struct zone *final;
	const struct node **synth_out;	/* zb_synth_cname: where the node goes */
};

/* Views live in a growable array: nothing may point into it (a pointer
 * kept across its growth was the use-after-free of issue 12), so a view
 * appends zones through its last zone, which lives in the arena. */
struct zb_view {
	const char *name;
	struct zb_zone *zones, *last;
};

/* Open-addressing map from (tag, name) to a pointer, used at build time. */
struct bmap_slot {
	uint32_t hash;
	uint32_t tag;
	const uint8_t *key;
	uint8_t keylen;
	void *value;
};

struct bmap {
	struct bmap_slot *slots;
	size_t mask;
	size_t count;
};

/* A zone as an entry of the apex index: zones sharing an apex in a view. */
struct zb_apex {
	struct zb_apex *next;
	struct zb_zone *zone;
};

struct zb {
	struct arena *arena;
	struct zb_view *views;
	unsigned n_views, cap_views;
	unsigned n_zones;
	struct bmap names;	/* (zone id, name) -> zb_name */
	struct bmap apexes;	/* (view, apex) -> zb_apex list */
	struct pack *pack;
	struct diag *diag;	/* where what cannot be compiled is reported */
	struct zb_zone *synth;	/* zones of zb_synth_cname, in no view's list */
};

/* ---- build-time map ---- */

/* name_hash is dname_hash(key), which callers walking suffixes have already */
static uint32_t
bmap_hash_of(uint32_t tag, uint32_t name_hash, size_t len)
{
	return zonedb_mix(name_hash, tag) ^ (uint32_t)len;
}

static uint32_t
bmap_hash(uint32_t tag, const uint8_t *key, size_t len)
{
	return bmap_hash_of(tag, dname_hash(key), len);
}

static bool
bmap_grow(struct bmap *m)
{
	size_t size = m->slots ? (m->mask + 1) * 2 : 1024;
	struct bmap_slot *slots = calloc(size, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; m->slots && i <= m->mask; i++) {
		struct bmap_slot *s = &m->slots[i];
		if (!s->key)
			continue;
		size_t j = s->hash & (size - 1);
		while (slots[j].key)
			j = (j + 1) & (size - 1);
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->mask = size - 1;
	return true;
}

/* The value, never the slot: slots move when the map grows. */
static void *
bmap_find_hashed(const struct bmap *m, uint32_t tag, const uint8_t *key, size_t len,
	uint32_t name_hash)
{
	if (!m->slots)
		return NULL;
	uint32_t h = bmap_hash_of(tag, name_hash, len);
	for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
		struct bmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->hash == h && s->tag == tag && dname_equal(s->key, s->keylen, key, len))
			return s->value;
	}
}

static void *
bmap_find(const struct bmap *m, uint32_t tag, const uint8_t *key, size_t len)
{
	return m->slots ? bmap_find_hashed(m, tag, key, len, dname_hash(key)) : NULL;
}

/* Insert a new key (the caller checked that it is absent). */
static bool
bmap_put(struct bmap *m, uint32_t tag, const uint8_t *key, size_t len, void *value)
{
	if (!m->slots || (m->count + 1) * 2 > m->mask + 1)
		if (!bmap_grow(m))
			return false;
	uint32_t h = bmap_hash(tag, key, len);
	size_t i = h & m->mask;
	while (m->slots[i].key)
		i = (i + 1) & m->mask;
	m->slots[i] = (struct bmap_slot){ h, tag, key, (uint8_t)len, value };
	m->count++;
	return true;
}

static void
bmap_free(struct bmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->count = 0;
}

/* ---- assembling ---- */

struct zb *
zb_create(void)
{
	struct zb *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->arena = arena_create(1 << 20);
	b->pack = malloc(sizeof(*b->pack));
	if (!b->arena || !b->pack || zb_view_add(b, "public") != 0) {
		zb_free(b);
		return NULL;
	}
	return b;
}

void
zb_free(struct zb *b)
{
	if (!b)
		return;
	bmap_free(&b->names);
	bmap_free(&b->apexes);
	arena_free(b->arena);
	free(b->views);
	free(b->pack);
	free(b);
}

int
zb_view_add(struct zb *b, const char *name)
{
	if (b->n_views >= ZB_MAX_VIEWS)
		return -1;
	if (b->n_views == b->cap_views) {
		unsigned cap = b->cap_views ? b->cap_views * 2 : 16;
		struct zb_view *v = realloc(b->views, cap * sizeof(*v));
		if (!v)
			return -1;
		b->views = v;
		b->cap_views = cap;
	}
	struct zb_view *v = &b->views[b->n_views];
	v->name = arena_strdup(b->arena, name);
	v->zones = NULL;
	v->last = NULL;
	return (int)b->n_views++;
}

void
zb_set_diag(struct zb *b, struct diag *d)
{
	b->diag = d;
}

unsigned
zb_view_count(const struct zb *b)
{
	return b->n_views;
}

const char *
zb_view_name(const struct zb *b, unsigned view)
{
	return view < b->n_views ? b->views[view].name : "?";
}

struct zb_zone *
zb_zone_find(const struct zb *b, unsigned view, const uint8_t *apex, size_t apex_len,
	int kind)
{
	for (struct zb_apex *a = bmap_find(&b->apexes, view, apex, apex_len); a; a = a->next)
		if (kind < 0 || a->zone->kind == kind)
			return a->zone;
	return NULL;
}

struct zb_zone *
zb_zone_add(struct zb *b, unsigned view, const uint8_t *apex, size_t apex_len,
	int kind, const char *origin)
{
	if (view >= b->n_views || zb_zone_find(b, view, apex, apex_len, kind))
		return NULL;
	struct zb_zone *z = arena_zalloc(b->arena, sizeof(*z));
	struct zb_apex *entry = arena_zalloc(b->arena, sizeof(*entry));
	if (!z || !entry)
		return NULL;
	z->id = b->n_zones++;
	z->view = view;
	z->kind = kind;
	z->apex = arena_memdup(b->arena, apex, apex_len);
	z->apex_len = (uint8_t)apex_len;
	z->origin = arena_strdup(b->arena, origin ? origin : "");
	z->names_tail = &z->names;
	entry->zone = z;
	struct zb_apex *first = bmap_find(&b->apexes, view, apex, apex_len);
	if (first) {
		/* same apex, other kind (a rule beside a zone): keep the first
		 * entry first, it is the one the phantom pass starts from */
		entry->next = first->next;
		first->next = entry;
	} else if (!bmap_put(&b->apexes, view, z->apex, apex_len, entry)) {
		return NULL;
	}
	struct zb_view *v = &b->views[view];
	if (v->last)
		v->last->next = z;
	else
		v->zones = z;
	v->last = z;
	return z;
}

void
zb_zone_apex(const struct zb_zone *z, const uint8_t **apex, size_t *len)
{
	*apex = z->apex;
	*len = z->apex_len;
}

const char *
zb_zone_origin(const struct zb_zone *z)
{
	return z->origin;
}

void
zb_zone_set_targets(struct zb_zone *z, const struct fwd_targets *t)
{
	z->targets = t;
}

struct arena *
zb_arena(struct zb *b)
{
	return b->arena;
}

void
zb_zone_set_ec2(struct zb_zone *z, const struct netprefix *cidrs, unsigned n,
	const uint8_t *domain, size_t domain_len)
{
	z->cidrs = cidrs;
	z->n_cidrs = n;
	z->ec2_domain = domain;
	z->ec2_domain_len = (uint8_t)domain_len;
}

static struct zb_name *
name_get(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t len, bool create)
{
	struct zb_name *found = bmap_find(&b->names, z->id, owner, len);
	if (found)
		return found;
	if (!create)
		return NULL;
	struct zb_name *n = arena_zalloc(b->arena, sizeof(*n));
	if (!n)
		return NULL;
	n->zone = z;
	n->name = arena_memdup(b->arena, owner, len);
	n->len = (uint8_t)len;
	n->rrsets_tail = &n->rrsets;
	if (!n->name || !bmap_put(&b->names, z->id, n->name, len, n))
		return NULL;
	*z->names_tail = n;
	z->names_tail = &n->next;
	z->n_names++;
	return n;
}

static struct zb_rrset *
rrset_find(struct zb_name *n, uint16_t type)
{
	for (struct zb_rrset *r = n->rrsets; r; r = r->next)
		if (r->type == type)
			return r;
	return NULL;
}

static bool
rdata_equal(const struct zb_rdata *d, const uint8_t *rdata, uint16_t len)
{
	return d->len == len && memcmp(d->data, rdata, len) == 0;
}

int
zb_rr_add(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len,
	uint16_t type, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	if (!dname_is_subdomain(owner, owner_len, z->apex, z->apex_len)) {
		*why = "owner name is outside the zone";
		return -1;
	}
	struct zb_name *n = name_get(b, z, owner, owner_len, true);
	if (!n) {
		*why = "out of memory";
		return -1;
	}
	bool has_cname = rrset_find(n, DNS_TYPE_CNAME) != NULL;
	if ((type == DNS_TYPE_CNAME && n->rrsets && !has_cname) ||
	    (type != DNS_TYPE_CNAME && has_cname)) {
		*why = "CNAME and other data at the same name (RFC 1034 §3.6.2)";
		return -1;
	}
	struct zb_rrset *r = rrset_find(n, type);
	if (r && r->group) {
		*why = "the name and type have a routing policy (zb_rr_add_alt)";
		return -1;
	}
	if (r && type == DNS_TYPE_CNAME) {
		*why = "more than one CNAME at a name";
		return -1;
	}
	if (!r) {
		r = arena_zalloc(b->arena, sizeof(*r));
		if (!r) {
			*why = "out of memory";
			return -1;
		}
		r->type = type;
		r->ttl = ttl;
		r->tail = &r->head;
		*n->rrsets_tail = r;
		n->rrsets_tail = &r->next;
	}
	for (struct zb_rdata *d = r->head; d; d = d->next)
		if (rdata_equal(d, rdata, rdlen))
			return 0;	/* duplicate records collapse (RFC 2181 §5) */
	struct zb_rdata *d = arena_alloc(b->arena, sizeof(*d) + rdlen);
	if (!d) {
		*why = "out of memory";
		return -1;
	}
	d->next = NULL;
	d->len = rdlen;
	memcpy(d->data, rdata, rdlen);
	*r->tail = d;
	r->tail = &d->next;
	r->count++;
	return 0;
}

int
zb_name_add(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len)
{
	if (!dname_is_subdomain(owner, owner_len, z->apex, z->apex_len))
		return -1;
	return name_get(b, z, owner, owner_len, true) ? 0 : -1;
}

int
zb_rrset_set_policy(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len,
	uint16_t type, const struct policy_group *g, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	if (!g->n_alts) {
		*why = "a routing policy group without alternatives";
		return -1;
	}
	if (!dname_is_subdomain(owner, owner_len, z->apex, z->apex_len)) {
		*why = "owner name is outside the zone";
		return -1;
	}
	struct zb_name *n = name_get(b, z, owner, owner_len, true);
	struct zb_rrset *r = n ? arena_zalloc(b->arena, sizeof(*r)) : NULL;
	struct zb_rrset **alts = r ? arena_zalloc(b->arena, g->n_alts * sizeof(*alts)) : NULL;
	if (!alts) {
		*why = "out of memory";
		return -1;
	}
	bool has_cname = rrset_find(n, DNS_TYPE_CNAME) != NULL;
	if ((type == DNS_TYPE_CNAME && n->rrsets) || (type != DNS_TYPE_CNAME && has_cname)) {
		*why = "CNAME and other data at the same name (RFC 1034 §3.6.2)";
		return -1;
	}
	if (rrset_find(n, type)) {
		*why = "the name already has records of this type";
		return -1;
	}
	for (unsigned i = 0; i < g->n_alts; i++) {
		if (!(alts[i] = arena_zalloc(b->arena, sizeof(**alts)))) {
			*why = "out of memory";
			return -1;
		}
		alts[i]->type = type;
		alts[i]->tail = &alts[i]->head;
	}
	r->type = type;
	r->tail = &r->head;
	r->group = g;
	r->alts = alts;
	*n->rrsets_tail = r;
	n->rrsets_tail = &r->next;
	return 0;
}

int
zb_rr_add_alt(struct zb *b, struct zb_zone *z, const uint8_t *owner, size_t owner_len,
	uint16_t type, unsigned alt, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
	const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	struct zb_name *n = name_get(b, z, owner, owner_len, false);
	struct zb_rrset *g = n ? rrset_find(n, type) : NULL;
	if (!g || !g->group || alt >= g->group->n_alts) {
		*why = "no such alternative (zb_rrset_set_policy first)";
		return -1;
	}
	struct zb_rrset *r = g->alts[alt];
	if (type == DNS_TYPE_CNAME && r->head) {
		*why = "more than one CNAME in an alternative";
		return -1;
	}
	for (struct zb_rdata *d = r->head; d; d = d->next)
		if (rdata_equal(d, rdata, rdlen))
			return 0;
	struct zb_rdata *d = arena_alloc(b->arena, sizeof(*d) + rdlen);
	if (!d) {
		*why = "out of memory";
		return -1;
	}
	d->next = NULL;
	d->len = rdlen;
	memcpy(d->data, rdata, rdlen);
	if (!r->head)
		r->ttl = ttl;
	*r->tail = d;
	r->tail = &d->next;
	r->count++;
	return 0;
}

int
zb_synth_cname(struct zb *b, unsigned view, const uint8_t *target, size_t tlen, uint32_t ttl,
	const char *origin, const struct node **out)
{
	static const uint8_t any[] = { 1, '*', 0 };	/* owned by any query name */
	if (view >= b->n_views)
		return -1;
	/* a zone of its own, in no view's list and no apex index: nothing
	 * resolves to it, and it only gives the node a view to follow from */
	struct zb_zone *z = arena_zalloc(b->arena, sizeof(*z));
	if (!z)
		return -1;
	z->id = b->n_zones++;
	z->view = view;
	z->kind = ZONE_LOCAL;
	z->apex = any + 2;
	z->apex_len = 1;
	z->origin = arena_strdup(b->arena, origin ? origin : "");
	z->names_tail = &z->names;
	z->synth_out = out;
	if (!z->origin || zb_rr_add(b, z, any, sizeof(any), DNS_TYPE_CNAME, ttl, target,
		    (uint16_t)tlen, NULL) < 0)
		return -1;
	z->next = b->synth;
	b->synth = z;
	return 0;
}

int
zb_zone_set_soa(struct zb *b, struct zb_zone *z, uint32_t ttl,
	const uint8_t *rdata, uint16_t rdlen, bool as_record)
{
	z->soa = arena_memdup(b->arena, rdata, rdlen);
	if (!z->soa)
		return -1;
	z->soa_len = rdlen;
	z->soa_ttl = ttl;
	z->has_soa = true;
	if (as_record)
		return zb_rr_add(b, z, z->apex, z->apex_len, DNS_TYPE_SOA, ttl,
			rdata, rdlen, NULL);
	return 0;
}

int
zb_zone_set_serial(struct zb *b, struct zb_zone *z, uint32_t serial)
{
	if (!z->has_soa || z->soa_len < 20)
		return -1;
	wire_put32(z->soa + z->soa_len - 20, serial);
	struct zb_name *n = name_get(b, z, z->apex, z->apex_len, false);
	struct zb_rrset *r = n ? rrset_find(n, DNS_TYPE_SOA) : NULL;
	for (struct zb_rdata *d = r ? r->head : NULL; d; d = d->next)
		if (d->len >= 20)
			wire_put32(d->data + d->len - 20, serial);
	return 0;
}

bool
zb_zone_soa(const struct zb_zone *z, uint32_t *ttl, const uint8_t **rdata, uint16_t *rdlen)
{
	if (!z->has_soa)
		return false;
	*ttl = z->soa_ttl;
	*rdata = z->soa;
	*rdlen = z->soa_len;
	return true;
}

/* The records of one RRset, or of each alternative of a group. */
static void
walk_rrset(const struct zb_zone *z, unsigned v, const struct zb_name *n,
	const struct zb_rrset *r, zb_walk_fn fn, void *ctx)
{
	unsigned n_alts = r->group ? r->group->n_alts : 1;
	for (unsigned a = 0; a < n_alts; a++) {
		const struct zb_rrset *s = r->group ? r->alts[a] : r;
		for (struct zb_rdata *d = s->head; d; d = d->next)
			fn(ctx, z, v, z->apex, z->kind, n->name, s->type, s->ttl, d->data, d->len,
				r->group, r->group ? (int)a : -1);
	}
}

void
zb_walk(const struct zb *b, zb_walk_fn fn, void *ctx)
{
	for (unsigned v = 0; v < b->n_views; v++) {
		for (struct zb_zone *z = b->views[v].zones; z; z = z->next) {
			fn(ctx, z, v, z->apex, z->kind, NULL, 0, 0, NULL, 0, NULL, -1);
			for (struct zb_name *n = z->names; n; n = n->next)
				for (struct zb_rrset *r = n->rrsets; r; r = r->next)
					walk_rrset(z, v, n, r, fn, ctx);
		}
	}
}

/* Records of an RRset, every alternative's for a group. */
static unsigned
rrset_records(const struct zb_rrset *r)
{
	unsigned n = r->count;
	for (unsigned a = 0; r->group && a < r->group->n_alts; a++)
		n += r->alts[a]->count;
	return n;
}

void
zb_count(const struct zb *b, struct zb_counts *out)
{
	memset(out, 0, sizeof(*out));
	out->views = b->n_views;
	for (unsigned v = 0; v < b->n_views; v++) {
		for (const struct zb_zone *z = b->views[v].zones; z; z = z->next) {
			out->zones++;
			for (const struct zb_name *n = z->names; n; n = n->next) {
				unsigned before = out->records;
				for (const struct zb_rrset *r = n->rrsets; r; r = r->next)
					out->records += rrset_records(r);
				out->names += out->records > before;
			}
		}
	}
}

/* ---- compiling ---- */

/* Identical blocks (an SOA, an NS set, one address set answered under
 * several names) are stored once. */
struct blob_slot {
	uint32_t hash;
	uint32_t len;
	const uint8_t *data;
};

struct blobset {
	struct blob_slot *slots;
	size_t mask, count;
};

struct pair {
	uint32_t view;
	const struct node *node;
};

struct finish {
	struct zb *b;
	struct arena *a;
	struct zonedb *db;
	struct blobset blobs;
	struct pair *pairs;
	size_t n_pairs, cap_pairs;
	struct zone *recurse;
	uint32_t n_rot;
	bool failed;
};

/* What a name leads to, seen from a view, at build time. */
struct resolved {
	struct zb_zone *zone;	/* NULL: recursion */
	struct zb_name *name;	/* NULL: no such name in dnsd's data */
	bool nxdomain;		/* inside a LOCAL zone, and absent */
};

static uint32_t
blob_hash(const uint8_t *d, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ d[i]) * 16777619u;
	return h ^ (uint32_t)len;
}

static const uint8_t *
blob_intern(struct finish *f, const uint8_t *data, size_t len)
{
	struct blobset *s = &f->blobs;
	if (!s->slots || (s->count + 1) * 2 > s->mask + 1) {
		size_t size = s->slots ? (s->mask + 1) * 2 : 4096;
		struct blob_slot *slots = calloc(size, sizeof(*slots));
		if (!slots)
			return NULL;
		for (size_t i = 0; s->slots && i <= s->mask; i++) {
			if (!s->slots[i].data)
				continue;
			size_t j = s->slots[i].hash & (size - 1);
			while (slots[j].data)
				j = (j + 1) & (size - 1);
			slots[j] = s->slots[i];
		}
		free(s->slots);
		s->slots = slots;
		s->mask = size - 1;
	}
	uint32_t h = blob_hash(data, len);
	size_t i = h & s->mask;
	for (; s->slots[i].data; i = (i + 1) & s->mask)
		if (s->slots[i].hash == h && s->slots[i].len == len &&
		    memcmp(s->slots[i].data, data, len) == 0)
			return s->slots[i].data;
	const uint8_t *copy = arena_memdup(f->a, data, len ? len : 1);
	if (!copy)
		return NULL;
	s->slots[i] = (struct blob_slot){ h, (uint32_t)len, copy };
	s->count++;
	return copy;
}

/* Every suffix of a name (the name first, the root last) and its hash. */
struct suffixes {
	unsigned n;			/* suffixes, the root included */
	uint8_t off[DNAME_MAX_LABELS + 1];
	uint32_t hash[DNAME_MAX_LABELS + 1];
};

static void
suffixes_of(const uint8_t *name, size_t len, struct suffixes *s)
{
	unsigned n = 0;
	for (size_t pos = 0; pos + 1 < len && n < DNAME_MAX_LABELS; pos += (size_t)name[pos] + 1)
		s->off[n++] = (uint8_t)pos;
	s->off[n] = (uint8_t)(len - 1);
	dname_suffix_hashes(name, s->off, n, s->hash);
	s->n = n + 1;
}

/*
 * The most specific zone or rule of one view that covers a name. At one
 * apex a FORWARD rule beats a zone, unless a SYSTEM rule at or below that
 * apex has switched forwarding off (R53: SYSTEM overrides a forwarding
 * rule for subdomains).
 */
static struct zb_zone *
view_authority(const struct zb *b, unsigned view, const uint8_t *name, size_t len,
	const struct suffixes *sx)
{
	bool system_seen = false;
	for (unsigned i = 0; i < sx->n; i++) {
		const uint8_t *suffix = name + sx->off[i];
		size_t suffix_len = len - sx->off[i];
		struct zb_zone *fwd = NULL, *local = NULL, *pub = NULL;
		struct zb_apex *a = bmap_find_hashed(&b->apexes, view, suffix, suffix_len,
			sx->hash[i]);
		for (; a; a = a->next) {
			struct zb_zone *z = a->zone;
			if (z->kind == ZONE_FORWARD && !fwd)
				fwd = z;
			else if (z->kind == ZB_SYSTEM)
				system_seen = true;
			else if (zone_kind_local(z->kind) && !local)
				local = z;
			else if ((z->kind == ZONE_PUBLIC || z->kind == ZONE_RECURSE) && !pub)
				pub = z;
		}
		if (fwd && !system_seen)
			return fwd;
		if (local)
			return local;
		if (pub)
			return pub;
	}
	return NULL;
}

/*
 * The zone that decides about a name in a view: the view's own zones and
 * rules first (a VPC's private zones and rules are matched before
 * recursion, with no fallthrough: facts §7); only where they leave the
 * name to recursion do the public endpoint names (view 0) answer, as the
 * internet would. NULL means recursion (the "Internet Resolver" rule).
 */
static struct zb_zone *
authority(const struct zb *b, unsigned view, const uint8_t *name, size_t len)
{
	struct suffixes sx;
	suffixes_of(name, len, &sx);
	struct zb_zone *z = view_authority(b, view, name, len, &sx);
	if (z || view == 0)
		return z;
	return view_authority(b, 0, name, len, &sx);
}

static bool
is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

static void
resolve(const struct zb *b, unsigned view, const uint8_t *name, size_t len,
	struct resolved *out)
{
	out->zone = authority(b, view, name, len);
	out->name = NULL;
	out->nxdomain = false;
	struct zb_zone *z = out->zone;
	if (!z || (!zone_kind_local(z->kind) && z->kind != ZONE_PUBLIC))
		return;
	out->name = bmap_find(&b->names, z->id, name, len);
	if (out->name)
		return;
	/* closest encloser inside the zone, then its wildcard (RFC 4592) */
	const uint8_t *s = name;
	size_t l = len;
	while (l > z->apex_len) {
		l -= (size_t)s[0] + 1;
		s += (size_t)s[0] + 1;
		if (!bmap_find(&b->names, z->id, s, l))
			continue;
		uint8_t wild[DNAME_MAX];
		if (l + 2 <= DNAME_MAX) {
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, s, l);
			out->name = bmap_find(&b->names, z->id, wild, l + 2);
			if (out->name)
				return;
		}
		break;
	}
	out->nxdomain = zone_kind_local(z->kind);
}

int
zb_rrset_each(const struct zb *b, unsigned view, const uint8_t *name, size_t len,
	uint16_t type, zb_rdata_fn fn, void *ctx, const struct policy_group **group)
{
	struct resolved r;
	resolve(b, view, name, len, &r);
	if (group)
		*group = NULL;
	if (!r.name)
		return -1;
	int n = 0;
	for (struct zb_rrset *rs = r.name->rrsets; rs; rs = rs->next) {
		if (rs->type != type)
			continue;
		if (group && rs->group)
			*group = rs->group;
		unsigned n_alts = rs->group ? rs->group->n_alts : 1;
		for (unsigned a = 0; a < n_alts; a++) {
			const struct zb_rrset *s = rs->group ? rs->alts[a] : rs;
			for (struct zb_rdata *d = s->head; d; d = d->next, n++)
				fn(ctx, rs->group ? (int)a : -1, s->type, s->ttl, d->data, d->len);
		}
	}
	return n;
}

/* The CNAME of a name; in a chain, a routing policy group's first
 * alternative stands for the group (compile_cname_group picks at the
 * queried name only). */
static struct zb_rrset *
rrset_cname(const struct zb_name *n)
{
	for (struct zb_rrset *r = n->rrsets; r; r = r->next)
		if (r->type == DNS_TYPE_CNAME)
			return r->group ? (r->alts[0]->head ? r->alts[0] : NULL) : r;
	return NULL;
}

/* The CNAME routing policy group of a name, or NULL. */
static struct zb_rrset *
rrset_cname_group(const struct zb_name *n)
{
	for (struct zb_rrset *r = n->rrsets; r; r = r->next)
		if (r->type == DNS_TYPE_CNAME && r->group)
			return r;
	return NULL;
}

static void
pack_start(struct pack *p, const struct zb_name *n)
{
	if (is_wildcard(n->name))
		pack_init(p, PACK_WILDCARD, n->name + 2, n->len - 2u);
	else
		pack_init(p, PACK_EXACT, n->name, n->len);
}

/* Copy a finished pack into an answer that lives in the snapshot arena. */
static bool
answer_store(struct finish *f, const struct pack *p, uint8_t rcode, uint16_t qtype,
	size_t rot_off, const size_t *rr_starts, unsigned rot_n, struct answer *out)
{
	if (p->overflow)
		return false;
	pack_answer(p, rcode, qtype, out);
	out->block = blob_intern(f, p->buf, p->len);
	if (!out->block)
		return false;
	if (p->n_relocs) {
		out->relocs = arena_memdup(f->a, p->relocs, p->n_relocs * sizeof(struct reloc));
		if (!out->relocs)
			return false;
	} else {
		out->relocs = NULL;
	}
	/* rotate only a run of records of one size: true of A and AAAA sets
	 * whose owner is one pointer */
	if (rot_n > 1) {
		size_t size = rr_starts[1] - rr_starts[0];
		bool equal = true;
		for (unsigned i = 1; i < rot_n; i++) {
			size_t end = i + 1 < rot_n ? rr_starts[i + 1] : p->len;
			if (end - rr_starts[i] != size)
				equal = false;
		}
		if (equal && rot_off == rr_starts[0] && size <= UINT16_MAX) {
			out->rot_n = (uint16_t)rot_n;
			out->rot_off = (uint16_t)rot_off;
			out->rot_size = (uint16_t)size;
			out->rot_counter = f->n_rot++;
		}
	}
	return true;
}

/* Pack the records of one RRset after what the pack already holds. */
static bool
pack_rrset(struct pack *p, const uint8_t *owner, size_t owner_len,
	const struct zb_rrset *r, size_t *rr_starts, unsigned max_starts)
{
	unsigned i = 0;
	for (const struct zb_rdata *d = r->head; d; d = d->next, i++) {
		if (i < max_starts)
			rr_starts[i] = p->len;
		if (!pack_rr(p, PACK_ANSWER, owner, owner_len, r->type, r->ttl, d->data, d->len))
			return false;
	}
	return true;
}

static bool
rotates(uint16_t type)
{
	return type == DNS_TYPE_A || type == DNS_TYPE_AAAA;
}

/* Every A or AAAA set that fits in a message rotates: PACK_MAX bytes hold
 * at most 4,062 records of 16 bytes (a larger set fails the build as too
 * large for a message, with an error). */
#define MAX_ROT_STARTS 4096

struct chain;
static bool compile_group(struct finish *f, const struct zb_name *n, const struct chain *c,
	struct zb_rrset *r, struct answer *out);
static bool compile_cname_group(struct finish *f, const struct zb_name *n, struct node *node);

static bool
compile_rrset(struct finish *f, const struct zb_name *n, struct zb_rrset *r,
	struct answer *out)
{
	struct pack *p = f->b->pack;
	size_t starts[MAX_ROT_STARTS];
	if (r->group)
		return compile_group(f, n, NULL, r, out);
	pack_start(p, n);
	if (!pack_rrset(p, NULL, 0, r, starts, MAX_ROT_STARTS))
		return false;
	unsigned rot = rotates(r->type) ? r->count : 0;
	if (rot > MAX_ROT_STARTS)
		rot = 0;
	return answer_store(f, p, DNS_RCODE_NOERROR, r->type, 0, starts, rot, out);
}

static uint32_t
soa_negative_ttl(const struct zb_zone *z)
{
	uint32_t minimum = z->soa_len >= 4 ? wire_get32(z->soa + z->soa_len - 4) : 0;
	return z->soa_ttl < minimum ? z->soa_ttl : minimum;
}

/* A CNAME chain as found at build time. */
struct chain {
	unsigned n;
	const uint8_t *owner[ZB_MAX_CHAIN];	/* NULL: the query name */
	uint8_t owner_len[ZB_MAX_CHAIN];
	const struct zb_rrset *cname[ZB_MAX_CHAIN];
	struct resolved end;			/* where the last target leads */
	const uint8_t *end_name;		/* the last target */
	uint8_t end_len;
};

static void
chain_warn(const struct zb *b, const struct zb_name *n, const char *what)
{
	char name[DNAME_TEXT_MAX];
	if (!b->diag)
		return;
	dname_to_text(n->name, name, sizeof(name));
	diag_warn(b->diag, NULL, 0, "%s: the CNAME chain from %s %s", n->zone->origin, name, what);
}

static void
chain_follow(const struct zb *b, const struct zb_name *n, const struct zb_rrset *r,
	struct chain *c)
{
	c->n = 0;
	c->owner[0] = NULL;
	c->owner_len[0] = 0;
	for (;;) {
		c->cname[c->n++] = r;
		const uint8_t *target = r->head->data;
		size_t tlen = r->head->len;
		c->end_name = target;
		c->end_len = (uint8_t)tlen;
		resolve(b, n->zone->view, target, tlen, &c->end);
		if (!c->end.name)
			return;
		r = rrset_cname(c->end.name);
		if (!r)
			return;
		if (c->n == ZB_MAX_CHAIN) {
			chain_warn(b, n, "is longer than 8 CNAMEs: answers carry the first 8 and "
				"the client asks on");
			return;
		}
		for (unsigned i = 0; i < c->n; i++) {
			if (c->cname[i] == r) {
				chain_warn(b, n, "is a CNAME loop: answers stop where it closes");
				return;
			}
		}
		c->owner[c->n] = target;
		c->owner_len[c->n] = (uint8_t)tlen;
	}
}

static bool
pack_chain(struct pack *p, const struct chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct zb_rrset *r = c->cname[i];
		if (!pack_rr(p, PACK_ANSWER, c->owner[i], c->owner_len[i], DNS_TYPE_CNAME,
			    r->ttl, r->head->data, r->head->len))
			return false;
	}
	return true;
}

/* Answers of a CNAME node: the CNAME itself, one per type the chain ends
 * in, and one for every other type (NODATA or NXDOMAIN of the end). */
static bool
compile_cname(struct finish *f, const struct zb_name *n, struct node *node)
{
	struct pack *p = f->b->pack;
	struct chain c;
	chain_follow(f->b, n, rrset_cname(n), &c);
	unsigned n_types = 0;
	const struct zb_name *end = c.end.name;
	bool end_is_cname = end && rrset_cname(end);
	if (end && !end_is_cname)
		for (const struct zb_rrset *r = end->rrsets; r; r = r->next)
			n_types++;
	struct answer *ans = arena_zalloc(f->a, (n_types + 2) * sizeof(*ans));
	if (!ans)
		return false;
	unsigned k = 0;
	size_t starts[MAX_ROT_STARTS];

	pack_start(p, n);
	if (!pack_rr(p, PACK_ANSWER, NULL, 0, DNS_TYPE_CNAME, c.cname[0]->ttl,
		    c.cname[0]->head->data, c.cname[0]->head->len) ||
	    !answer_store(f, p, DNS_RCODE_NOERROR, DNS_TYPE_CNAME, 0, NULL, 0, &ans[k++]))
		return false;
	for (struct zb_rrset *r = end && !end_is_cname ? end->rrsets : NULL; r; r = r->next) {
		if (r->group) {
			if (!compile_group(f, n, &c, r, &ans[k++]))
				return false;
			continue;
		}
		pack_start(p, n);
		if (!pack_chain(p, &c))
			return false;
		size_t rot_off = p->len;
		if (!pack_rrset(p, c.end_name, c.end_len, r, starts, MAX_ROT_STARTS))
			return false;
		unsigned rot = rotates(r->type) && r->count <= MAX_ROT_STARTS ? r->count : 0;
		if (!answer_store(f, p, DNS_RCODE_NOERROR, r->type, rot_off, starts, rot, &ans[k++]))
			return false;
	}
	pack_start(p, n);
	if (!pack_chain(p, &c))
		return false;
	struct zb_zone *ez = c.end.zone;
	uint8_t rcode = c.end.nxdomain ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR;
	if (ez && ez->has_soa && (c.end.nxdomain || end) && !end_is_cname)
		if (!pack_rr(p, PACK_AUTHORITY, ez->apex, ez->apex_len, DNS_TYPE_SOA,
			    soa_negative_ttl(ez), ez->soa, ez->soa_len))
			return false;
	if (!answer_store(f, p, rcode, 0, 0, NULL, 0, &ans[k++]))
		return false;
	node->answers = ans;
	node->n_answers = (uint16_t)k;
	node->flags |= NODE_CNAME;
	return true;
}

static struct zone *zone_final(struct finish *f, struct zb_zone *z);

/* Say which answer did not fit (the build then fails); NULL to return. */
static struct node *
compile_failed(struct finish *f, const struct zb_name *n, uint16_t type)
{
	char name[DNAME_TEXT_MAX];
	if (!f->b->diag || !f->b->pack->overflow)
		return NULL;	/* out of memory: the caller says so */
	dname_to_text(n->name, name, sizeof(name));
	diag_error(f->b->diag, NULL, 0, "%s: the answer for %s type %u does not fit in a DNS "
		"message (dnsd keeps %u bytes for an answer's records, of 65,535): split the "
		"record set", n->zone->origin, name, type, PACK_MAX);
	return NULL;
}

static struct node *
node_make(struct finish *f, struct zb_name *n)
{
	if (n->node)
		return n->node;
	struct node *node = arena_zalloc(f->a, sizeof(*node));
	if (!node)
		return NULL;
	node->name = arena_memdup(f->a, n->name, n->len);
	node->name_len = n->len;
	node->zone = zone_final(f, n->zone);
	if (!node->name || !node->zone)
		return NULL;
	n->node = node;
	if (rrset_cname_group(n))
		return compile_cname_group(f, n, node) ? node : NULL;
	if (rrset_cname(n))
		return compile_cname(f, n, node) ? node : compile_failed(f, n, DNS_TYPE_CNAME);
	unsigned count = 0;
	for (struct zb_rrset *r = n->rrsets; r; r = r->next)
		count++;
	if (count == 0)
		return node;
	struct answer *ans = arena_zalloc(f->a, count * sizeof(*ans));
	if (!ans)
		return NULL;
	unsigned k = 0;
	for (struct zb_rrset *r = n->rrsets; r; r = r->next)
		if (!compile_rrset(f, n, r, &ans[k++]))
			return compile_failed(f, n, r->type);
	node->answers = ans;
	node->n_answers = (uint16_t)count;
	return node;
}

/* ---- routing policy groups (policy.h) ---- */

/* One prepared answer of a group: the chain to it (when the group ends a
 * CNAME chain), then the records of each member alternative. */
static bool
group_answer(struct finish *f, const struct zb_name *n, const struct chain *c,
	const struct zb_rrset *r, unsigned k, struct answer *out)
{
	struct pack *p = f->b->pack;
	size_t starts[MAX_ROT_STARTS];
	unsigned members[POLICY_MULTIVALUE_MAX], count = 0;
	unsigned m = policy_group_members(r->group, k, members);
	pack_start(p, n);
	if (c && !pack_chain(p, c))
		return false;
	size_t rot_off = p->len;
	for (unsigned i = 0; i < m; i++) {
		const struct zb_rrset *alt = r->alts[members[i]];
		unsigned room = count < MAX_ROT_STARTS ? MAX_ROT_STARTS - count : 0;
		if (!pack_rrset(p, c ? c->end_name : NULL, c ? c->end_len : 0, alt,
			    starts + (MAX_ROT_STARTS - room), room))
			return false;
		count += alt->count;
	}
	unsigned rot = rotates(r->type) && count <= MAX_ROT_STARTS ? count : 0;
	return answer_store(f, p, DNS_RCODE_NOERROR, r->type, rot_off, starts, rot, out);
}

/* The selector of a group's prepared answers: its rule is made once and
 * shared by every query type that reaches the group. */
static bool
group_sel(struct finish *f, const struct zb_name *n, struct zb_rrset *r,
	const struct answer *answers, struct answer *out)
{
	struct zone *zone = zone_final(f, n->zone);
	struct policy_sel *sel = arena_zalloc(f->a, sizeof(*sel));
	if (!r->rule)
		r->rule = policy_rule_make(f->a, r->group);
	if (!sel || !r->rule || !zone)
		return false;
	sel->rule = r->rule;
	sel->answers = answers;
	sel->nodata = &zone->nodata;
	*out = answers[0];
	out->sel = sel;
	return true;
}

static bool
compile_group(struct finish *f, const struct zb_name *n, const struct chain *c,
	struct zb_rrset *r, struct answer *out)
{
	unsigned na = policy_group_answers(r->group);
	struct answer *answers = arena_zalloc(f->a, (na ? na : 1) * sizeof(*answers));
	if (!answers || !na)
		return false;
	for (unsigned k = 0; k < na; k++)
		if (!group_answer(f, n, c, r, k, &answers[k]))
			return false;
	return group_sel(f, n, r, answers, out);
}

/* A CNAME alternative's answer to query type q: its first CNAME for
 * CNAME, the chain and the end's records of type q, else the chain and
 * the end's negative answer (type 0). A routing policy group at the end
 * of an alternative's chain answers its first alternative. */
static bool
cname_alt_answer(struct finish *f, const struct zb_name *n, const struct chain *c,
	uint16_t q, struct answer *out)
{
	struct pack *p = f->b->pack;
	size_t starts[MAX_ROT_STARTS];
	const struct zb_name *end = c->end.name;
	bool end_is_cname = end && rrset_cname(end);
	const struct zb_rrset *r = NULL;
	for (r = end && !end_is_cname && q ? end->rrsets : NULL; r && r->type != q; r = r->next)
		;
	if (r && r->group)
		r = r->alts[0];
	pack_start(p, n);
	if (q == DNS_TYPE_CNAME)
		return pack_rr(p, PACK_ANSWER, NULL, 0, DNS_TYPE_CNAME, c->cname[0]->ttl,
			c->cname[0]->head->data, c->cname[0]->head->len) &&
			answer_store(f, p, DNS_RCODE_NOERROR, q, 0, NULL, 0, out);
	if (!pack_chain(p, c))
		return false;
	if (r) {
		size_t rot_off = p->len;
		unsigned rot = rotates(r->type) && r->count <= MAX_ROT_STARTS ? r->count : 0;
		return pack_rrset(p, c->end_name, c->end_len, r, starts, MAX_ROT_STARTS) &&
			answer_store(f, p, DNS_RCODE_NOERROR, q, rot_off, starts, rot, out);
	}
	struct zb_zone *ez = c->end.zone;
	if (ez && ez->has_soa && (c->end.nxdomain || end) && !end_is_cname &&
	    !pack_rr(p, PACK_AUTHORITY, ez->apex, ez->apex_len, DNS_TYPE_SOA,
		    soa_negative_ttl(ez), ez->soa, ez->soa_len))
		return false;
	return answer_store(f, p, c->end.nxdomain ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR, q,
		0, NULL, 0, out);
}

/* The query types the alternatives' chains end in: CNAME first, 0 last. */
static unsigned
cname_group_types(const struct chain *chains, unsigned n_alts, uint16_t *types, unsigned max)
{
	unsigned n = 0;
	types[n++] = DNS_TYPE_CNAME;
	for (unsigned i = 0; i < n_alts; i++) {
		const struct zb_name *end = chains[i].end.name;
		if (!end || rrset_cname(end))
			continue;
		for (const struct zb_rrset *r = end->rrsets; r; r = r->next) {
			unsigned k = 0;
			while (k < n && types[k] != r->type)
				k++;
			if (k == n && n + 1 < max)
				types[n++] = r->type;
		}
	}
	types[n++] = 0;
	return n;
}

#define MAX_GROUP_TYPES 64

/* Routing policy CNAMEs (weighted canaries, failover in another zone):
 * each alternative follows its own chain; every query type's answer
 * picks among the alternatives' answers by the group's rule. */
static bool
compile_cname_group(struct finish *f, const struct zb_name *n, struct node *node)
{
	struct zb_rrset *r = rrset_cname_group(n);
	unsigned na = policy_group_answers(r->group);
	struct chain *chains = calloc(na ? na : 1, sizeof(*chains));
	uint16_t types[MAX_GROUP_TYPES];
	bool ok = chains && na;
	for (unsigned i = 0; ok && i < na; i++) {
		ok = r->alts[i]->head != NULL;
		if (ok)
			chain_follow(f->b, n, r->alts[i], &chains[i]);
	}
	unsigned nt = ok ? cname_group_types(chains, na, types, MAX_GROUP_TYPES) : 0;
	struct answer *ans = ok ? arena_zalloc(f->a, nt * sizeof(*ans)) : NULL;
	for (unsigned t = 0; ans && t < nt && ok; t++) {
		struct answer *alts = arena_zalloc(f->a, na * sizeof(*alts));
		ok = alts != NULL;
		for (unsigned i = 0; ok && i < na; i++)
			ok = cname_alt_answer(f, n, &chains[i], types[t], &alts[i]);
		ok = ok && group_sel(f, n, r, alts, &ans[t]);
	}
	free(chains);
	if (!ok || !ans)
		return false;
	node->answers = ans;
	node->n_answers = (uint16_t)nt;
	node->flags |= NODE_CNAME;
	return true;
}

static bool
compile_negative(struct finish *f, struct zb_zone *z, struct zone *out)
{
	struct pack *p = f->b->pack;
	pack_init(p, PACK_BELOW, z->apex, z->apex_len);
	if (z->has_soa && !pack_rr(p, PACK_AUTHORITY, z->apex, z->apex_len,
		    DNS_TYPE_SOA, soa_negative_ttl(z), z->soa, z->soa_len))
		return false;
	return answer_store(f, p, DNS_RCODE_NOERROR, 0, 0, NULL, 0, &out->nodata) &&
		answer_store(f, p, DNS_RCODE_NXDOMAIN, 0, 0, NULL, 0, &out->nxdomain);
}

static struct zone *
zone_final(struct finish *f, struct zb_zone *z)
{
	if (!z)
		return f->recurse;
	if (z->final)
		return z->final;
	struct zone *out = arena_zalloc(f->a, sizeof(*out));
	if (!out)
		return NULL;
	out->apex = arena_memdup(f->a, z->apex, z->apex_len);
	out->apex_len = z->apex_len;
	out->kind = (uint8_t)(z->kind == ZB_SYSTEM ? ZONE_RECURSE : z->kind);
	out->view = (uint16_t)z->view;
	out->shadowed = z->shadowed;
	out->origin = z->origin[0] ? arena_strdup(f->a, z->origin) : "";
	out->targets = z->targets;
	if (z->n_cidrs) {
		out->cidrs = arena_memdup(f->a, z->cidrs, z->n_cidrs * sizeof(*z->cidrs));
		out->n_cidrs = (uint16_t)z->n_cidrs;
		out->ec2_domain = arena_memdup(f->a, z->ec2_domain, z->ec2_domain_len);
		out->ec2_domain_len = z->ec2_domain_len;
		if (!out->cidrs || !out->ec2_domain)
			return NULL;
	}
	if (!out->apex || !out->origin || !compile_negative(f, z, out))
		return NULL;
	z->final = out;
	return out;
}

static bool
pair_add(struct finish *f, unsigned view, const struct node *node)
{
	if (f->n_pairs == f->cap_pairs) {
		size_t cap = f->cap_pairs ? f->cap_pairs * 2 : 4096;
		struct pair *p = realloc(f->pairs, cap * sizeof(*p));
		if (!p)
			return false;
		f->pairs = p;
		f->cap_pairs = cap;
	}
	f->pairs[f->n_pairs++] = (struct pair){ view, node };
	return true;
}

/* Empty non-terminals: every name between a record and its LOCAL zone's
 * apex exists (RFC 8020), and a wildcard's parent exists in any zone. */
static bool
add_empty_non_terminals(struct zb *b)
{
	for (unsigned v = 0; v < b->n_views; v++) {
		for (struct zb_zone *z = b->views[v].zones; z; z = z->next) {
			if (!zone_kind_local(z->kind) && z->kind != ZONE_PUBLIC)
				continue;
			if (zone_kind_local(z->kind) && !name_get(b, z, z->apex, z->apex_len, true))
				return false;
			/* names appended here are visited too; their parents exist */
			for (struct zb_name *n = z->names; n; n = n->next) {
				if (z->kind == ZONE_PUBLIC && !is_wildcard(n->name))
					continue;
				const uint8_t *s = n->name;
				size_t l = n->len;
				while (l > z->apex_len) {
					l -= (size_t)s[0] + 1;
					s += (size_t)s[0] + 1;
					if (name_get(b, z, s, l, false))
						break;
					if (!name_get(b, z, s, l, true))
						return false;
					if (z->kind == ZONE_PUBLIC)
						break;
				}
			}
		}
	}
	return true;
}

/* The first view-0 zone at or above a name (by its suffixes), or NULL. */
static struct zb_zone *
public_zone_above(const struct zb *b, const uint8_t *name, size_t len)
{
	struct suffixes sx;
	suffixes_of(name, len, &sx);
	for (unsigned i = 0; i < sx.n; i++) {
		struct zb_apex *a = bmap_find_hashed(&b->apexes, 0, name + sx.off[i],
			len - sx.off[i], sx.hash[i]);
		if (a)
			return a->zone;
	}
	return NULL;
}

/*
 * Mark the public zones that some VPC view overlaps: a zone or rule of
 * that view at, above or inside the public zone's apex. Names of the
 * other public zones are every view's, so the answer path may take them
 * without walking the view (query.c lookup). SYSTEM rules decide nothing
 * themselves and do not count. Linear: each view apex and each public
 * apex is looked up by its suffixes once.
 */
static bool
mark_shadowed(struct zb *b)
{
	struct bmap above = { NULL, 0, 0 };	/* VPC views' apexes, deduplicated */
	bool ok = true;
	for (unsigned v = 1; v < b->n_views && ok; v++) {
		for (struct zb_zone *z = b->views[v].zones; z && ok; z = z->next) {
			if (z->kind == ZB_SYSTEM || bmap_find(&above, 0, z->apex, z->apex_len))
				continue;
			ok = bmap_put(&above, 0, z->apex, z->apex_len, z);
			struct zb_zone *p = public_zone_above(b, z->apex, z->apex_len);
			if (p)
				p->shadowed = true;	/* at or inside p */
		}
	}
	for (struct zb_zone *p = b->views[0].zones; p && ok; p = p->next) {
		struct suffixes sx;
		suffixes_of(p->apex, p->apex_len, &sx);
		for (unsigned i = 0; i < sx.n && !p->shadowed; i++)
			p->shadowed = bmap_find_hashed(&above, 0, p->apex + sx.off[i],
				p->apex_len - sx.off[i], sx.hash[i]) != NULL;
	}
	bmap_free(&above);
	return ok;
}

/* Enter the names of zone z that view v sees through it. */
static bool
enter_zone_names(struct finish *f, unsigned v, struct zb_zone *z)
{
	if (!zone_kind_local(z->kind) && z->kind != ZONE_PUBLIC)
		return true;
	for (struct zb_name *n = z->names; n; n = n->next) {
		if (authority(f->b, v, n->name, n->len) != z)
			continue;
		const struct node *node = node_make(f, n);
		if (!node || !pair_add(f, v, node))
			return false;
	}
	return true;
}

/* A zone's apex must be findable even when it holds no name of its own
 * (rules, public zones): a phantom node routes to the deciding zone. */
static bool
enter_apex(struct finish *f, struct zb_zone *z)
{
	const struct zb *b = f->b;
	struct zb_apex *first = bmap_find(&b->apexes, z->view, z->apex, z->apex_len);
	if (!first || first->zone != z)
		return true;	/* not the first of its apex: done once per apex */
	struct zb_zone *a = authority(b, z->view, z->apex, z->apex_len);
	if (a && (zone_kind_local(a->kind) || a->kind == ZONE_PUBLIC) &&
	    bmap_find(&b->names, a->id, z->apex, z->apex_len))
		return true;	/* a real node is there */
	struct node *node = arena_zalloc(f->a, sizeof(*node));
	if (!node)
		return false;
	node->name = arena_memdup(f->a, z->apex, z->apex_len);
	node->name_len = z->apex_len;
	node->flags = NODE_PHANTOM;
	node->zone = zone_final(f, a);
	return node->name && node->zone && pair_add(f, z->view, node);
}

/* Enter a view's own zones. View 0's names (the public endpoint names)
 * are entered once: the answer path falls back to them for every view
 * that holds nothing for a name, so they are not copied per view. */
static bool
enter_view(struct finish *f, unsigned v)
{
	for (struct zb_zone *z = f->b->views[v].zones; z; z = z->next)
		if (!enter_zone_names(f, v, z) || !enter_apex(f, z))
			return false;
	return true;
}

static void
link_wildcards(struct zb *b)
{
	for (unsigned v = 0; v < b->n_views; v++) {
		for (struct zb_zone *z = b->views[v].zones; z; z = z->next) {
			for (struct zb_name *n = z->names; n; n = n->next) {
				if (!n->node || !is_wildcard(n->name))
					continue;
				struct zb_name *parent = bmap_find(&b->names, z->id, n->name + 2,
					n->len - 2u);
				if (parent && parent->node)
					parent->node->wildcard = n->node;
			}
		}
	}
}

static bool
table_fill(struct finish *f)
{
	struct zonedb *db = f->db;
	size_t want = f->n_pairs + f->n_pairs / 2 + 16;
	size_t size = 16;
	while (size < want)
		size *= 2;
	db->slots = arena_zalloc(f->a, size * sizeof(*db->slots));
	if (!db->slots)
		return false;
	db->mask = (uint32_t)(size - 1);
	for (size_t i = 0; i < f->n_pairs; i++) {
		const struct node *n = f->pairs[i].node;
		uint32_t h = zonedb_mix(dname_hash(n->name), f->pairs[i].view);
		uint32_t j = h & db->mask;
		while (db->slots[j].node)
			j = (j + 1) & db->mask;
		db->slots[j] = (struct zonedb_slot){ h, f->pairs[i].view, n };
	}
	db->count = (uint32_t)f->n_pairs;
	return true;
}

static bool
views_copy(struct finish *f)
{
	struct zonedb *db = f->db;
	db->n_views = (uint16_t)f->b->n_views;
	db->views = arena_zalloc(f->a, db->n_views * sizeof(*db->views));
	if (!db->views)
		return false;
	for (unsigned v = 0; v < db->n_views; v++) {
		db->views[v].index = (uint16_t)v;
		db->views[v].name = arena_strdup(f->a, f->b->views[v].name);
		if (!db->views[v].name)
			return false;
	}
	return true;
}

int
zb_finish(struct zb *b, struct arena *arena, struct zonedb *db)
{
	struct finish f = { .b = b, .a = arena, .db = db };
	bool ok = false;
	memset(db, 0, sizeof(*db));
	f.recurse = arena_zalloc(arena, sizeof(*f.recurse));
	if (!f.recurse || !add_empty_non_terminals(b) || !mark_shadowed(b))
		goto out;
	f.recurse->apex = (const uint8_t *)"";
	f.recurse->apex_len = 1;
	f.recurse->kind = ZONE_RECURSE;
	f.recurse->origin = "recursion";
	for (unsigned v = 0; v < b->n_views; v++)
		if (!enter_view(&f, v))
			goto out;
	for (struct zb_zone *z = b->synth; z; z = z->next)
		if (!(*z->synth_out = node_make(&f, z->names)))
			goto out;
	link_wildcards(b);
	if (!table_fill(&f) || !views_copy(&f))
		goto out;
	db->n_rot = f.n_rot;
	ok = true;
out:
	free(f.blobs.slots);
	free(f.pairs);
	return ok ? 0 : -1;
}
