/* SPDX-License-Identifier: BSD-3-Clause */
/* src/r53policy.c - private hosted zones' routing policies and alias records, built per VPC view: decided there by the VPC's Region and health, or prepared for a choice per query. */
#include "config.h"
#include "r53policy.h"

#include "arena.h"
#include "awsregion.h"
#include "defs_route53.h"
#include "diag.h"
#include "dname.h"
#include "healthcheck.h"
#include "hiddenzone.h"
#include "policy.h"
#include "strmap.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model: items of (hosted zone, owner, type) ---- */

/** A record set of an item, and what it resolves to in the view at hand. */
struct pset {
	const struct topo_rrset *set;
	const struct topo_rr **rrs;	/* its records (one for an alias) */
	unsigned n_rrs;
	const uint8_t *target;		/* alias: the target, lowercase wire */
	uint8_t target_len;
	const char *target_key;		/* alias: "TYPE name." of the target */
	bool warned;			/* its target is missing: said once */
	unsigned first_index;		/* of its first record in the zone */
	/* in the view being built */
	unsigned first_rec, n_recs;	/* its records in the scratch list */
	const struct policy_group *group;	/* its alias target is a group */
	bool healthy;
};

/** Alias or routing record sets of one name and type of a hosted zone. */
struct item {
	const struct topo_hosted_zone *hz;
	const uint8_t *owner;
	uint8_t owner_len;
	uint16_t type;
	enum rr_policy policy;		/* RRP_SIMPLE: plain alias records */
	struct pset *sets;
	unsigned n_sets;
	const char *key;		/* "TYPE name.": how alias targets find it */
	struct item *same_key;		/* another item of that key (another zone) */
	unsigned stamp;			/* the view being built, plus one */
	bool done, healthy;		/* in that view */
	bool warned_region, warned_nested, warned_unsupported;
};

/** One record of a set as resolved in a view. */
struct rec {
	int alt;			/* the alternative of an alias target group, or -1 */
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
};

/** The items of one hosted zone (collected zone by zone). */
struct zone_items {
	const struct topo_hosted_zone *hz;
	unsigned first, n;
};

struct r53p {
	struct topology *t;
	struct zb *b;
	struct diag *d;
	struct arena *keep;		/* groups: as long as the zones built (zb_finish) */
	struct arena *scratch;		/* the items: this build only, freed at its end;
					   the model itself does not grow (rebuilds reuse it) */
	struct item *items;
	unsigned n_items;
	struct zone_items *zones;	/* zones with items */
	unsigned n_zones;
	struct strmap by_key;
	struct strmap endpoint_names;	/* "name." of an endpoint name -> struct epname */
	bool endpoints_mapped;
	struct rec *recs;		/* scratch: the current item's records */
	unsigned n_recs, cap_recs;
};

/** An endpoint name an alias may name, for EvaluateTargetHealth. */
struct epname {
	const struct topo_endpoint *ep;
	const char *az;			/* zonal: its AZ */
};

static const char *
key_of(struct r53p *p, uint16_t type, const uint8_t *wire)
{
	char text[DNAME_MAX * 4 + 1];
	dname_to_text(wire, text, sizeof(text));
	return arena_printf(p->scratch, "%u %s", (unsigned)type, text);
}

/* A zone's alias and routing records, by owner, type, then file order. */
struct ref {
	const struct topo_rr *rr;
	unsigned index;
};

static int
ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	if (a->rr->wlen != b->rr->wlen)
		return a->rr->wlen < b->rr->wlen ? -1 : 1;
	int c = memcmp(a->rr->wire, b->rr->wire, a->rr->wlen);
	if (c)
		return c;
	if (a->rr->type != b->rr->type)
		return a->rr->type < b->rr->type ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static bool
in_item(const struct topo_rr *rr)
{
	return rr->set && (rr->set->policy || (!rr->rdata && rr->alias_target));
}

/* An alias record's target in wire form and as a key. */
static bool
pset_target(struct r53p *p, struct pset *s, const struct topo_rr *rr)
{
	uint8_t wire[DNAME_MAX];
	const char *why;
	int len = dname_from_text(rr->alias_target, wire, &why);
	if (len < 0) {
		diag_error(p->d, rr->src.file, rr->src.line, "alias %s -> %s: %s", rr->name,
			rr->alias_target, why);
		return false;
	}
	s->target = arena_memdup(p->scratch, wire, (size_t)len);
	s->target_len = (uint8_t)len;
	s->target_key = key_of(p, rr->type, wire);
	return s->target && s->target_key;
}

