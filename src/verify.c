/* SPDX-License-Identifier: BSD-3-Clause */
/* src/verify.c - the last step of a load: everything the definitions describe is served. */
#include "config.h"
#include "verify.h"

#include "arena.h"
#include "defs.h"
#include "diag.h"
#include "dname.h"
#include "hiddenzone.h"
#include "query.h"
#include "strmap.h"
#include "topology.h"
#include "wire.h"
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

/*
 * A load that reads an object and then serves nothing for it is a dnsd
 * bug (issue 12: a use-after-free lost fifteen of sixteen VPCs' zones
 * while --check said "ok"). Each name is looked up in the finished table
 * exactly as a query would be, so a loss anywhere between reading and
 * compiling fails the load and the old data keeps serving.
 */

struct verify {
	const struct topology *t;
	const struct zonedb *db;
	struct diag *d;
	unsigned names;		/* names checked */
};

static void
internal_error(struct verify *v, const struct src *src, const char *what, const char *name,
	const char *view)
{
	diag_error(v->d, src->file, src->line, "internal error: %s %s is not served in %s "
		"(a dnsd bug: the load is refused so that nothing is dropped silently; "
		"please report it with these definitions)", what, name,
		view ? view : "the public view");
}

static const char *
view_name(const struct zonedb *db, int view)
{
	return view > 0 && view < db->n_views ? db->views[view].name : NULL;
}

/* A name of an endpoint answers its addresses, where nothing of its own
 * VPC (a Resolver rule at that name) legitimately decides instead. */
static int
check_endpoint_name(void *ctx, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	struct verify *v = ctx;
	uint8_t wire[DNAME_MAX];
	unsigned v4, v6;
	hiddenzone_name_addrs(v->t, ep, n, &v4, &v6);
	int len = dname_from_text(n->text, wire, NULL);
	bool cname = n->private_name && ep->service->endpoint_service;
	if (len < 0 || (v4 == 0 && v6 == 0 && !cname))
		return 0;	/* reported by the builder, or a name with no records */
	v->names++;
	struct query_lookup l;
	uint16_t qtype = v4 || !v6 ? DNS_TYPE_A : DNS_TYPE_AAAA;
	query_lookup_name(v->db, (uint16_t)n->view, wire, (size_t)len, qtype, &l);
	if (l.auth && l.auth->view == n->view && l.auth->kind == ZONE_FORWARD)
		return 0;	/* a Resolver rule at that name wins (facts §7) */
	bool ok = l.auth && l.auth->view == n->view && !l.from_public && l.node && l.answer &&
		l.answer->rcode == DNS_RCODE_NOERROR && l.answer->ancount > 0;
	if (!ok)
		internal_error(v, &ep->src, n->private_name ? "the private DNS name" :
			"the endpoint name", n->text, view_name(v->db, n->view));
	return 0;
}

/* A private hosted zone's apex is decided in each associated VPC by
 * that VPC's own data (the zone, or a rule or zone that wins over it). */
static void
check_hosted_zone(struct verify *v, const struct topo_hosted_zone *hz)
{
	uint8_t wire[DNAME_MAX];
	int len = dname_from_text(hz->name, wire, NULL);
	if (!hz->private_zone || len < 0)
		return;
	for (unsigned i = 0; i < hz->n_vpcs; i++) {
		const struct topo_vpc *vpc = strmap_get(&v->t->vpc_by_id, hz->vpc_ids[i]);
		if (!vpc || vpc->view < 0 || !topology_vpc_private_dns(vpc))
			continue;	/* reported when the associations were read, or
					   not served there (both DNS attributes needed) */
		struct query_lookup l;
		query_lookup_name(v->db, (uint16_t)vpc->view, wire, (size_t)len, DNS_TYPE_SOA, &l);
		v->names++;
		if (!l.auth || l.auth->view != vpc->view)
			internal_error(v, &hz->src, "the private hosted zone", hz->name, vpc->id);
	}
}

unsigned
verify_served(const struct topology *t, const struct zonedb *db, struct diag *d)
{
	struct verify v = { t, db, d, 0 };
	for (const struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next)
		hiddenzone_each_name(ep, NULL, check_endpoint_name, &v);
	for (const struct topo_hosted_zone *hz = t->zones; hz; hz = hz->next)
		check_hosted_zone(&v, hz);
	return v.names;
}

/* ---- what each VPC's clients get: --check --summary ---- */

struct collect {
	const struct topology *t;
	const struct zonedb *db;
	struct arena *a;
	struct verify_name *items;
	size_t n, cap;
	struct strmap vpc_index;	/* VPC id -> place in t->vpcs + 1 */
	bool failed;
	uint8_t msg[DNS_HEADER_SIZE + DNAME_MAX + 4 + 65536];	/* an answer as sent */
	struct netaddr *addrs;		/* one name's, until copied */
	size_t n_addrs, cap_addrs;
};

