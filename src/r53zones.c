/* SPDX-License-Identifier: BSD-3-Clause */
/* src/r53zones.c - private hosted zones, Resolver rules and autodefined zones, placed in the VPC views. */
#include "config.h"
#include "r53zones.h"

#include "apigwzones.h"
#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "ec2zones.h"
#include "forward.h"
#include "hiddenzone.h"
#include "r53policy.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct r53 {
	struct topology *t;
	struct zb *b;
	struct arena *arena;
	struct diag *d;
};

/* The views a VPC's zones and rules go into: its own, and the one for
 * queries through its inbound endpoints. */
static unsigned
vpc_views(const struct topo_vpc *v, unsigned views[2])
{
	unsigned n = 0;
	if (v->view >= 0)
		views[n++] = (unsigned)v->view;
	if (v->inbound_view >= 0)
		views[n++] = (unsigned)v->inbound_view;
	return n;
}

static int
text_to_wire(struct r53 *r, const char *text, uint8_t *wire, const struct src *src,
	const char *what)
{
	const char *why;
	int len = dname_from_text(text, wire, &why);
	if (len < 0)
		diag_error(r->d, src->file, src->line, "%s '%s': %s", what, text, why);
	return len;
}

/* ---- private hosted zones ---- */

static bool
zone_has_type(const struct topo_hosted_zone *hz, uint16_t type, const uint8_t *apex, size_t len)
{
	uint8_t owner[DNAME_MAX];
	for (const struct topo_rr *rr = hz->rrs; rr; rr = rr->next) {
		if (rr->type != type || !rr->rdata)
			continue;
		int ol = dname_from_text(rr->name, owner, NULL);
		if (ol > 0 && dname_equal(owner, (size_t)ol, apex, len))
			return true;
	}
	return false;
}

/* The zone's SOA first (its own, else Route 53's default), then the rest. */
static int
add_zone_records(struct r53 *r, struct zb_zone *z, const struct topo_hosted_zone *hz)
{
	const struct topo_rr *soa = NULL;
	for (const struct topo_rr *rr = hz->rrs; rr && !soa; rr = rr->next)
		if (rr->type == DNS_TYPE_SOA && rr->rdata)
			soa = rr;
	if (soa) {
		zb_zone_set_soa(r->b, z, soa->ttl, soa->rdata, soa->rdlen, true);
	} else {
		uint8_t def[2 * DNAME_MAX + 20];
		uint32_t ttl;
		unsigned sl = hiddenzone_soa(def, sizeof(def), &ttl, false);
		zb_zone_set_soa(r->b, z, ttl, def, (uint16_t)sl, true);
	}
	for (const struct topo_rr *rr = hz->rrs; rr; rr = rr->next) {
		uint8_t owner[DNAME_MAX];
		const char *why;
		if (!rr->rdata || rr->type == DNS_TYPE_SOA || (rr->set && rr->set->policy))
			continue;	/* aliases and routing policies: r53policy.c */
		int ol = text_to_wire(r, rr->name, owner, &rr->src, "record name");
		if (ol < 0)
			continue;
		if (zb_rr_add(r->b, z, owner, (size_t)ol, rr->type, rr->ttl, rr->rdata, rr->rdlen,
			    &why) < 0)
			diag_error(r->d, rr->src.file, rr->src.line, "record %s: %s", rr->name, why);
	}
	return 0;
}

static void
add_hosted_zone(struct r53 *r, const struct topo_hosted_zone *hz, const struct topo_vpc *v)
{
	uint8_t apex[DNAME_MAX];
	int len = text_to_wire(r, hz->name, apex, &hz->src, "hosted zone");
	if (len < 0)
		return;
	unsigned views[2], nv = vpc_views(v, views);
	for (unsigned i = 0; i < nv; i++) {
		struct zb_zone *hidden = zb_zone_find(r->b, views[i], apex, (size_t)len, ZONE_LOCAL);
		if (hidden) {
			/* the error AWS gives (terraform-provider-aws#37783) */
			diag_error(r->d, hz->src.file, hz->src.line,
				"ConflictingDomainExists: The VPC %s in region %s has already been "
				"associated with the hosted zone %s with the same domain name. (%s)",
				v->id, v->region ? v->region : "?", hz->id ? hz->id : hz->name,
				zb_zone_origin(hidden));
			continue;
		}
		const char *origin = arena_printf(r->arena, "hosted zone %s (%s:%u)",
			hz->id ? hz->id : "-", hz->src.file, hz->src.line);
		struct zb_zone *z = origin ? zb_zone_add(r->b, views[i], apex, (size_t)len,
			ZONE_LOCAL, origin) : NULL;
		if (!z)
			continue;
		add_zone_records(r, z, hz);
		if (!zone_has_type(hz, DNS_TYPE_NS, apex, (size_t)len))
			hiddenzone_add_ns(r->b, z);
	}
}