/* By set, then file order: a set's records side by side. */
static int
by_set(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	if (a->rr->set != b->rr->set)
		return (uintptr_t)a->rr->set < (uintptr_t)b->rr->set ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Sets in the order of their first record in the zone. */
static int
by_first_record(const void *pa, const void *pb)
{
	const struct pset *a = pa, *b = pb;
	return a->first_index < b->first_index ? -1 : a->first_index > b->first_index;
}

/* The sets of one run of records (one owner and type), in file order;
 * O(n log n), whatever the number of sets. */
static bool
item_sets(struct r53p *p, struct item *it, const struct ref *run, size_t n)
{
	struct ref *tmp = malloc(n * sizeof(*tmp));
	it->sets = arena_zalloc(p->scratch, n * sizeof(*it->sets));
	const struct topo_rr **rrs = arena_alloc(p->scratch, n * sizeof(*rrs));
	if (!tmp || !it->sets || !rrs) {
		free(tmp);
		return false;
	}
	memcpy(tmp, run, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), by_set);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || tmp[i].rr->set != tmp[i - 1].rr->set) {
			struct pset *s = &it->sets[it->n_sets++];
			s->set = tmp[i].rr->set;
			s->rrs = rrs + i;
			s->first_index = tmp[i].index;	/* the least: sorted by index */
		}
		rrs[i] = tmp[i].rr;
		it->sets[it->n_sets - 1].n_rrs++;
	}
	free(tmp);
	qsort(it->sets, it->n_sets, sizeof(*it->sets), by_first_record);
	for (unsigned i = 0; i < it->n_sets; i++) {
		struct pset *s = &it->sets[i];
		if (!s->rrs[0]->rdata && !pset_target(p, s, s->rrs[0]))
			s->n_rrs = 0;
	}
	return true;
}

static bool
item_add(struct r53p *p, const struct topo_hosted_zone *hz, const struct ref *run, size_t n)
{
	struct item *it = &p->items[p->n_items];
	const struct topo_rr *rr = run[0].rr;
	it->hz = hz;
	it->owner = rr->wire;
	it->owner_len = rr->wlen;
	it->type = rr->type;
	it->policy = rr->set->policy ? rr->set->policy->policy : RRP_SIMPLE;
	it->key = key_of(p, rr->type, rr->wire);
	if (!it->key || !item_sets(p, it, run, n))
		return false;
	struct item *first = strmap_put(&p->by_key, it->key, it);
	if (!first)
		return false;
	if (first != it) {
		it->same_key = first->same_key;
		first->same_key = it;
	}
	p->n_items++;
	return true;
}

static bool
zone_items(struct r53p *p, const struct topo_hosted_zone *hz)
{
	struct ref *refs = malloc((hz->n_rrs ? hz->n_rrs : 1) * sizeof(*refs));
	size_t n = 0;
	unsigned index = 0;
	if (!refs)
		return false;
	for (const struct topo_rr *rr = hz->rrs; rr; rr = rr->next, index++)
		if (in_item(rr))
			refs[n++] = (struct ref){ rr, index };
	qsort(refs, n, sizeof(*refs), ref_cmp);
	bool ok = true;
	for (size_t i = 0, j; ok && i < n; i = j) {
		for (j = i + 1; j < n && ref_cmp(&(struct ref){ refs[i].rr, 0 },
			    &(struct ref){ refs[j].rr, 0 }) == 0; j++)
			;
		ok = item_add(p, hz, refs + i, j - i);
	}
	free(refs);
	return ok;
}

static bool
items_collect(struct r53p *p)
{
	unsigned n = 0;
	for (const struct topo_hosted_zone *hz = p->t->zones; hz; hz = hz->next)
		for (const struct topo_rr *rr = hz->rrs; rr; rr = rr->next)
			n += hz->private_zone && in_item(rr);
	p->items = arena_zalloc(p->scratch, (n ? n : 1) * sizeof(*p->items));
	p->zones = arena_zalloc(p->scratch, (p->t->n_zones + 1) * sizeof(*p->zones));
	if (!p->items || !p->zones)
		return false;
	for (const struct topo_hosted_zone *hz = p->t->zones; hz && n; hz = hz->next) {
		unsigned first = p->n_items;
		if (hz->private_zone && !zone_items(p, hz))
			return false;
		if (p->n_items > first)
			p->zones[p->n_zones++] = (struct zone_items){ hz, first, p->n_items - first };
	}
	return true;
}

/* ---- records of a set in one view ---- */

