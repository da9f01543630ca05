/* SPDX-License-Identifier: BSD-3-Clause */
/* src/hiddenzone.c - generate endpoint names and the hidden private hosted zones AWS creates. */
#include "config.h"
#include "hiddenzone.h"

#include "arena.h"
#include "catalog.h"
#include "diag.h"
#include "dname.h"
#include "topology.h"
#include "wire.h"
#include "zonebuild.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

struct zb_zone *
hiddenzone_default_zone(struct zb *b, unsigned view, const uint8_t *apex, size_t len, int kind,
	const char *origin, bool with_records)
{
	struct zb_zone *z = zb_zone_add(b, view, apex, len, kind, origin);
	if (!z)
		return NULL;
	uint8_t soa[2 * DNAME_MAX + 20];
	uint32_t ttl;
	unsigned soa_len = hiddenzone_soa(soa, sizeof(soa), &ttl, false);
	if (zb_zone_set_soa(b, z, ttl, soa, (uint16_t)soa_len, with_records) < 0)
		return NULL;
	if (with_records && hiddenzone_add_ns(b, z) < 0)
		return NULL;
	return z;
}

struct hz {
	struct topology *t;
	struct zb *b;
	struct diag *d;
};

/* A name put together from parts; false (reported) when it cannot be one
 * name: no DNS name has more than DNAME_TEXT_MAX characters of text, so a
 * longer one is an error, never cut into another name. */
static bool __attribute__((format(printf, 4, 5)))
name_printf(struct diag *d, const struct topo_endpoint *ep, char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, DNAME_TEXT_MAX, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < DNAME_TEXT_MAX)
		return true;
	if (d)
		diag_error(d, ep->src.file, ep->src.line, "endpoint %s: a name made from its "
			"id, suffix and base domain %.60s... is longer than a DNS name can be",
			ep->id, ep->base_domain);
	return false;
}

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

typedef int (*addr_fn)(void *ctx, const struct netaddr *a);

/* The addresses a name of an endpoint answers, in ENI order: a zonal
 * name its AZ's ENIs; the others only healthy ENIs, unless none is
 * (Route 53 fails open). */
static int
each_addr(const struct topology *t, const struct topo_endpoint *ep, const char *az,
	bool private_name, addr_fn fn, void *ctx)
{
	bool any_healthy = false;
	for (unsigned i = 0; i < ep->n_enis && !az; i++)
		any_healthy |= topology_eni_healthy(t, ep->enis[i]);
	bool a = want_a(ep->dns_record_ip_type) && (ep->ip_address_type & IPF_V4);
	bool aaaa = want_aaaa(ep->dns_record_ip_type, private_name) &&
		(ep->ip_address_type & IPF_V6);
	for (unsigned i = 0; i < ep->n_enis; i++) {
		const struct topo_eni *e = ep->enis[i];
		if (az && (!e->az || strcmp(e->az, az) != 0))
			continue;
		if (!az && any_healthy && !topology_eni_healthy(t, e))
			continue;
		for (unsigned k = 0; a && k < e->n_v4; k++)
			if (fn(ctx, &e->v4[k]) < 0)
				return -1;
		for (unsigned k = 0; aaaa && k < e->n_v6; k++)
			if (fn(ctx, &e->v6[k]) < 0)
				return -1;
	}
	return 0;
}

/* Where add_addr puts a record. */
struct addr_target {
	struct hz *h;
	struct zb_zone *z;
	const uint8_t *owner;
	size_t len;
	const char *text;
};

static int
add_addr(void *ctx, const struct netaddr *a)
{
	struct addr_target *at = ctx;
	const char *why;
	uint16_t type = a->family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
	if (zb_rr_add(at->h->b, at->z, at->owner, at->len, type, HIDDENZONE_TTL, a->bytes,
		    (uint16_t)netaddr_len(a), &why) < 0) {
		diag_error(at->h->d, NULL, 0, "%s: %s", at->text, why);
		return -1;
	}
	return 0;
}

static int
add_eni_records(struct hz *h, struct zb_zone *z, const uint8_t *owner, size_t len,
	const char *text, const struct topo_endpoint *ep, const char *az, bool private_name)
{
	struct addr_target at = { h, z, owner, len, text };
	return each_addr(h->t, ep, az, private_name, add_addr, &at);
}

static int
name_wire(struct diag *d, const struct topo_endpoint *ep, const char *text, uint8_t *wire)
{
	const char *why;
	int len = dname_from_text(text, wire, &why);
	if (len < 0)
		diag_error(d, ep->src.file, ep->src.line, "endpoint %s: name '%s': %s",
			ep->id, text, why);
	return len;
}

/* The zone that holds an endpoint's public names: <region>.vpce.amazonaws.com
 * when the names end so, else the base domain itself. */
