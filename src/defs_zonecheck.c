/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_zonecheck.c - the route53 family's checks of hosted zones: records across sets and files, VPC associations, with Route 53's messages. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "strmap.h"
#include "wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** A record of a zone being checked: its place in the zone, and whether
 * it is left out. */
struct rr_ref {
	struct topo_rr *rr;
	unsigned index;
	bool dropped;
};

static bool
is_apex(const struct topo_hosted_zone *z, const struct rr_ref *rr)
{
	return rr->rr->wlen == z->wlen && memcmp(rr->rr->wire, z->wire, z->wlen) == 0;
}

static int
name_cmp(const struct rr_ref *a, const struct rr_ref *b)
{
	if (a->rr->wlen != b->rr->wlen)
		return a->rr->wlen < b->rr->wlen ? -1 : 1;
	return memcmp(a->rr->wire, b->rr->wire, a->rr->wlen);
}

/* Type, then data: 0 means the same record. */
static int
data_cmp(const struct rr_ref *a, const struct rr_ref *b)
{
	int c;
	if (a->rr->type != b->rr->type)
		return a->rr->type < b->rr->type ? -1 : 1;
	if (!a->rr->rdata != !b->rr->rdata)
		return a->rr->rdata ? -1 : 1;
	if (!a->rr->rdata) {
		if ((c = strcasecmp(a->rr->alias_target, b->rr->alias_target)) != 0)
			return c;
		return strcmp(a->rr->alias_zone_id, b->rr->alias_zone_id);
	}
	if (a->rr->rdlen != b->rr->rdlen)
		return a->rr->rdlen < b->rr->rdlen ? -1 : 1;
	return memcmp(a->rr->rdata, b->rr->rdata, a->rr->rdlen);
}

/* Owner, type, data, then file order: duplicates end up side by side. */
static int
rr_cmp(const void *pa, const void *pb)
{
	const struct rr_ref *a = *(struct rr_ref *const *)pa, *b = *(struct rr_ref *const *)pb;
	int c = name_cmp(a, b);
	if (c == 0)
		c = data_cmp(a, b);
	if (c == 0)
		c = a->index < b->index ? -1 : a->index > b->index;
	return c;
}

static struct rr_ref *
earliest(struct rr_ref **arr, size_t n, bool (*want)(const struct rr_ref *, const void *),
	const void *arg)
{
	struct rr_ref *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (!arr[i]->dropped && want(arr[i], arg) && (!best || arr[i]->index < best->index))
			best = arr[i];
	return best;
}

static bool
is_any(const struct rr_ref *rr, const void *arg)
{
	(void)rr;
	(void)arg;
	return true;
}

static bool
is_plain_set(const struct rr_ref *rr, const void *other_than)
{
	return rr->rr->set && !rr->rr->set->routing && rr->rr->set != other_than;
}

static bool
is_type(const struct rr_ref *rr, const void *type)
{
	return rr->rr->type == *(const uint16_t *)type;
}

static bool
is_not_type(const struct rr_ref *rr, const void *type)
{
	return rr->rr->type != *(const uint16_t *)type;
}

/* Records of two different routing record sets: alternatives that each
 * stand on their own, whatever their data. */
static bool
alternatives(const struct rr_ref *a, const struct rr_ref *b)
{
	return a->rr->set && b->rr->set && a->rr->set != b->rr->set && a->rr->set->policy &&
		b->rr->set->policy;
}