static bool
recs_push(struct r53p *p, int alt, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	if (p->n_recs == p->cap_recs) {
		unsigned cap = p->cap_recs ? p->cap_recs * 2 : 64;
		struct rec *r = realloc(p->recs, cap * sizeof(*r));
		if (!r)
			return false;
		p->recs = r;
		p->cap_recs = cap;
	}
	p->recs[p->n_recs++] = (struct rec){ alt, ttl, rdata, rdlen };
	return true;
}

static void
alias_collect(void *ctx, int alt, uint16_t type, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen)
{
	(void)type;
	recs_push(ctx, alt, ttl, rdata, rdlen);
}

/* A set's records in view: its own, or its alias target's as the view
 * resolves it (an alias takes the target's TTL: "Route 53 uses the
 * default TTL for the resource"). */
static void
pset_records(struct r53p *p, struct item *it, struct pset *s, unsigned view)
{
	s->first_rec = p->n_recs;
	s->group = NULL;
	if (!s->target) {
		for (unsigned i = 0; i < s->n_rrs; i++)
			recs_push(p, -1, s->rrs[i]->ttl, s->rrs[i]->rdata, s->rrs[i]->rdlen);
	} else if (s->n_rrs &&
		   zb_rrset_each(p->b, view, s->target, s->target_len, it->type, alias_collect, p,
			   &s->group) <= 0 && !s->warned) {
		const struct topo_rr *rr = s->rrs[0];
		diag_warn(p->d, rr->src.file, rr->src.line, "alias %s -> %s: dnsd does not hold "
			"the target (an AWS resource it does not model, or a name without %s "
			"records); the record %s left out", rr->name, rr->alias_target,
			it->type == DNS_TYPE_A ? "A" : "such",
			it->policy == RRP_SIMPLE ? "is" : "set is");
		s->warned = true;
	}
	s->n_recs = p->n_recs - s->first_rec;
}

/* ---- health ---- */

static int
map_endpoint_name(void *ctx, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	struct r53p *p = ctx;
	char text[DNAME_MAX * 4 + 1];
	if (n->private_name || !dname_canonical_text(n->text, text, sizeof(text)))
		return 0;
	struct epname *e = arena_zalloc(p->scratch, sizeof(*e));
	const char *key = arena_strdup(p->scratch, text);
	if (e && key) {
		e->ep = ep;
		e->az = n->az;
		strmap_put(&p->endpoint_names, key, e);
	}
	return 0;
}

/* An endpoint's regional or zonal name is healthy while one of the ENIs
 * it answers is: ENI health is what dnsd knows of an endpoint's. */
static bool
endpoint_name_healthy(struct r53p *p, const uint8_t *target)
{
	char text[DNAME_MAX * 4 + 1];
	if (!p->endpoints_mapped) {
		for (const struct topo_endpoint *ep = p->t->endpoints; ep; ep = ep->next)
			hiddenzone_each_name(ep, NULL, map_endpoint_name, p);
		p->endpoints_mapped = true;
	}
	dname_to_text(target, text, sizeof(text));
	const struct epname *e = strmap_get(&p->endpoint_names, text);
	if (!e)
		return true;	/* not dnsd's to judge: an AWS resource is healthy */
	for (unsigned i = 0; i < e->ep->n_enis; i++) {
		const struct topo_eni *eni = e->ep->enis[i];
		if ((!e->az || (eni->az && !strcmp(eni->az, e->az))) &&
		    topology_eni_healthy(p->t, eni))
			return true;
	}
	return false;
}

/* EvaluateTargetHealth: a group of record sets in the view is healthy
 * while one of its sets is ("As long as at least one of the weighted
 * records is healthy, Route 53 considers the alias record to be
 * healthy"); plain records have no health check and count as healthy. */
static bool
target_healthy(struct r53p *p, const struct item *it, const struct pset *s)
{
	if (!s->n_recs)
		return false;
	for (const struct item *t = strmap_get(&p->by_key, s->target_key); t; t = t->same_key)
		if (t->stamp == it->stamp && t->done)
			return t->healthy;
	return endpoint_name_healthy(p, s->target);
}

/* "If you associate a health check with an alias record and also select
 * Yes for Evaluate Target Health, both must evaluate to true"; records
 * without a health check are always healthy (Developer Guide, "How
 * Amazon Route 53 chooses records when health checking is configured"). */
