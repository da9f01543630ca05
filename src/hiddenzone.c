/* SPDX-License-Identifier: BSD-3-Clause */
/* src/hiddenzone.c - generate endpoint names and the hidden private hosted zones AWS creates. */
#include "config.h"
#include "hiddenzone.h"

#include "catalog.h"
#include "diag.h"
#include "dname.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdio.h>
#include <string.h>

/* Route 53 gives every private hosted zone this SOA and these four name
 * servers (defaults of CreateHostedZone); dnsd uses them for hidden zones. */
#define R53_SOA_MNAME "ns-1536.awsdns-00.co.uk"
#define R53_SOA_RNAME "awsdns-hostmaster.amazon.com"
#define R53_SOA_TTL 900
#define R53_NS_TTL 172800
static const char *const r53_ns[] = {
	"ns-1536.awsdns-00.co.uk", "ns-0.awsdns-00.com",
	"ns-1024.awsdns-00.org", "ns-512.awsdns-00.net",
};

unsigned
hiddenzone_soa(uint8_t *rdata, unsigned size, uint32_t *ttl, bool public_zone)
{
	uint8_t mname[DNAME_MAX], rname[DNAME_MAX];
	int ml = dname_from_text(R53_SOA_MNAME, mname, NULL);
	int rl = dname_from_text(R53_SOA_RNAME, rname, NULL);
	unsigned len = (unsigned)(ml + rl) + 20;
	if (ml < 0 || rl < 0 || len > size)
		return 0;
	memcpy(rdata, mname, (size_t)ml);
	memcpy(rdata + ml, rname, (size_t)rl);
	uint8_t *p = rdata + ml + rl;
	/* serial, refresh, retry, expire, minimum. The public endpoint zone
	 * is dnsd's own: its negative TTL follows the records' 60 s. */
	wire_put32(p, 1);
	wire_put32(p + 4, 7200);
	wire_put32(p + 8, 900);
	wire_put32(p + 12, 1209600);
	wire_put32(p + 16, public_zone ? HIDDENZONE_TTL : 86400);
	*ttl = public_zone ? HIDDENZONE_TTL : R53_SOA_TTL;
	return len;
}

int
hiddenzone_add_ns(struct zb *b, struct zb_zone *z)
{
	uint8_t apex[DNAME_MAX];
	const uint8_t *a;
	size_t alen;
	zb_zone_apex(z, &a, &alen);
	memcpy(apex, a, alen);
	for (size_t i = 0; i < sizeof(r53_ns) / sizeof(r53_ns[0]); i++) {
		uint8_t ns[DNAME_MAX];
		int nl = dname_from_text(r53_ns[i], ns, NULL);
		if (nl < 0 || zb_rr_add(b, z, apex, alen, DNS_TYPE_NS, R53_NS_TTL, ns,
			    (uint16_t)nl, NULL) < 0)
			return -1;
	}
	return 0;
}

struct hz {
	struct topology *t;
	struct zb *b;
	struct diag *d;
};

/* A zone with Route 53's SOA; `records` adds SOA and NS at the apex (not
 * for public zones, and not where the apex is a CNAME). */
static struct zb_zone *
zone_get(struct hz *h, unsigned view, const uint8_t *apex, size_t apex_len, int kind,
	const char *origin, bool records)
{
	struct zb_zone *z = zb_zone_find(h->b, view, apex, apex_len, kind);
	if (z)
		return z;
	z = zb_zone_add(h->b, view, apex, apex_len, kind, origin);
	if (!z)
		return NULL;
	uint8_t soa[2 * DNAME_MAX + 20];
	uint32_t ttl;
	unsigned len = hiddenzone_soa(soa, sizeof(soa), &ttl, kind == ZONE_PUBLIC);
	if (zb_zone_set_soa(h->b, z, ttl, soa, (uint16_t)len, records) < 0)
		return NULL;
	if (records && hiddenzone_add_ns(h->b, z) < 0)
		return NULL;
	return z;
}

static bool
want_a(enum dns_record_ip_type r)
{
	return r == DRT_IPV4 || r == DRT_DUALSTACK || r == DRT_SERVICE_DEFINED;
}

/* service-defined gives AAAA to endpoint names only (facts §3). */
static bool
want_aaaa(enum dns_record_ip_type r, bool private_name)
{
	return r == DRT_IPV6 || r == DRT_DUALSTACK ||
		(r == DRT_SERVICE_DEFINED && !private_name);
}

static int
add_addr(struct hz *h, struct zb_zone *z, const uint8_t *owner, size_t len,
	const struct netaddr *a, const char *text_owner)
{
	const char *why;
	uint16_t type = a->family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
	if (zb_rr_add(h->b, z, owner, len, type, HIDDENZONE_TTL, a->bytes,
		    (uint16_t)netaddr_len(a), &why) < 0) {
		diag_error(h->d, NULL, 0, "%s: %s", text_owner, why);
		return -1;
	}
	return 0;
}

