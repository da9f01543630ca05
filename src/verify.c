/* SPDX-License-Identifier: BSD-3-Clause */
/* src/verify.c - the last step of a load: everything the definitions describe is served. */
#include "config.h"
#include "verify.h"

#include "diag.h"
#include "dname.h"
#include "hiddenzone.h"
#include "query.h"
#include "strmap.h"
#include "topology.h"
#include "wire.h"
#include "zonedb.h"

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