static bool
pset_healthy(struct r53p *p, const struct item *it, const struct pset *s)
{
	const struct topo_routing *r = s->set->policy;
	if (r && r->health_check_id && !healthcheck_healthy(p->t, r->health_check_id))
		return false;
	if (s->target && r && r->evaluate_target_health)
		return target_healthy(p, it, s);
	return true;
}

/* ---- choosing among record sets ---- */

static bool
usable(const struct pset *s)
{
	return s->n_recs > 0;
}

/* "If Route 53 considers the primary record healthy … returns only the
 * primary record"; primary unhealthy, secondary healthy: the secondary;
 * both unhealthy: the primary (Developer Guide, "How Amazon Route 53
 * chooses records when health checking is configured"). */
static int
choose_failover(const struct item *it)
{
	int pri = -1, sec = -1;
	for (unsigned i = 0; i < it->n_sets; i++)
		if (usable(&it->sets[i]))
			*(it->sets[i].set->policy->secondary ? &sec : &pri) = (int)i;
	if (pri >= 0 && it->sets[pri].healthy)
		return pri;
	if (sec >= 0 && it->sets[sec].healthy)
		return sec;
	return pri >= 0 ? pri : sec;
}

/* The set of least cost that is healthy, else the least cost of all. */
static int
least(const struct item *it, const double *cost)
{
	int best = -1, best_any = -1;
	for (unsigned i = 0; i < it->n_sets; i++) {
		if (!usable(&it->sets[i]) || cost[i] < 0)
			continue;
		if (best_any < 0 || cost[i] < cost[best_any])
			best_any = (int)i;
		if (it->sets[i].healthy && (best < 0 || cost[i] < cost[best]))
			best = (int)i;
	}
	return best >= 0 ? best : best_any;
}

static double
distance_to(const struct awsregion *from, double lat, double lon)
{
	return awsregion_distance_km(from->latitude, from->longitude, lat, lon);
}

/* "an endpoint that is in the same AWS Region, or is closest in distance
 * to the AWS Region of the VPC"; "If … the record with the lowest latency
 * … is unhealthy, a healthy endpoint with the next lowest latency is
 * returned" (Developer Guide, "Latency-based routing in private hosted
 * zones"). Without the VPC's Region: file order. */
static int
choose_latency(const struct item *it, const struct awsregion *vpc, double *cost)
{
	for (unsigned i = 0; i < it->n_sets; i++) {
		const struct awsregion *r = awsregion_find(it->sets[i].set->policy->region);
		cost[i] = !vpc ? (double)i : r ? distance_to(vpc, r->latitude, r->longitude) : -1;
	}
	return least(it, cost);
}

/* Smaller is more specific: the Region's US state, its country, its
 * continent, then the default ("*"); -1: the set does not apply. */
static double
geo_rank(const struct topo_routing *r, const struct awsregion *vpc)
{
	if (r->country && strcmp(r->country, "*") == 0)
		return 3;
	if (!vpc)
		return -1;
	if (r->subdivision)
		return vpc->subdivision && !strcmp(r->country, vpc->country) &&
			!strcmp(r->subdivision, vpc->subdivision) ? 0 : -1;
	if (r->country)
		return strcmp(r->country, vpc->country) == 0 ? 1 : -1;
	return strcmp(r->continent, vpc->continent) == 0 ? 2 : -1;
}

/* "For private hosted zones, Route 53 responds to DNS queries based on
 * the AWS Region of the VPC that the query originated from"; an unhealthy
 * record gives way to the larger region's, then the default; all
 * unhealthy: "the record for the smallest geographic region"; none
 * applies: "no answer" (Developer Guide, "Geolocation routing in private
 * hosted zones", "Values specific for geolocation records"). */
static int
choose_geolocation(const struct item *it, const struct awsregion *vpc, double *cost)
{
	for (unsigned i = 0; i < it->n_sets; i++)
		cost[i] = geo_rank(it->sets[i].set->policy, vpc);
	return least(it, cost);
}

/* "Route 53 responds to DNS queries based on the AWS Region of the VPC
 * that the query originated from, and routes traffic to the closest
 * resource, taking bias into account": biased distance = distance × (1 −
 * bias/100), or distance ÷ (1 + bias/100) for a negative bias (Developer
 * Guide, "Geoproximity routing in private hosted zones", "Geoproximity
 * routing"). A Local Zone is placed at its parent Region. */