/* The addresses of a set of ENIs, in their order. With private_name or
 * regional, only healthy ENIs count, unless none is (Route 53 fails open). */
static int
add_eni_records(struct hz *h, struct zb_zone *z, const uint8_t *owner, size_t len,
	const char *text, const struct topo_endpoint *ep, const char *az, bool private_name)
{
	bool any_healthy = false;
	for (unsigned i = 0; i < ep->n_enis && !az; i++)
		any_healthy |= topology_eni_healthy(h->t, ep->enis[i]);
	bool a = want_a(ep->dns_record_ip_type) && (ep->ip_address_type & IPF_V4);
	bool aaaa = want_aaaa(ep->dns_record_ip_type, private_name) &&
		(ep->ip_address_type & IPF_V6);
	for (unsigned i = 0; i < ep->n_enis; i++) {
		const struct topo_eni *e = ep->enis[i];
		if (az && (!e->az || strcmp(e->az, az) != 0))
			continue;
		if (!az && any_healthy && !topology_eni_healthy(h->t, e))
			continue;
		for (unsigned k = 0; a && k < e->n_v4; k++)
			if (add_addr(h, z, owner, len, &e->v4[k], text) < 0)
				return -1;
		for (unsigned k = 0; aaaa && k < e->n_v6; k++)
			if (add_addr(h, z, owner, len, &e->v6[k], text) < 0)
				return -1;
	}
	return 0;
}

static int
name_wire(struct hz *h, const struct topo_endpoint *ep, const char *text, uint8_t *wire)
{
	const char *why;
	int len = dname_from_text(text, wire, &why);
	if (len < 0)
		diag_error(h->d, ep->src.file, ep->src.line, "endpoint %s: name '%s': %s",
			ep->id, text, why);
	return len;
}

/* The zone that holds an endpoint's public names: <region>.vpce.amazonaws.com
 * when the names end so, else the base domain itself. */
static struct zb_zone *
public_zone(struct hz *h, const struct topo_endpoint *ep)
{
	char apex_text[512];
	uint8_t apex[DNAME_MAX];
	const char *tail = strstr(ep->base_domain, ".vpce.amazonaws.com");
	if (tail && tail[19] == 0) {
		const char *start = tail;
		while (start > ep->base_domain && start[-1] != '.')
			start--;
		snprintf(apex_text, sizeof(apex_text), "%s", start);
	} else {
		snprintf(apex_text, sizeof(apex_text), "%s", ep->base_domain);
	}
	int len = name_wire(h, ep, apex_text, apex);
	if (len < 0)
		return NULL;
	return zone_get(h, 0, apex, (size_t)len, ZONE_PUBLIC, "public endpoint names", false);
}

static int
add_endpoint_name(struct hz *h, struct zb_zone *z, const struct topo_endpoint *ep,
	const char *text, const char *az)
{
	uint8_t wire[DNAME_MAX];
	int len = name_wire(h, ep, text, wire);
	if (len < 0)
		return -1;
	return add_eni_records(h, z, wire, (size_t)len, text, ep, az, false);
}

static bool
az_seen(const struct topo_endpoint *ep, unsigned upto, const char *az)
{
	for (unsigned i = 0; i < upto; i++)
		if (ep->enis[i]->az && !strcmp(ep->enis[i]->az, az))
			return true;
	return false;
}

/* Regional and zonal names (facts §1); S3 puts "*." in front (§3).
 * Zonal names are left out for cross-Region endpoints (PL). */
static int
add_public_names(struct hz *h, const struct topo_endpoint *ep)
{
	struct zb_zone *z = public_zone(h, ep);
	if (!z)
		return -1;
	const char *wild = ep->service && (ep->service->flags & CATALOG_WILDCARD_ENDPOINT_NAMES) ?
		"*." : "";
	char text[600];
	snprintf(text, sizeof(text), "%s%s-%s.%s", wild, ep->id, ep->suffix, ep->base_domain);
	if (add_endpoint_name(h, z, ep, text, NULL) < 0)
		return -1;
	bool cross_region = ep->service && ep->service->region && ep->vpc->region &&
		strcmp(ep->service->region, ep->vpc->region) != 0;
	for (unsigned i = 0; i < ep->n_enis && !cross_region; i++) {
		const char *az = ep->enis[i]->az;
		if (!az || az_seen(ep, i, az))
			continue;
		snprintf(text, sizeof(text), "%s%s-%s-%s.%s", wild, ep->id, ep->suffix, az,
			ep->base_domain);
		if (add_endpoint_name(h, z, ep, text, az) < 0)
			return -1;
	}
	return 0;
}

/* Endpoint services get a CNAME to the endpoint's regional name (PL
 * "Manage DNS names"); AWS services get the addresses themselves. */