static bool
collect_name(struct collect *c, const struct topo_vpc *vpc, const uint8_t *wire,
	enum verify_source source, const char *origin, bool inbound)
{
	char text[NAME_TEXT_MAX];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct verify_name *items = realloc(c->items, cap * sizeof(*items));
		if (!items)
			return false;
		c->items = items;
		c->cap = cap;
	}
	dname_to_text(wire, text, sizeof(text));
	struct verify_name *v = &c->items[c->n];
	memset(v, 0, sizeof(*v));
	v->vpc = vpc;
	v->vpc_index = (unsigned)((uintptr_t)strmap_get(&c->vpc_index, vpc->id) - 1);
	v->name = arena_strdup(c->a, text);
	v->source = source;
	v->origin = origin;
	v->inbound = inbound;
	c->n += v->name != NULL;
	return v->name != NULL;
}

static int
collect_endpoint_name(void *ctx, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	struct collect *c = ctx;
	uint8_t wire[DNAME_MAX];
	if (!ep->vpc || ep->vpc->view < 0 || dname_from_text(n->text, wire, NULL) < 0)
		return 0;	/* reported by the builder */
	if (!collect_name(c, ep->vpc, wire, n->private_name ? VERIFY_PRIVATE_DNS :
	    VERIFY_ENDPOINT, ep->id, n->view > 0 && n->view == ep->vpc->inbound_view))
		c->failed = true;
	return 0;
}

/* The owners of a private hosted zone's address and alias records. */
static void
collect_hosted_zone(struct collect *c, const struct topo_vpc *vpc,
	const struct topo_hosted_zone *hz)
{
	for (const struct topo_rr *rr = hz->rrs; rr && !c->failed; rr = rr->next) {
		bool named = rr->type == DNS_TYPE_A || rr->type == DNS_TYPE_AAAA ||
			rr->type == DNS_TYPE_CNAME || rr->alias_target;
		if (named && rr->wire && !collect_name(c, vpc, rr->wire, VERIFY_HOSTED_ZONE, hz->id,
		    false))
			c->failed = true;
	}
}

static void
collect_all(struct collect *c)
{
	for (const struct topo_endpoint *ep = c->t->endpoints; ep && !c->failed; ep = ep->next)
		hiddenzone_each_name(ep, NULL, collect_endpoint_name, c);
	for (const struct topo_hosted_zone *hz = c->t->zones; hz && !c->failed; hz = hz->next) {
		for (unsigned i = 0; hz->private_zone && i < hz->n_vpcs; i++) {
			const struct topo_vpc *vpc = strmap_get(&c->t->vpc_by_id, hz->vpc_ids[i]);
			if (vpc && vpc->view >= 0)
				collect_hosted_zone(c, vpc, hz);
		}
	}
}

static bool
index_vpcs(struct collect *c)
{
	uintptr_t i = 0;
	for (const struct topo_vpc *vpc = c->t->vpcs; vpc; vpc = vpc->next) {
		i++;	/* ids are unique: a second definition failed the load */
		if (!strmap_put(&c->vpc_index, vpc->id, (void *)i))
			return false;
	}
	return true;
}

/* VPCs in t->vpcs order, then names. */
static int
item_cmp(const void *pa, const void *pb)
{
	const struct verify_name *a = pa, *b = pb;
	if (a->vpc_index != b->vpc_index)
		return a->vpc_index < b->vpc_index ? -1 : 1;
	int c = strcmp(a->name, b->name);
	return c ? c : (int)a->inbound - (int)b->inbound;
}

static bool
add_addr(struct collect *c, const struct netaddr *a)
{
	for (size_t i = 0; i < c->n_addrs; i++)
		if (netaddr_cmp(&c->addrs[i], a) == 0)
			return true;
	if (c->n_addrs == c->cap_addrs) {
		size_t cap = c->cap_addrs ? c->cap_addrs * 2 : 16;
		struct netaddr *n = realloc(c->addrs, cap * sizeof(*n));
		if (!n)
			return false;
		c->addrs = n;
		c->cap_addrs = cap;
	}
	c->addrs[c->n_addrs++] = *a;
	return true;
}

static void
add_cname(struct collect *c, struct verify_name *vn, const uint8_t *target)
{
	char text[NAME_TEXT_MAX];
	dname_to_text(target, text, sizeof(text));
	for (unsigned i = 0; i < vn->n_cnames; i++)
		if (!strcmp(vn->cnames[i], text))
			return;
	const char **list = arena_alloc(c->a, (vn->n_cnames + 1) * sizeof(*list));
	const char *copy = arena_strdup(c->a, text);
	if (!list || !copy) {
		c->failed = true;
		return;
	}
	if (vn->n_cnames)
		memcpy(list, vn->cnames, vn->n_cnames * sizeof(*list));
	list[vn->n_cnames++] = copy;
	vn->cnames = list;
}

/* The answer's records, in a message as query.c puts them together (the
 * question, then the block with its pointers set; no rotation). */