static int
choose_geoproximity(const struct item *it, const struct awsregion *vpc, double *cost)
{
	for (unsigned i = 0; i < it->n_sets; i++) {
		const struct topo_routing *r = it->sets[i].set->policy;
		const struct awsregion *at = r->geo_region ? awsregion_find(r->geo_region) :
			r->local_zone_group ? awsregion_of_local_zone_group(r->local_zone_group) : NULL;
		double lat = at ? at->latitude : r->latitude, lon = at ? at->longitude : r->longitude;
		if (!vpc) {
			cost[i] = (double)i;
			continue;
		}
		double d = distance_to(vpc, lat, lon);
		cost[i] = r->bias >= 0 ? d * (1 - r->bias / 100.0) : d / (1 + r->bias / 100.0);
	}
	return least(it, cost);
}

/* Candidates of a weighted group with their weights: healthy sets of
 * nonzero weight; else healthy zero-weight ones; with no healthy set, all
 * of them ("If no record is healthy, all records are healthy"); zero
 * weights only: equal shares (Developer Guide, "Values specific for
 * weighted records", "How Amazon Route 53 chooses records when health
 * checking is configured"). */
static unsigned
weighted_candidates(const struct item *it, unsigned *cand, uint32_t *weights)
{
	for (int pass = 0; pass < 4; pass++) {
		bool need_healthy = pass < 2, zero = pass % 2 == 1;
		unsigned n = 0;
		for (unsigned i = 0; i < it->n_sets; i++) {
			const struct pset *s = &it->sets[i];
			unsigned w = s->set->policy->weight;
			if (!usable(s) || (need_healthy && !s->healthy) || (zero != (w == 0)))
				continue;
			cand[n] = i;
			weights[n++] = zero ? 1 : w;
		}
		if (n)
			return n;
	}
	return 0;
}

/* "Route 53 responds to DNS queries with up to eight healthy records";
 * "When all records are unhealthy, Route 53 responds to DNS queries with
 * up to eight unhealthy records" (Developer Guide, "Multivalue answer
 * routing"). */
static unsigned
multivalue_candidates(const struct item *it, unsigned *cand)
{
	unsigned n = 0;
	for (int pass = 0; pass < 2 && !n; pass++)
		for (unsigned i = 0; i < it->n_sets; i++)
			if (usable(&it->sets[i]) && (pass || it->sets[i].healthy))
				cand[n++] = i;
	return n;
}

/* ---- writing an item into a view's zone ---- */

static void
add_failed(struct r53p *p, const struct item *it, const char *why)
{
	const struct topo_rr *rr = it->sets[0].rrs ? it->sets[0].rrs[0] : NULL;
	char text[DNAME_MAX * 4 + 1];
	dname_to_text(it->owner, text, sizeof(text));
	diag_error(p->d, rr ? rr->src.file : it->hz->src.file, rr ? rr->src.line : it->hz->src.line,
		"record %s: %s", text, why);
}

/* The records of the chosen sets as the name's RRset; one alias whose
 * target is a group takes the group along (an alias to weighted records
 * answers as they do). */
static void
emit_plain(struct r53p *p, struct zb_zone *z, struct item *it, const unsigned *idx, unsigned n)
{
	const char *why = NULL;
	int rc = 0;
	const struct pset *s0 = &it->sets[idx[0]];
	if (n == 1 && s0->group) {
		rc = zb_rrset_set_policy(p->b, z, it->owner, it->owner_len, it->type, s0->group, &why);
		for (unsigned k = 0; rc == 0 && k < s0->n_recs; k++) {
			const struct rec *r = &p->recs[s0->first_rec + k];
			rc = zb_rr_add_alt(p->b, z, it->owner, it->owner_len, it->type,
				(unsigned)(r->alt < 0 ? 0 : r->alt), r->ttl, r->rdata, r->rdlen, &why);
		}
	}
	for (unsigned i = 0; !(n == 1 && s0->group) && rc == 0 && i < n; i++) {
		const struct pset *s = &it->sets[idx[i]];
		for (unsigned k = 0; rc == 0 && k < s->n_recs; k++) {
			const struct rec *r = &p->recs[s->first_rec + k];
			rc = zb_rr_add(p->b, z, it->owner, it->owner_len, it->type, r->ttl, r->rdata,
				r->rdlen, &why);
		}
	}
	if (rc < 0)
		add_failed(p, it, why);
}

static struct policy_group *
group_new(struct r53p *p, const struct item *it, enum policy_kind kind, const unsigned *cand,
	unsigned n)
{
	struct policy_group *g = arena_zalloc(p->keep, sizeof(*g));
	const char **labels = arena_alloc(p->keep, n * sizeof(*labels));
	if (!g || !labels)
		return NULL;
	for (unsigned j = 0; j < n; j++)
		labels[j] = it->sets[cand[j]].set->policy->set_id;
	g->kind = kind;
	g->n_alts = n;
	g->labels = labels;
	g->default_alt = -1;
	return g;
}