static int
add_private_name(struct hz *h, const struct topo_endpoint *ep, const char *name, int view)
{
	uint8_t owner[DNAME_MAX];
	int len = name_wire(h, ep, name, owner);
	if (len < 0)
		return -1;
	const uint8_t *apex = owner;
	size_t apex_len = (size_t)len;
	if (owner[0] == 1 && owner[1] == '*') {
		apex += 2;
		apex_len -= 2;
	}
	char origin[300];
	snprintf(origin, sizeof(origin), "%s (%s) private DNS", ep->id, ep->service_name);
	struct zb_zone *z = zb_zone_find(h->b, (unsigned)view, apex, apex_len, ZONE_LOCAL);
	if (z && strcmp(zb_zone_origin(z), origin) != 0) {
		diag_error(h->d, ep->src.file, ep->src.line,
			"private-dns-enabled cannot be set because there is already a "
			"conflicting DNS domain for %s in the VPC %s (%s)", name, ep->vpc_id,
			zb_zone_origin(z));
		return -1;
	}
	/* an endpoint service's name is a CNAME: the hidden zone keeps its
	 * SOA for negative answers only */
	bool cname_apex = ep->service->endpoint_service && apex_len == (size_t)len;
	z = zone_get(h, (unsigned)view, apex, apex_len, ZONE_LOCAL, origin, !cname_apex);
	if (!z)
		return -1;
	if (!ep->service->endpoint_service)
		return add_eni_records(h, z, owner, (size_t)len, name, ep, NULL, true);
	char regional[600];
	uint8_t target[DNAME_MAX];
	const char *why;
	snprintf(regional, sizeof(regional), "%s-%s.%s", ep->id, ep->suffix, ep->base_domain);
	int tl = name_wire(h, ep, regional, target);
	if (tl < 0)
		return -1;
	if (zb_rr_add(h->b, z, owner, (size_t)len, DNS_TYPE_CNAME, HIDDENZONE_TTL, target,
		    (uint16_t)tl, &why) < 0) {
		diag_error(h->d, ep->src.file, ep->src.line, "%s: %s", name, why);
		return -1;
	}
	return 0;
}

static bool
endpoint_serves(const struct topo_endpoint *ep)
{
	return ep->type == EP_INTERFACE && ep->vpc && ep->service && ep->base_domain &&
		ep->suffix && ep->state &&
		(!strcmp(ep->state, "available") || !strcmp(ep->state, "Available"));
}

/* Private DNS needs both VPC attributes (PL "Private DNS", VPCDNS). */
static bool
private_dns_on(struct hz *h, const struct topo_endpoint *ep)
{
	if (!ep->private_dns || !ep->n_private)
		return false;
	if (ep->vpc->dns_support != TRI_YES || ep->vpc->dns_hostnames != TRI_YES) {
		diag_warn(h->d, ep->src.file, ep->src.line,
			"endpoint %s has private DNS, but VPC %s has %s off: its private "
			"names are not served (as in AWS)", ep->id, ep->vpc->id,
			ep->vpc->dns_support != TRI_YES ? "EnableDnsSupport" : "EnableDnsHostnames");
		return false;
	}
	return true;
}

static bool
vpc_has_inbound(const struct topology *t, const struct topo_vpc *v)
{
	for (const struct topo_resolver_endpoint *e = t->resolver_endpoints; e; e = e->next)
		if (e->direction == RESOLVER_INBOUND && e->vpc_id && !strcmp(e->vpc_id, v->id))
			return true;
	return false;
}

int
hiddenzone_views(struct topology *t, struct zb *b, struct diag *d)
{
	for (struct topo_vpc *v = t->vpcs; v; v = v->next) {
		char name[128];
		v->view = zb_view_add(b, v->id);
		v->inbound_view = -1;
		if (v->view >= 0 && vpc_has_inbound(t, v)) {
			snprintf(name, sizeof(name), "%s+inbound", v->id);
			v->inbound_view = zb_view_add(b, name);
		}
		if (v->view < 0 || (vpc_has_inbound(t, v) && v->inbound_view < 0)) {
			diag_error(d, v->src.file, v->src.line, "too many VPCs");
			return -1;
		}
	}
	zb_set_public_view_used(b, topology_default_vpc(t) == NULL);
	return 0;
}

int
hiddenzone_build(struct topology *t, struct zb *b, struct diag *d)
{
	struct hz h = { t, b, d };
	unsigned before = d->errors;
	if (hiddenzone_views(t, b, d) < 0)
		return -1;
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next) {
		if (!endpoint_serves(ep))
			continue;
		if (add_public_names(&h, ep) < 0)
			continue;
		if (!private_dns_on(&h, ep))
			continue;
		/* S3's PrivateDnsOnlyForInboundResolverEndpoint: queries from the
		 * VPC get the public answer, queries through an inbound resolver
		 * endpoint the interface endpoint's addresses (facts §3) */
		int views[2] = { ep->vpc->view, ep->vpc->inbound_view };
		for (int k = ep->inbound_only == TRI_YES ? 1 : 0; k < 2; k++)
			for (unsigned i = 0; views[k] >= 0 && i < ep->n_private; i++)
				add_private_name(&h, ep, ep->private_names[i], views[k]);
	}
	return d->errors > before ? -1 : 0;
}