/* A VPC a private hosted zone answers in: one with both DNS attributes on
 * (Route 53 Developer Guide, "Considerations when working with a private
 * hosted zone": "you must set ... enableDnsHostnames, enableDnsSupport"). */
static const struct topo_vpc *
zone_vpc(struct r53 *r, const struct topo_hosted_zone *hz, unsigned i, bool warn)
{
	const struct topo_vpc *v = strmap_get(&r->t->vpc_by_id, hz->vpc_ids[i]);
	if (!v || topology_vpc_private_dns(v))
		return v;
	if (warn && v->dns_support == TRI_YES)	/* without DNS support nothing is served */
		diag_warn(r->d, hz->src.file, hz->src.line, "hosted zone %s (%s) is associated "
			"with VPC %s, which has EnableDnsHostnames off: the zone is not served there "
			"(as in AWS)", hz->name, hz->id ? hz->id : "-", v->id);
	return NULL;
}

static void
build_hosted_zones(struct r53 *r)
{
	for (const struct topo_hosted_zone *hz = r->t->zones; hz; hz = hz->next) {
		if (!hz->private_zone)
			continue;
		for (unsigned i = 0; i < hz->n_vpcs; i++) {
			const struct topo_vpc *v = zone_vpc(r, hz, i, true);
			if (v)
				add_hosted_zone(r, hz, v);
		}
	}
	/* aliases and routing policies last: alias targets may be in any zone */
	r53policy_build(r->t, r->b, r->arena, r->d);
}

/* ---- Resolver rules ---- */

/* Whether an address belongs to this host: an outbound endpoint's
 * address is used as the source only where it exists. */
static bool
address_on_host(const struct netaddr *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64], spec[80];
	netaddr_str(a, text, sizeof(text));
	snprintf(spec, sizeof(spec), a->family == AF_INET6 ? "[%s]:0" : "%s:0", text);
	if (!netaddr_parse_sockaddr(spec, 0, &ss, &len))
		return false;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

/* Route 53 Developer Guide, "Quotas", Quotas on Route 53 Resolver: "IP
 * addresses per rule: 6" (not adjustable). */
#define AWS_MAX_RULE_TARGETS 6