/* Alternatives for the answer path to pick from; an alternative that is
 * an alias to a group itself answers that group's first alternative
 * (dnsd picks once per query). */
static void
emit_group(struct r53p *p, struct zb_zone *z, struct item *it, const struct policy_group *g,
	const unsigned *cand)
{
	const char *why = NULL;
	int rc = g ? zb_rrset_set_policy(p->b, z, it->owner, it->owner_len, it->type, g, &why) :
		-1;
	for (unsigned j = 0; rc == 0 && j < g->n_alts; j++) {
		const struct pset *s = &it->sets[cand[j]];
		if (s->group && !it->warned_nested) {
			const struct topo_rr *rr = s->rrs[0];
			diag_warn(p->d, rr->src.file, rr->src.line, "alias %s -> %s: the target has a "
				"routing policy too; dnsd picks one alternative per query, so this "
				"record set answers the target's first", rr->name, rr->alias_target);
			it->warned_nested = true;
		}
		for (unsigned k = 0; rc == 0 && k < s->n_recs; k++) {
			const struct rec *r = &p->recs[s->first_rec + k];
			if (r->alt <= 0)
				rc = zb_rr_add_alt(p->b, z, it->owner, it->owner_len, it->type, j,
					r->ttl, r->rdata, r->rdlen, &why);
		}
	}
	if (rc < 0)
		add_failed(p, it, why ? why : "out of memory");
}

static void
build_weighted(struct r53p *p, struct zb_zone *z, struct item *it, unsigned *cand)
{
	uint32_t *w = arena_alloc(p->keep, it->n_sets * sizeof(*w));
	unsigned n = w ? weighted_candidates(it, cand, w) : 0;
	if (n == 1) {
		emit_plain(p, z, it, cand, 1);	/* one to choose from: no choice per query */
	} else if (n > 1) {
		struct policy_group *g = group_new(p, it, POLICY_WEIGHTED, cand, n);
		if (g)
			g->weights = w;
		emit_group(p, z, it, g, cand);
	}
}

static void
build_multivalue(struct r53p *p, struct zb_zone *z, struct item *it, unsigned *cand)
{
	unsigned n = multivalue_candidates(it, cand);
	if (n > 0 && n <= POLICY_MULTIVALUE_MAX)
		emit_plain(p, z, it, cand, n);	/* "responds … with all the healthy records" */
	else if (n > POLICY_MULTIVALUE_MAX)
		emit_group(p, z, it, group_new(p, it, POLICY_MULTIVALUE, cand, n), cand);
}

/* The alternative of a CIDR location, or -1 (locations maps them). */
static int
cidr_alt_of(const struct strmap *locations, const char *location)
{
	const unsigned *alt = strmap_get(locations, location);
	return alt ? (int)*alt : -1;
}

/* Each block of the collection whose location has a record set, to that
 * set's alternative; an unhealthy location's clients get the default
 * while it is healthy (dnsd's reading: AWS describes a fallback to the
 * default for geolocation, not for IP-based records). */
static bool
cidr_prefixes(struct r53p *p, const struct item *it, const unsigned *cand, unsigned n,
	struct policy_group *g)
{
	const struct topo_routing *r0 = it->sets[cand[0]].set->policy;
	const struct topo_cidr_collection *c = strmap_get(&p->t->cidr_collection_by_id,
		r0->cidr_collection);
	struct strmap locations = STRMAP_INIT;
	unsigned *index = arena_alloc(p->scratch, n * sizeof(*index));
	for (unsigned j = 0; index && j < n; j++) {
		index[j] = j;	/* the first set of a location keeps it (the checks allow one) */
		strmap_put(&locations, it->sets[cand[j]].set->policy->cidr_location, &index[j]);
	}
	g->default_alt = cidr_alt_of(&locations, "*");
	bool default_up = g->default_alt >= 0 && it->sets[cand[g->default_alt]].healthy;
	unsigned nb = c ? c->n_blocks : 0;
	struct netprefix *pre = arena_alloc(p->keep, (nb ? nb : 1) * sizeof(*pre));
	uint32_t *alt = arena_alloc(p->keep, (nb ? nb : 1) * sizeof(*alt));
	if (!pre || !alt || !index) {
		strmap_clear(&locations);
		return false;
	}
	for (unsigned i = 0; i < nb; i++) {
		int j = cidr_alt_of(&locations, c->blocks[i].location);
		if (j < 0)
			continue;
		if (!it->sets[cand[j]].healthy && default_up)
			j = g->default_alt;
		pre[g->n_prefixes] = c->blocks[i].prefix;
		alt[g->n_prefixes++] = (uint32_t)j;
	}
	g->prefixes = pre;
	g->prefix_alt = alt;
	strmap_clear(&locations);
	return true;
}