/* By set (records without one each apart), then file order. */
static int
set_then_index(const void *pa, const void *pb)
{
	const struct rr_ref *a = *(struct rr_ref *const *)pa, *b = *(struct rr_ref *const *)pb;
	const void *sa = a->rr->set ? (const void *)a->rr->set : (const void *)a;
	const void *sb = b->rr->set ? (const void *)b->rr->set : (const void *)b;
	if (sa != sb)
		return (uintptr_t)sa < (uintptr_t)sb ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int
by_index(const void *pa, const void *pb)
{
	const struct rr_ref *a = *(struct rr_ref *const *)pa, *b = *(struct rr_ref *const *)pb;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* The routing policy of the sets of one owner and type (defs_policycheck.c):
 * it gets the first record of each set, and each zone-file record, in
 * file order. */
static void
check_group(struct rr_ref **arr, size_t n, struct diag *d)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= arr[i]->rr->set && arr[i]->rr->set->policy;
	if (!any)
		return;
	struct rr_ref **tmp = malloc(n * sizeof(*tmp));
	const struct topo_rr **firsts = malloc(n * sizeof(*firsts));
	size_t k = 0;
	if (tmp && firsts) {
		memcpy(tmp, arr, n * sizeof(*tmp));
		qsort(tmp, n, sizeof(*tmp), set_then_index);
		for (size_t i = 0; i < n; i++)
			if (i == 0 || !tmp[i]->rr->set || tmp[i]->rr->set != tmp[i - 1]->rr->set)
				tmp[k++] = tmp[i];
		qsort(tmp, k, sizeof(*tmp), by_index);
		for (size_t i = 0; i < k; i++)
			firsts[i] = tmp[i]->rr;
		defs_policycheck(firsts, k, d);
	}
	free(tmp);
	free(firsts);
}

/* The records of one owner and type (sorted by data): a value twice is one
 * record, a set written twice is an error, and a name holds one CNAME. */
static void
check_rrset(struct rr_ref **arr, size_t n, struct diag *d)
{
	char tbuf[16];
	const char *tname = defs_rr_type_name(arr[0]->rr->type, tbuf, sizeof(tbuf));
	struct rr_ref *first = earliest(arr, n, is_plain_set, NULL);
	struct rr_ref *again = first ? earliest(arr, n, is_plain_set, first->rr->set) : NULL;
	if (again)
		diag_error(d, again->rr->set->src.file, again->rr->set->src.line, "record set %s %s is "
			"defined twice (first at %s:%u)", again->rr->name, tname,
			first->rr->set->src.file, first->rr->set->src.line);
	for (size_t i = 1; i < n; i++) {
		if (data_cmp(arr[i - 1], arr[i]) != 0 || alternatives(arr[i - 1], arr[i]))
			continue;
		arr[i]->dropped = true;
		if (arr[i]->rr->set && arr[i]->rr->set == arr[i - 1]->rr->set)
			diag_error(d, arr[i]->rr->src.file, arr[i]->rr->src.line, "record set %s %s "
				"holds the same value twice (Duplicate Resource Record)",
				arr[i]->rr->name, tname);
	}
	check_group(arr, n, d);
	if (arr[0]->rr->type != DNS_TYPE_CNAME)
		return;
	/* routing record sets are alternatives: one CNAME each */
	struct rr_ref *keep = earliest(arr, n, is_any, NULL);
	for (size_t i = 0; keep && i < n; i++) {
		struct rr_ref *x = arr[i];
		if (x == keep || x->dropped || alternatives(keep, x))
			continue;
		diag_error(d, x->rr->src.file, x->rr->src.line, "%s has a second CNAME record "
			"(first at %s:%u)", x->rr->name, keep->rr->src.file, keep->rr->src.line);
		x->dropped = true;
	}
}

/* The records of one owner (sorted): CNAME and other data do not mix,
 * and the apex has one SOA and no CNAME (AWS's messages). */
static void
check_owner(struct topo_hosted_zone *z, struct rr_ref **arr, size_t n, struct diag *d)
{
	static const uint16_t cname_type = DNS_TYPE_CNAME, soa_type = DNS_TYPE_SOA;
	char b1[16], b2[16];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && arr[j]->rr->type == arr[i]->rr->type; j++)
			;
		check_rrset(arr + i, j - i, d);
	}
	bool apex = is_apex(z, arr[0]);
	struct rr_ref *cname = earliest(arr, n, is_type, &cname_type);
	struct rr_ref *other = earliest(arr, n, is_not_type, &cname_type);
	struct rr_ref *soa = earliest(arr, n, is_type, &soa_type);
	if (cname && apex) {
		diag_error(d, cname->rr->src.file, cname->rr->src.line, "RRSet of type CNAME with "
			"DNS name %s is not permitted at apex in zone %s", cname->rr->name, z->name);
	} else if (cname && other) {
		struct rr_ref *late = cname->index > other->index ? cname : other;
		struct rr_ref *early = late == cname ? other : cname;
		diag_error(d, late->rr->src.file, late->rr->src.line, "RRSet of type %s with DNS "
			"name %s is not permitted because a conflicting RRSet of type %s with the "
			"same DNS name already exists in zone %s (%s:%u)",
			defs_rr_type_name(late->rr->type, b1, sizeof(b1)), late->rr->name,
			defs_rr_type_name(early->rr->type, b2, sizeof(b2)), z->name, early->rr->src.file,
			early->rr->src.line);
	}
	for (size_t i = 0; soa && i < n; i++) {
		if (arr[i] == soa || arr[i]->dropped || arr[i]->rr->type != DNS_TYPE_SOA)
			continue;
		diag_error(d, arr[i]->rr->src.file, arr[i]->rr->src.line, "zone %s has a second SOA "
			"record (first at %s:%u)", z->name, soa->rr->src.file, soa->rr->src.line);
		arr[i]->dropped = true;
	}
}