/* Every target of a rule, in order: the list is as long as the rule's. */
static struct fwd_targets *
rule_targets(struct r53 *r, const struct topo_rule *rule)
{
	struct fwd_targets *ft = arena_zalloc(r->arena, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->addr = arena_zalloc(r->arena, (rule->n_targets + 1) * sizeof(*ft->addr));
	ft->len = arena_zalloc(r->arena, (rule->n_targets + 1) * sizeof(*ft->len));
	if (!ft->addr || !ft->len)
		return NULL;
	for (unsigned i = 0; i < rule->n_targets; i++) {
		char text[64], spec[80];
		const struct topo_target *tg = &rule->targets[i];
		netaddr_str(&tg->addr, text, sizeof(text));
		snprintf(spec, sizeof(spec), tg->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", text,
			tg->port ? tg->port : 53);
		if (netaddr_parse_sockaddr(spec, 53, &ft->addr[ft->n], &ft->len[ft->n]))
			ft->n++;
	}
	const struct topo_resolver_endpoint *out = rule->endpoint_id ?
		strmap_get(&r->t->resolver_endpoint_by_id, rule->endpoint_id) : NULL;
	for (unsigned i = 0; out && i < out->n_ips && !ft->has_source; i++) {
		char text[64], spec[80];
		if (!address_on_host(&out->ips[i]))
			continue;
		netaddr_str(&out->ips[i], text, sizeof(text));
		snprintf(spec, sizeof(spec), out->ips[i].family == AF_INET6 ? "[%s]:0" : "%s:0", text);
		ft->has_source = netaddr_parse_sockaddr(spec, 0, &ft->source, &ft->source_len);
	}
	return ft;
}

static void
add_rule(struct r53 *r, const struct topo_rule *rule, const struct topo_vpc *v,
	const struct topo_rule_assoc *as)
{
	uint8_t apex[DNAME_MAX];
	int len = text_to_wire(r, rule->domain, apex, &rule->src, "rule domain");
	if (len < 0)
		return;
	int kind;
	if (rule->type == RULE_FORWARD)
		kind = ZONE_FORWARD;
	else if (rule->type == RULE_SYSTEM)
		kind = ZB_SYSTEM;
	else if (rule->type == RULE_RECURSIVE)
		return;		/* "." is what dnsd does without rules */
	else {
		diag_warn(r->d, rule->src.file, rule->src.line,
			"rule %s: DELEGATE rules are not modelled; ignored", rule->id);
		return;
	}
	const char *origin = arena_printf(r->arena, "rule %s%s%s", rule->id,
		rule->name ? " " : "", rule->name ? rule->name : "");
	struct fwd_targets *ft = kind == ZONE_FORWARD ? rule_targets(r, rule) : NULL;
	unsigned views[2], nv = vpc_views(v, views);
	for (unsigned i = 0; i < nv; i++) {
		if (zb_zone_find(r->b, views[i], apex, (size_t)len, ZONE_FORWARD) ||
		    zb_zone_find(r->b, views[i], apex, (size_t)len, ZB_SYSTEM)) {
			diag_error(r->d, as->src.file, as->src.line,
				"InvalidRequestException: Cannot associate rules with same domain "
				"name with same VPC. (%s, %s)", rule->domain, v->id);
			return;
		}
		struct zb_zone *z = zb_zone_add(r->b, views[i], apex, (size_t)len, kind, origin);
		if (z && ft)
			zb_zone_set_targets(z, ft);
	}
}

static void
build_rules(struct r53 *r)
{
	/* more targets than AWS allows: only hand-written input has them */
	for (const struct topo_rule *rule = r->t->rules; rule; rule = rule->next)
		if (rule->n_targets > AWS_MAX_RULE_TARGETS)
			diag_warn(r->d, rule->src.file, rule->src.line, "rule %s has %u TargetIps; "
				"AWS allows %d per rule (Route 53 Developer Guide, Quotas); dnsd "
				"tries all of them in order", rule->id, rule->n_targets,
				AWS_MAX_RULE_TARGETS);
	for (const struct topo_rule_assoc *as = r->t->rule_assocs; as; as = as->next) {
		if (as->status && strcmp(as->status, "COMPLETE") != 0 &&
		    strcmp(as->status, "CREATING") != 0)
			continue;	/* DELETING, FAILED, OVERRIDDEN: not in effect */
		const struct topo_rule *rule = strmap_get(&r->t->rule_by_id, as->rule_id);
		const struct topo_vpc *v = strmap_get(&r->t->vpc_by_id, as->vpc_id);
		if (rule && v)
			add_rule(r, rule, v, as);
	}
}

/* ---- autodefined zones ---- */

static int
wire_of(const char *text, uint8_t *wire)
{
	return dname_from_text(text, wire, NULL);
}

/* localhost zones, autodefined in every VPC (R53 "autodefined rules") */
static void
add_localhost(struct r53 *r, unsigned view)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };
	uint8_t name[DNAME_MAX], target[DNAME_MAX];
	int tl = wire_of("localhost", target);
	int nl = wire_of("localhost", name);
	struct zb_zone *z = hiddenzone_default_zone(r->b, view, name, (size_t)nl,
		ZONE_LOCAL, "autodefined", true);
	if (z) {
		zb_rr_add(r->b, z, name, (size_t)nl, DNS_TYPE_A, 86400, lo4, 4, NULL);
		zb_rr_add(r->b, z, name, (size_t)nl, DNS_TYPE_AAAA, 86400, lo6, 16, NULL);
	}
	nl = wire_of("localdomain", name);
	hiddenzone_default_zone(r->b, view, name, (size_t)nl, ZONE_LOCAL, "autodefined", true);
	nl = wire_of("127.in-addr.arpa", name);
	z = hiddenzone_default_zone(r->b, view, name, (size_t)nl,
		ZONE_LOCAL, "autodefined", true);
	uint8_t owner[DNAME_MAX];
	int ol = wire_of("1.0.0.127.in-addr.arpa", owner);
	if (z)
		zb_rr_add(r->b, z, owner, (size_t)ol, DNS_TYPE_PTR, 86400, target, (uint16_t)tl, NULL);
	char six[80] = "";
	for (int i = 0; i < 31; i++)
		strcat(six, "0.");
	strcat(six, "ip6.arpa");
	nl = wire_of(six, name);
	hiddenzone_default_zone(r->b, view, name, (size_t)nl, ZONE_LOCAL, "autodefined", true);
	ol = wire_of("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", owner);
	z = hiddenzone_default_zone(r->b, view, owner, (size_t)ol,
		ZONE_LOCAL, "autodefined", true);
	if (z)
		zb_rr_add(r->b, z, owner, (size_t)ol, DNS_TYPE_PTR, 86400, target, (uint16_t)tl, NULL);
}

/* localhost zones in every VPC that has DNS (R53 autodefined rules); the
 * EC2 zones are ec2zones.c's. */
static void
build_autodefined(struct r53 *r, struct topo_vpc *v)
{
	if (v->dns_support != TRI_YES)
		return;
	unsigned views[2], nv = vpc_views(v, views);
	for (unsigned i = 0; i < nv; i++)
		add_localhost(r, views[i]);
}

int
r53zones_build(struct topology *t, struct zb *b, struct arena *arena, struct diag *d)
{
	struct r53 r = { t, b, arena, d };
	unsigned before = d->errors;
	apigwzones_build(t, b, d);	/* first: hosted zones' aliases may name them */
	build_hosted_zones(&r);
	build_rules(&r);
	for (struct topo_vpc *v = t->vpcs; v; v = v->next)
		build_autodefined(&r, v);
	ec2zones_build(t, b, d);
	return d->errors > before ? -1 : 0;
}