/* IP-based records answer by the address the query comes from: the
 * longest block of the collection that holds it, else the default
 * location "*" (Developer Guide, "IP-based routing"). */
static void
build_cidr(struct r53p *p, struct zb_zone *z, struct item *it, unsigned *cand)
{
	unsigned n = 0;
	if (!it->warned_unsupported) {
		const struct topo_rr *rr = it->sets[0].rrs[0];
		diag_warn(p->d, rr->src.file, rr->src.line, "%s: IP-based records in a private "
			"hosted zone: Route 53 accepts them but does not support them (Developer "
			"Guide, \"Choosing a routing policy\" names private hosted zones for every "
			"policy but this one); dnsd answers them by the address each query comes "
			"from", rr->name);
		it->warned_unsupported = true;
	}
	for (unsigned i = 0; i < it->n_sets; i++)
		if (usable(&it->sets[i]))
			cand[n++] = i;
	if (n == 0)
		return;
	struct policy_group *g = group_new(p, it, POLICY_CIDR, cand, n);
	if (!g || !cidr_prefixes(p, it, cand, n, g)) {
		add_failed(p, it, "out of memory");
		return;
	}
	if (g->n_prefixes == 0 && g->default_alt >= 0) {
		unsigned d = cand[g->default_alt];
		emit_plain(p, z, it, &d, 1);	/* every client gets the default */
	} else {
		emit_group(p, z, it, g, cand);
	}
}

/* One decided set for the view, or none (geolocation: "no answer"). */
static void
emit_choice(struct r53p *p, struct zb_zone *z, struct item *it, int chosen)
{
	if (chosen >= 0) {
		unsigned c = (unsigned)chosen;
		emit_plain(p, z, it, &c, 1);
	} else if (zb_name_add(p->b, z, it->owner, it->owner_len) < 0) {
		add_failed(p, it, "out of memory");
	}
}

static void
add_region_warning(struct r53p *p, const struct item *it, const struct topo_vpc *vpc)
{
	const struct topo_rr *rr = it->sets[0].rrs[0];
	diag_warn(p->d, rr->src.file, rr->src.line, "%s %s records choose by the AWS Region "
		"of the VPC a query comes from, and VPC %s has %s: it gets %s", rr->name,
		defs_policy_name(it->policy), vpc ? vpc->id : "?", vpc && vpc->region ?
		"a Region dnsd does not know" : "no Region (add Region, or a subnet's "
		"AvailabilityZone, to its definition)", it->policy == RRP_GEOLOCATION ?
		"the default location's record, if any" : "the first healthy record set");
}

static void
build_item(struct r53p *p, struct item *it, unsigned view, const struct topo_vpc *vpc)
{
	struct zb_zone *z = zb_zone_find(p->b, view, it->hz->wire, it->hz->wlen, ZONE_LOCAL);
	p->n_recs = 0;
	it->healthy = false;
	for (unsigned i = 0; i < it->n_sets; i++)
		pset_records(p, it, &it->sets[i], view);
	for (unsigned i = 0; i < it->n_sets; i++) {
		struct pset *s = &it->sets[i];
		s->healthy = usable(s) && pset_healthy(p, it, s);
		it->healthy |= s->healthy;
	}
	unsigned *cand = malloc(it->n_sets * sizeof(*cand));
	double *cost = malloc(it->n_sets * sizeof(*cost));
	const struct awsregion *region = vpc ? awsregion_find(vpc->region) : NULL;
	if (!z || !cand || !cost) {
		free(cand);
		free(cost);
		return;
	}
	if (!region && !it->warned_region && (it->policy == RRP_LATENCY ||
	    it->policy == RRP_GEOLOCATION || it->policy == RRP_GEOPROXIMITY)) {
		add_region_warning(p, it, vpc);
		it->warned_region = true;
	}
	switch (it->policy) {
	case RRP_SIMPLE:
		for (unsigned i = 0; i < it->n_sets; i++)
			cand[i] = i;
		if (it->n_sets && usable(&it->sets[0]))
			emit_plain(p, z, it, cand, 1);
		break;
	case RRP_FAILOVER:
		emit_choice(p, z, it, choose_failover(it));
		break;
	case RRP_LATENCY:
		emit_choice(p, z, it, choose_latency(it, region, cost));
		break;
	case RRP_GEOLOCATION:
		emit_choice(p, z, it, choose_geolocation(it, region, cost));
		break;
	case RRP_GEOPROXIMITY:
		emit_choice(p, z, it, choose_geoproximity(it, region, cost));
		break;
	case RRP_WEIGHTED:
		build_weighted(p, z, it, cand);
		break;
	case RRP_MULTIVALUE:
		build_multivalue(p, z, it, cand);
		break;
	case RRP_CIDR:
		build_cidr(p, z, it, cand);
		break;
	}
	free(cand);
	free(cost);
}