static void
read_answer(struct collect *c, struct verify_name *vn, const struct answer *a,
	const uint8_t *wire, size_t len, uint16_t qtype)
{
	uint8_t *m = c->msg;
	size_t qlen = len + 4, at = DNS_HEADER_SIZE + qlen, pos = at;
	memset(m, 0, DNS_HEADER_SIZE);
	memcpy(m + DNS_HEADER_SIZE, wire, len);
	wire_put16(m + DNS_HEADER_SIZE + len, qtype);
	wire_put16(m + DNS_HEADER_SIZE + len + 2, DNS_CLASS_IN);
	memcpy(m + at, a->block, a->len);
	for (unsigned i = 0; i < a->n_reloc; i++) {
		uint16_t v = a->relocs[i].value;
		size_t target = (v & RELOC_QNAME_SUFFIX) ? DNS_HEADER_SIZE + len -
			(v & ~RELOC_QNAME_SUFFIX) : at + v;
		wire_put16(m + at + a->relocs[i].at, (uint16_t)(0xc000 | target));
	}
	for (unsigned i = 0; i < a->ancount; i++) {
		struct wire_rr rr;
		uint8_t target[DNAME_MAX];
		struct netaddr addr = { 0 };
		if (!wire_parse_rr(m, at + a->len, &pos, &rr))
			break;
		if ((rr.type == DNS_TYPE_A && rr.rdlen == 4) ||
		    (rr.type == DNS_TYPE_AAAA && rr.rdlen == 16)) {
			addr.family = rr.rdlen == 4 ? AF_INET : AF_INET6;
			memcpy(addr.bytes, m + rr.rdata, rr.rdlen);
			if (!add_addr(c, &addr))
				c->failed = true;
		} else if (rr.type == DNS_TYPE_CNAME) {
			size_t p = rr.rdata;
			if (wire_read_name(m, at + a->len, &p, target, true))
				add_cname(c, vn, target);
		}
	}
}

static void
look_up(struct collect *c, struct verify_name *vn, uint16_t view, const uint8_t *wire,
	size_t len, uint16_t qtype)
{
	struct query_lookup l;
	query_lookup_name(c->db, view, wire, len, qtype, &l);
	if (qtype == DNS_TYPE_A) {
		vn->local = l.answer != NULL;
		vn->rcode = l.answer ? l.answer->rcode : DNS_RCODE_NOERROR;
	}
	if (l.answer)
		read_answer(c, vn, l.answer, wire, len, qtype);
}

static bool
in_vpc(const struct topo_vpc *vpc, const struct netaddr *a)
{
	for (unsigned i = 0; i < vpc->n_cidrs; i++)
		if (netprefix_contains(&vpc->cidrs[i], a))
			return true;
	return false;
}

/* A and AAAA for one name, from its VPC's view (or its inbound one). */
static void
resolve_item(struct collect *c, struct verify_name *vn)
{
	uint8_t wire[DNAME_MAX];
	int len = dname_from_text(vn->name, wire, NULL);
	int view = vn->inbound ? vn->vpc->inbound_view : vn->vpc->view;
	if (len < 0 || view < 0)
		return;
	c->n_addrs = 0;
	look_up(c, vn, (uint16_t)view, wire, (size_t)len, DNS_TYPE_A);
	vn->n_v4 = (unsigned)c->n_addrs;
	look_up(c, vn, (uint16_t)view, wire, (size_t)len, DNS_TYPE_AAAA);
	vn->n_v6 = (unsigned)c->n_addrs - vn->n_v4;
	vn->addrs = c->n_addrs ? arena_memdup(c->a, c->addrs, c->n_addrs * sizeof(*c->addrs)) :
		NULL;
	if (c->n_addrs && !vn->addrs)
		c->failed = true;
	vn->in_vpc = c->n_addrs > 0;
	for (size_t i = 0; i < c->n_addrs; i++)
		vn->in_vpc = vn->in_vpc && in_vpc(vn->vpc, &c->addrs[i]);
}

/* Sorted, each (VPC, name, way in) once, then looked up. */
static bool
finish(struct collect *c, struct verify_names *out)
{
	if (c->n)
		qsort(c->items, c->n, sizeof(*c->items), item_cmp);
	out->v = calloc(c->n ? c->n : 1, sizeof(*out->v));
	if (!out->v)
		return false;
	for (size_t i = 0; i < c->n && !c->failed; i++) {
		if (out->n && !item_cmp(&c->items[i - 1], &c->items[i]))
			continue;
		out->v[out->n] = c->items[i];
		resolve_item(c, &out->v[out->n++]);
	}
	return !c->failed;
}

int
verify_names_collect(const struct topology *t, const struct zonedb *db,
	struct verify_names *out)
{
	struct collect *c = calloc(1, sizeof(*c));
	memset(out, 0, sizeof(*out));
	out->arena = arena_create(1 << 16);
	bool ok = c && out->arena;
	if (ok) {
		c->t = t;
		c->db = db;
		c->a = out->arena;
	}
	if (ok && !index_vpcs(c))
		ok = false;
	if (ok)
		collect_all(c);
	ok = ok && !c->failed && finish(c, out);
	if (c) {
		free(c->items);
		free(c->addrs);
		strmap_clear(&c->vpc_index);
	}
	free(c);
	if (!ok)
		verify_names_free(out);
	return ok ? 0 : -1;
}

void
verify_names_free(struct verify_names *names)
{
	free(names->v);
	arena_free(names->arena);
	memset(names, 0, sizeof(*names));
}