/* Relink a zone's records without the dropped ones, in file order. */
static void
zone_relink(struct topo_hosted_zone *z, const struct rr_ref *refs)
{
	struct topo_rr *p = z->rrs;
	z->rrs = NULL;
	z->rrs_tail = &z->rrs;
	z->n_rrs = 0;
	for (unsigned i = 0; p; i++) {
		struct topo_rr *next = p->next;
		if (!refs[i].dropped) {
			p->next = NULL;
			*z->rrs_tail = p;
			z->rrs_tail = &p->next;
			z->n_rrs++;
		}
		p = next;
	}
}

/* Records outside the zone, and SOAs not at its apex, are dropped;
 * arr gets the others. @return how many. */
static size_t
refs_in_zone(struct topo_hosted_zone *z, struct rr_ref *refs, struct rr_ref **arr,
	struct diag *d)
{
	size_t n = 0;
	unsigned index = 0;
	for (struct topo_rr *p = z->rrs; p; p = p->next, index++) {
		struct rr_ref *rr = &refs[index];
		*rr = (struct rr_ref){ p, index, false };
		if (!dname_is_subdomain(p->wire, p->wlen, z->wire, z->wlen)) {
			diag_error(d, p->src.file, p->src.line, "RRSet with DNS name %s is not "
				"permitted in zone %s", p->name, z->name);
			rr->dropped = true;
		} else if (p->type == DNS_TYPE_SOA && !is_apex(z, rr)) {
			diag_error(d, p->src.file, p->src.line, "an SOA record belongs at the apex "
				"of zone %s, not at %s", z->name, p->name);
			rr->dropped = true;
		} else {
			arr[n++] = rr;
		}
	}
	return n;
}

static void
check_zone_records(struct topo_hosted_zone *z, struct diag *d)
{
	if (!z->n_rrs)
		return;
	struct rr_ref *refs = malloc(z->n_rrs * sizeof(*refs));
	struct rr_ref **arr = malloc(z->n_rrs * sizeof(*arr));
	if (!refs || !arr) {
		diag_error(d, z->src.file, z->src.line, "out of memory");
		free(refs);
		free(arr);
		return;
	}
	size_t n = refs_in_zone(z, refs, arr, d);
	qsort(arr, n, sizeof(*arr), rr_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && name_cmp(arr[i], arr[j]) == 0; j++)
			;
		check_owner(z, arr + i, j - i, d);
	}
	zone_relink(z, refs);
	free(arr);
	free(refs);
}

static void
check_zone_vpcs(struct topology *t, struct topo_hosted_zone *z, struct strmap *seen,
	struct diag *d)
{
	for (unsigned i = 0; i < z->n_vpcs; i++) {
		const char *vpc_id = z->vpc_ids[i];
		const struct src *at = &z->vpc_info[i].src;
		const struct topo_vpc *v = strmap_get(&t->vpc_by_id, vpc_id);
		if (!v) {
			diag_error(d, at->file, at->line, "hosted zone %s (%s) is associated with %s, "
				"which no definition describes", z->name, z->id, vpc_id);
			continue;
		}
		const char *region = z->vpc_info[i].region;
		if (v->region && region && strcmp(v->region, region) != 0)
			diag_warn(d, at->file, at->line, "VPCRegion %s, but %s is in %s", region,
				vpc_id, v->region);
		char *key = arena_printf(t->arena, "%s %s", vpc_id, z->name);
		struct topo_hosted_zone *first = key ? strmap_put(seen, key, z) : NULL;
		if (first && first != z)
			diag_error(d, at->file, at->line, "hosted zone %s (%s) with %s: A conflicting "
				"domain is already associated with the given VPC or Delegation Set. "
				"(%s, at %s:%u)", z->id, z->name, vpc_id, first->id,
				first->src.file, first->src.line);
	}
}

void
defs_zonecheck(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_hosted_zone *hz = t->zones; hz; hz = hz->next) {
		struct topo_hosted_zone *z = hz;
		check_zone_records(z, d);
		if (!hz->private_zone)
			diag_warn(d, hz->src.file, hz->src.line, "hosted zone %s (%s) is public: "
				"dnsd serves private hosted zones only, so it is not served",
				hz->name, hz->id);
		else if (!hz->n_vpcs)
			diag_warn(d, hz->src.file, hz->src.line, "private hosted zone %s (%s) is "
				"associated with no VPC (add VPCs: [{VPCId: …}] or get-hosted-zone "
				"output), so no one is answered from it", hz->name, hz->id);
		else
			check_zone_vpcs(t, z, &seen, d);
	}
	strmap_clear(&seen);
}