/* ---- views ---- */

/* Whether the alias targets of an item are final in its view: no item of
 * the view still to build holds them. */
static bool
ready(struct r53p *p, const struct item *it)
{
	for (unsigned i = 0; i < it->n_sets; i++) {
		const struct pset *s = &it->sets[i];
		if (!s->target_key)
			continue;
		for (const struct item *t = strmap_get(&p->by_key, s->target_key); t; t = t->same_key)
			if (t != it && t->stamp == it->stamp && !t->done)
				return false;
	}
	return true;
}

/** The items of the hosted zones a view holds. */
struct view_items {
	unsigned view;
	const struct topo_vpc *vpc;
	struct item **items;
	unsigned n;
};

/* Build a view's items in dependency order (an alias after its target);
 * what a loop of aliases leaves is built last, without its targets. */
static void
build_view(struct r53p *p, const struct view_items *v)
{
	for (unsigned i = 0; i < v->n; i++) {
		v->items[i]->stamp = v->view + 1;
		v->items[i]->done = false;
	}
	for (bool progress = true; progress;) {
		progress = false;
		for (unsigned i = 0; i < v->n; i++) {
			struct item *it = v->items[i];
			if (it->done || !ready(p, it))
				continue;
			build_item(p, it, v->view, v->vpc);
			it->done = progress = true;
		}
	}
	for (unsigned i = 0; i < v->n; i++) {
		if (!v->items[i]->done) {
			build_item(p, v->items[i], v->view, v->vpc);
			v->items[i]->done = true;
		}
	}
}

static bool
associated(const struct topo_hosted_zone *hz, const struct topo_vpc *vpc)
{
	for (unsigned k = 0; k < hz->n_vpcs; k++)
		if (strcmp(hz->vpc_ids[k], vpc->id) == 0)
			return true;
	return false;
}

/* Each view of a VPC gets the items of the zones associated with it. */
static void
build_vpc(struct r53p *p, const struct topo_vpc *vpc)
{
	unsigned n = 0;
	for (unsigned z = 0; z < p->n_zones; z++)
		n += associated(p->zones[z].hz, vpc) ? p->zones[z].n : 0;
	struct item **items = n ? malloc(n * sizeof(*items)) : NULL;
	if (!items)
		return;
	n = 0;
	for (unsigned z = 0; z < p->n_zones; z++) {
		if (!associated(p->zones[z].hz, vpc))
			continue;
		for (unsigned i = 0; i < p->zones[z].n; i++)
			items[n++] = &p->items[p->zones[z].first + i];
	}
	int views[2] = { vpc->view, vpc->inbound_view };
	for (unsigned k = 0; k < 2; k++) {
		if (views[k] < 0)
			continue;
		struct view_items v = { (unsigned)views[k], vpc, items, n };
		build_view(p, &v);
	}
	free(items);
}

int
r53policy_build(struct topology *t, struct zb *b, struct arena *arena, struct diag *d)
{
	struct r53p p = { .t = t, .b = b, .d = d, .keep = arena };
	unsigned before = d->errors;
	p.scratch = arena_create(64 * 1024);
	if (!p.scratch || !items_collect(&p)) {
		arena_free(p.scratch);
		diag_error(d, NULL, 0, "out of memory");
		return -1;
	}
	/* private hosted zones answer in VPCs with both DNS attributes on */
	for (const struct topo_vpc *v = t->vpcs; v && p.n_items; v = v->next)
		if (topology_vpc_private_dns(v))
			build_vpc(&p, v);
	strmap_clear(&p.by_key);
	strmap_clear(&p.endpoint_names);
	free(p.recs);
	arena_free(p.scratch);
	return d->errors > before ? -1 : 0;
}