static struct zb_zone *
public_zone(struct hz *h, const struct topo_endpoint *ep)
{
	uint8_t apex[DNAME_MAX];
	const char *start = ep->base_domain;
	const char *tail = strstr(ep->base_domain, ".vpce.amazonaws.com");
	if (tail && tail[19] == 0) {
		start = tail;
		while (start > ep->base_domain && start[-1] != '.')
			start--;
	}
	int len = name_wire(h->d, ep, start, apex);
	if (len < 0)
		return NULL;
	return zone_get(h, 0, apex, (size_t)len, ZONE_PUBLIC, "public endpoint names", false);
}

static int
add_endpoint_name(struct hz *h, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	uint8_t wire[DNAME_MAX];
	struct zb_zone *z = public_zone(h, ep);
	int len = z ? name_wire(h->d, ep, n->text, wire) : -1;
	if (len < 0)
		return -1;
	return add_eni_records(h, z, wire, (size_t)len, n->text, ep, n->az, false);
}

/* Endpoint services get a CNAME to the endpoint's regional name (PL
 * "Manage DNS names"); AWS services get the addresses themselves. */
static int
add_private_name(struct hz *h, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	uint8_t owner[DNAME_MAX];
	int len = name_wire(h->d, ep, n->text, owner);
	if (len < 0)
		return -1;
	const uint8_t *apex = owner;
	size_t apex_len = (size_t)len;
	if (owner[0] == 1 && owner[1] == '*') {
		apex += 2;
		apex_len -= 2;
	}
	const char *origin = arena_printf(zb_arena(h->b), "%s (%s) private DNS", ep->id,
		ep->service_name);
	if (!origin) {
		diag_error(h->d, ep->src.file, ep->src.line, "out of memory");
		return -1;
	}
	struct zb_zone *z = zb_zone_find(h->b, (unsigned)n->view, apex, apex_len, ZONE_LOCAL);
	if (z && strcmp(zb_zone_origin(z), origin) != 0) {
		diag_error(h->d, ep->src.file, ep->src.line,
			"private-dns-enabled cannot be set because there is already a "
			"conflicting DNS domain for %s in the VPC %s (%s)", n->text, ep->vpc_id,
			zb_zone_origin(z));
		return -1;
	}
	/* an endpoint service's name is a CNAME: the hidden zone keeps its
	 * SOA for negative answers only */
	bool cname_apex = ep->service->endpoint_service && apex_len == (size_t)len;
	z = zone_get(h, (unsigned)n->view, apex, apex_len, ZONE_LOCAL, origin, !cname_apex);
	if (!z)
		return -1;
	if (!ep->service->endpoint_service)
		return add_eni_records(h, z, owner, (size_t)len, n->text, ep, NULL, true);
	char regional[DNAME_TEXT_MAX];
	uint8_t target[DNAME_MAX];
	const char *why;
	if (!name_printf(h->d, ep, regional, "%s-%s.%s", ep->id, ep->suffix, ep->base_domain))
		return -1;
	int tl = name_wire(h->d, ep, regional, target);
	if (tl < 0)
		return -1;
	if (zb_rr_add(h->b, z, owner, (size_t)len, DNS_TYPE_CNAME, HIDDENZONE_TTL, target,
		    (uint16_t)tl, &why) < 0) {
		diag_error(h->d, ep->src.file, ep->src.line, "%s: %s", n->text, why);
		return -1;
	}
	return 0;
}

/*
 * Endpoint states (AWS PrivateLink guide, "Interface endpoint lifecycle";
 * the guide does not say what each gives in DNS, so dnsd chooses):
 * - available, and pending (accepted, being set up): AWS returns the
 *   DnsEntries from the create call on, and private DNS answers before the
 *   endpoint is usable (terraform-provider-aws#7148): every name;
 * - partial (botocore's enum only): what its interfaces give, as available;
 * - pendingAcceptance: the regional and zonal names (the interfaces exist),
 *   not private DNS: AWS enables that only once the provider accepts
 *   (terraform-provider-aws#37628);
 * - rejected, failed, expired, deleting, deleted: no names.
 */
enum hiddenzone_state
hiddenzone_state_of(const char *state)
{
	static const struct {
		const char *name;
		enum hiddenzone_state dns;
	} states[] = {
		{ "available", HZ_STATE_ALL }, { "pending", HZ_STATE_ALL },
		{ "partial", HZ_STATE_ALL }, { "pendingAcceptance", HZ_STATE_PUBLIC },
		{ "rejected", HZ_STATE_NONE }, { "failed", HZ_STATE_NONE },
		{ "expired", HZ_STATE_NONE }, { "deleting", HZ_STATE_NONE },
		{ "deleted", HZ_STATE_NONE },
	};
	for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcasecmp(state, states[i].name) == 0)
			return states[i].dns;
	return HZ_STATE_UNKNOWN;
}

bool
hiddenzone_endpoint_serves(const struct topo_endpoint *ep)
{
	enum hiddenzone_state s = hiddenzone_state_of(ep->state);
	return ep->type == EP_INTERFACE && ep->vpc && ep->service && ep->base_domain &&
		ep->suffix && (s == HZ_STATE_ALL || s == HZ_STATE_PUBLIC);
}

/* Private DNS needs both VPC attributes (PL "Private DNS", VPCDNS) and
 * an accepted endpoint (hiddenzone_state_of). */
static bool
private_dns_on(const struct topo_endpoint *ep)
{
	return ep->private_dns && ep->n_private && topology_vpc_private_dns(ep->vpc) &&
		hiddenzone_state_of(ep->state) == HZ_STATE_ALL;
}

static void
warn_private_dns_off(struct diag *d, const struct topo_endpoint *ep)
{
	if (!ep->private_dns || !ep->n_private || private_dns_on(ep) ||
	    hiddenzone_state_of(ep->state) != HZ_STATE_ALL)
		return;
	diag_warn(d, ep->src.file, ep->src.line,
		"endpoint %s has private DNS, but VPC %s has %s off: its private "
		"names are not served (as in AWS)", ep->id, ep->vpc->id,
		ep->vpc->dns_support != TRI_YES ? "EnableDnsSupport" : "EnableDnsHostnames");
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
each_public_name(const struct topo_endpoint *ep, struct diag *d, endpoint_name_fn fn, void *ctx)
{
	const char *wild = ep->service->flags & CATALOG_WILDCARD_ENDPOINT_NAMES ? "*." : "";
	char text[DNAME_TEXT_MAX];
	struct endpoint_name n = { text, 0, NULL, false };
	if (!name_printf(d, ep, text, "%s%s-%s.%s", wild, ep->id, ep->suffix, ep->base_domain) ||
	    fn(ctx, ep, &n) < 0)
		return -1;
	bool cross_region = ep->service->region && ep->vpc->region &&
		strcmp(ep->service->region, ep->vpc->region) != 0;
	for (unsigned i = 0; i < ep->n_enis && !cross_region; i++) {
		n.az = ep->enis[i]->az;
		if (!n.az || az_seen(ep, i, n.az))
			continue;
		if (!name_printf(d, ep, text, "%s%s-%s-%s.%s", wild, ep->id, ep->suffix, n.az,
			    ep->base_domain) || fn(ctx, ep, &n) < 0)
			return -1;
	}
	return 0;
}

/* S3's PrivateDnsOnlyForInboundResolverEndpoint: queries from the VPC get
 * the public answer, queries through an inbound resolver endpoint the
 * interface endpoint's addresses (facts §3). */
static int
each_private_name(const struct topo_endpoint *ep, endpoint_name_fn fn, void *ctx)
{
	int views[2] = { ep->vpc->view, ep->vpc->inbound_view };
	int status = 0;
	for (int k = ep->inbound_only == TRI_YES ? 1 : 0; k < 2; k++) {
		for (unsigned i = 0; views[k] >= 0 && i < ep->n_private; i++) {
			struct endpoint_name n = { ep->private_names[i], views[k], NULL, true };
			if (fn(ctx, ep, &n) < 0)
				status = -1;	/* each conflict is its own error */
		}
	}
	return status;
}

int
hiddenzone_each_name(const struct topo_endpoint *ep, struct diag *d, endpoint_name_fn fn,
	void *ctx)
{
	if (!hiddenzone_endpoint_serves(ep))
		return 0;
	if (each_public_name(ep, d, fn, ctx) < 0)
		return -1;
	return private_dns_on(ep) ? each_private_name(ep, fn, ctx) : 0;
}

struct addr_count {
	unsigned v4, v6;
};

static int
count_addr(void *ctx, const struct netaddr *a)
{
	struct addr_count *c = ctx;
	if (a->family == AF_INET)
		c->v4++;
	else
		c->v6++;
	return 0;
}

void
hiddenzone_name_addrs(const struct topology *t, const struct topo_endpoint *ep,
	const struct endpoint_name *n, unsigned *v4, unsigned *v6)
{
	struct addr_count c = { 0, 0 };
	each_addr(t, ep, n->az, n->private_name, count_addr, &c);
	*v4 = c.v4;
	*v6 = c.v6;
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
		v->view = zb_view_add(b, v->id);
		v->inbound_view = -1;
		if (v->view >= 0 && vpc_has_inbound(t, v)) {
			const char *name = arena_printf(zb_arena(b), "%s+inbound", v->id);
			v->inbound_view = name ? zb_view_add(b, name) : -1;
		}
		if (v->view < 0 || (vpc_has_inbound(t, v) && v->inbound_view < 0)) {
			diag_error(d, v->src.file, v->src.line, "too many VPCs");
			return -1;
		}
	}
	return 0;
}

static int
build_name(void *ctx, const struct topo_endpoint *ep, const struct endpoint_name *n)
{
	struct hz *h = ctx;
	return n->private_name ? add_private_name(h, ep, n) : add_endpoint_name(h, ep, n);
}

int
hiddenzone_build(struct topology *t, struct zb *b, struct diag *d)
{
	struct hz h = { t, b, d };
	unsigned before = d->errors;
	if (hiddenzone_views(t, b, d) < 0)
		return -1;
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next) {
		if (hiddenzone_endpoint_serves(ep))
			warn_private_dns_off(d, ep);
		hiddenzone_each_name(ep, d, build_name, &h);
	}
	return d->errors > before ? -1 : 0;
}
