/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_vpce.c - the ec2 family's VPC endpoints: read describe-vpc-endpoints, gather their ENIs, derive addresses and names. */
#include "config.h"
#include "defs_ec2.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"
#include "hiddenzone.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- reading ---- */

/** An endpoint as written. */
struct ep_in {
	struct topo_endpoint ep;
	int private_dns;
	bool bad_type;
	const struct doc_node *enis;
};

static void
read_type(struct reader *r, const struct doc_node *v, void *obj)
{
	static const struct {
		const char *name;
		enum ep_type type;
	} types[] = {
		{ "Interface", EP_INTERFACE }, { "Gateway", EP_GATEWAY },
		{ "GatewayLoadBalancer", EP_GATEWAY_LOAD_BALANCER },
		{ "Resource", EP_RESOURCE }, { "ServiceNetwork", EP_SERVICE_NETWORK },
	};
	struct ep_in *in = obj;
	const char *s = defs_str_value(r, v, "VpcEndpointType", "an endpoint");
	if (!s)
		return;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(s, types[i].name) == 0) {
			in->ep.type = types[i].type;
			return;
		}
	}
	diag_error(r->d, r->file, v->line, "endpoint: VpcEndpointType '%s' is not Interface, "
		"Gateway, GatewayLoadBalancer, Resource or ServiceNetwork", s);
	in->bad_type = true;
}

static void
read_ip_address_type(struct reader *r, const struct doc_node *v, void *obj)
{
	struct ep_in *in = obj;
	const char *s = defs_str_value(r, v, "IpAddressType", "an endpoint");
	if (!s)
		return;
	if (strcmp(s, "ipv4") == 0)
		in->ep.ip_address_type = IPF_V4;
	else if (strcmp(s, "ipv6") == 0)
		in->ep.ip_address_type = IPF_V6;
	else if (strcmp(s, "dualstack") == 0)
		in->ep.ip_address_type = IPF_V4 | IPF_V6;
	else
		diag_error(r->d, r->file, v->line,
			"endpoint: IpAddressType '%s' is not ipv4, ipv6 or dualstack", s);
}

static void
read_record_ip_type(struct reader *r, const struct doc_node *v, void *obj)
{
	static const struct {
		const char *name;
		enum dns_record_ip_type type;
	} types[] = {
		{ "ipv4", DRT_IPV4 }, { "ipv6", DRT_IPV6 }, { "dualstack", DRT_DUALSTACK },
		{ "service-defined", DRT_SERVICE_DEFINED }, { "not-specified", DRT_UNSET },
	};
	struct ep_in *in = obj;
	const char *s = defs_str_value(r, v, "DnsRecordIpType", "DnsOptions");
	if (!s)
		return;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(s, types[i].name) == 0) {
			in->ep.dns_record_ip_type = types[i].type;
			return;
		}
	}
	diag_error(r->d, r->file, v->line, "DnsOptions: DnsRecordIpType '%s' is not ipv4, ipv6, "
		"dualstack or service-defined", s);
}

static const struct defs_field dns_options_fields[] = {
	DEFS_FUNC("DnsRecordIpType", read_record_ip_type),
	DEFS_F(struct ep_in, "PrivateDnsOnlyForInboundResolverEndpoint", DEFS_BOOL,
		ep.inbound_only),
	DEFS_IGNORED("PrivateDnsPreference"), DEFS_IGNORED("PrivateDnsSpecifiedDomains"),
	DEFS_END
};
static const struct defs_object dns_options_object = { "DnsOptions", dns_options_fields };

static void
read_dns_options(struct reader *r, const struct doc_node *v, void *obj)
{
	struct ep_in *in = obj;
	if (v->kind != DOC_MAP) {
		diag_error(r->d, r->file, v->line, "an endpoint: DnsOptions must be a mapping");
		return;
	}
	in->ep.dns_options_line = v->line;
	defs_read_object(r, v, &dns_options_object, in);
}

#define EP(name, kind, m) DEFS_F(struct ep_in, name, kind, m)
static const struct defs_field endpoint_fields[] = {
	EP("VpcEndpointId", DEFS_STR, ep.id),
	DEFS_FUNC("VpcEndpointType", read_type),
	DEFS_R(struct ep_in, "VpcId", DEFS_STR, ep.vpc_id),
	DEFS_R(struct ep_in, "ServiceName", DEFS_STR, ep.service_name),
	EP("State", DEFS_STR, ep.state),
	EP("ServiceRegion", DEFS_STR, ep.service_region),
	DEFS_FUNC("IpAddressType", read_ip_address_type),
	DEFS_FUNC("DnsOptions", read_dns_options),
	EP("PrivateDnsEnabled", DEFS_BOOL, private_dns),
	DEFS_L(struct ep_in, "SubnetIds", ep.subnet_ids, ep.n_subnet_ids, NULL),
	DEFS_L(struct ep_in, "NetworkInterfaceIds", ep.eni_ids, ep.n_eni_ids, NULL),
	DEFS_L(struct ep_in, "DnsEntries", ep.dns_names, ep.n_dns_names, "DnsName"),
	EP("NetworkInterfaces", DEFS_SEQ, enis),
	DEFS_IGNORED("PolicyDocument"), DEFS_IGNORED("RouteTableIds"), DEFS_IGNORED("Groups"),
	DEFS_IGNORED("RequesterManaged"), DEFS_IGNORED("CreationTimestamp"),
	DEFS_IGNORED("Tags"), DEFS_IGNORED("OwnerId"), DEFS_IGNORED("LastError"),
	DEFS_IGNORED("Ipv4Prefixes"), DEFS_IGNORED("Ipv6Prefixes"),
	DEFS_IGNORED("FailureReason"), DEFS_IGNORED("ServiceNetworkArn"),
	DEFS_IGNORED("ResourceConfigurationArn"),
	DEFS_END
};
#undef EP
static const struct defs_object endpoint_object = { "an endpoint", endpoint_fields };

static const struct src *
endpoint_src(void *p)
{
	return &((struct topo_endpoint *)p)->src;
}

/* ENIs written inside the endpoint: theirs, attached (ids made up later). */
static void
read_inline_enis(struct reader *r, const struct doc_node *list, struct topo_endpoint *ep)
{
	if (!list || list->count == 0)
		return;
	ep->enis = defs_alloc(r, list, list->count * sizeof(*ep->enis));
	bool nested = r->nested;
	r->nested = true;
	for (size_t i = 0; ep->enis && i < list->count; i++) {
		struct topo_eni *e = defs_ec2_read_eni(r, list->items[i], ep->vpc_id);
		if (!e)
			continue;
		e->endpoint = ep;
		if (!e->status)
			e->status = "in-use";
		ep->enis[ep->n_enis++] = e;
	}
	r->nested = nested;
}

void
defs_vpce_read_endpoint(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	struct topology *t = r->t;
	struct ep_in in = {
		.ep = { .vpc_id = vpc_id, .inbound_only = TRI_UNSET },
	};
	if (!defs_read_object(r, n, &endpoint_object, &in))
		return;
	struct topo_endpoint *ep = defs_alloc(r, n, sizeof(*ep));
	if (!ep)
		return;
	*ep = in.ep;
	ep->src = defs_src_at(r, n);
	/* the API's default for interface endpoints is true */
	ep->private_dns = in.private_dns == TRI_UNSET ? ep->type == EP_INTERFACE :
		in.private_dns == TRI_YES;
	read_inline_enis(r, in.enis, ep);
	if (!ep->vpc_id || !ep->service_name || in.bad_type)
		return;
	if (ep->id && !defs_register_id(r, &t->endpoint_by_id, ep->id, ep, &ep->src, endpoint_src,
		    "endpoint"))
		return;
	*t->endpoints_tail = ep;
	t->endpoints_tail = &ep->next;
	t->n_endpoints++;
}

/* ---- ENIs named by their Description ---- */

/** ENIs by the endpoint their Description names ("VPC Endpoint Interface
 * vpce-…"), in definition order: scanning every ENI for every endpoint is
 * quadratic in a large world. */
struct described {
	struct described_eni {
		struct topo_eni *e;
		size_t pos;
	} *v;
	size_t n;
	struct strmap first;		/**< endpoint id -> its first entry in v */
};

static int
described_cmp(const void *pa, const void *pb)
{
	const struct described_eni *a = pa, *b = pb;
	int c = strcmp(a->e->endpoint_id, b->e->endpoint_id);
	return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

static bool
described_build(struct topology *t, struct described *ds)
{
	size_t n = 0;
	for (struct topo_eni *e = t->enis; e; e = e->next)
		n += e->endpoint_id != NULL;
	ds->v = malloc((n ? n : 1) * sizeof(*ds->v));
	if (!ds->v)
		return false;
	for (struct topo_eni *e = t->enis; e; e = e->next) {
		if (!e->endpoint_id)
			continue;
		ds->v[ds->n].e = e;
		ds->v[ds->n].pos = ds->n;
		ds->n++;
	}
	qsort(ds->v, ds->n, sizeof(*ds->v), described_cmp);
	for (size_t i = 0; i < ds->n; i++)	/* a key keeps its first entry */
		if (!strmap_put(&ds->first, ds->v[i].e->endpoint_id, &ds->v[i]))
			return false;
	return true;
}

static void
described_free(struct described *ds)
{
	free(ds->v);
	strmap_clear(&ds->first);
}

/* The ENIs naming an endpoint: *n of them from the returned entry. */
static const struct described_eni *
described_of(const struct described *ds, const char *endpoint_id, unsigned *n)
{
	const struct described_eni *first = strmap_get(&ds->first, endpoint_id);
	*n = 0;
	for (const struct described_eni *p = first; first && p < ds->v + ds->n &&
	     strcmp(p->e->endpoint_id, endpoint_id) == 0; p++)
		(*n)++;
	return first;
}

/* ---- gathering an endpoint's ENIs ---- */

static bool
eni_listed(const struct topo_endpoint *ep, const struct topo_eni *e)
{
	for (unsigned i = 0; i < ep->n_enis; i++)
		if (ep->enis[i] == e)
			return true;
	return false;
}

static bool
subnet_covered(const struct topo_endpoint *ep, const struct topo_subnet *s)
{
	for (unsigned i = 0; i < ep->n_enis; i++)
		if (ep->enis[i]->subnet == s)
			return true;
	return false;
}

/* An ENI that dnsd makes up for an endpoint subnet nothing describes. */
static struct topo_eni *
generated_eni(struct topology *t, struct topo_endpoint *ep, struct topo_subnet *s)
{
	struct topo_eni *e = arena_zalloc(t->arena, sizeof(*e));
	if (!e)
		return NULL;
	e->id = topology_stable_id(t, &t->eni_by_id, "eni-", ep->id, s->id, 0);
	e->subnet = s;
	e->subnet_id = s->id;
	e->vpc_id = s->vpc_id;
	e->az = s->az;
	e->status = "in-use";
	e->healthy = TRI_UNSET;
	e->generated = true;
	e->src = ep->src;
	e->endpoint = ep;
	return e;
}

/* Inline ENIs first, with ids made up where they have none. */
static bool
gather_inline(struct topology *t, struct topo_endpoint *ep, unsigned room, struct diag *d)
{
	struct topo_eni **enis = arena_zalloc(t->arena, (room ? room : 1) * sizeof(*enis));
	if (!enis) {
		diag_error(d, ep->src.file, ep->src.line, "out of memory");
		return false;
	}
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		if (!e->id) {
			e->id = topology_stable_id(t, &t->eni_by_id, "eni-", ep->id, e->az ? e->az : "", i);
			strmap_put(&t->eni_by_id, e->id, e);
		}
		enis[i] = e;
	}
	ep->enis = enis;
	return true;
}

/* The ENIs of NetworkInterfaceIds; returns how many are not defined. */
static unsigned
gather_listed(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	unsigned missing = 0;
	for (unsigned i = 0; i < ep->n_eni_ids; i++) {
		struct topo_eni *e = strmap_get(&t->eni_by_id, ep->eni_ids[i]);
		if (!e) {
			missing++;
			continue;
		}
		if (e->endpoint && e->endpoint != ep) {
			diag_error(d, ep->src.file, ep->src.line,
				"network interface %s belongs to endpoint %s already",
				e->id, e->endpoint->id);
			continue;
		}
		e->endpoint = ep;
		if (!eni_listed(ep, e))
			ep->enis[ep->n_enis++] = e;
	}
	return missing;
}

/* Without NetworkInterfaceIds: every ENI whose Description names it. */
static void
gather_described(struct topo_endpoint *ep, const struct described_eni *p, unsigned n)
{
	for (unsigned i = 0; ep->n_eni_ids == 0 && i < n; i++) {
		struct topo_eni *e = p[i].e;
		if (e->endpoint)
			continue;
		e->endpoint = ep;
		ep->enis[ep->n_enis++] = e;
	}
}

static void
report_missing(struct topo_endpoint *ep, unsigned missing, struct diag *d)
{
	if (missing && !ep->n_subnet_ids)
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s: %u of its NetworkInterfaceIds are not defined and it "
			"lists no SubnetIds; add the describe-network-interfaces output",
			ep->id, missing);
	else if (missing)
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s: %u of its NetworkInterfaceIds are not defined; "
			"addresses are derived from its subnets (add the "
			"describe-network-interfaces output to use the real ones)",
			ep->id, missing);
}

/* One made-up ENI per SubnetIds entry no ENI is in. */
static void
gather_subnets(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	for (unsigned i = 0; i < ep->n_subnet_ids; i++) {
		struct topo_subnet *s = strmap_get(&t->subnet_by_id, ep->subnet_ids[i]);
		if (!s) {
			if (!ep->n_enis)
				diag_error(d, ep->src.file, ep->src.line,
					"endpoint %s: subnet %s is not defined", ep->id,
					ep->subnet_ids[i]);
			continue;
		}
		if (subnet_covered(ep, s))
			continue;
		struct topo_eni *e = generated_eni(t, ep, s);
		if (e) {
			ep->enis[ep->n_enis++] = e;
			strmap_put(&t->eni_by_id, e->id, e);
		}
	}
}

/* Gather the endpoint's ENIs: inline, listed by id, named in their
 * Description, and one per remaining subnet; the list has room for all. */
static void
link_endpoint_enis(struct topology *t, const struct described *ds, struct topo_endpoint *ep,
	struct diag *d)
{
	unsigned n_described;
	const struct described_eni *described = described_of(ds, ep->id, &n_described);
	unsigned room = ep->n_enis + ep->n_eni_ids + ep->n_subnet_ids +
		(ep->n_eni_ids ? 0 : n_described);
	if (!gather_inline(t, ep, room, d))
		return;
	unsigned missing = gather_listed(t, ep, d);
	gather_described(ep, described, n_described);
	report_missing(ep, missing, d);
	gather_subnets(t, ep, d);
}

/* ---- addresses and names ---- */

/* A free host address in a subnet, stable for (endpoint, subnet). AWS
 * reserves the first four and the last address of every subnet. */
static bool
derive_address(struct addr_index *ix, const struct topo_eni *e, const struct netprefix *p,
	struct netaddr *out)
{
	unsigned host_bits = (unsigned)netaddr_len(&p->addr) * 8 - p->len;
	uint64_t span = host_bits >= 63 ? UINT64_MAX : (1ull << host_bits);
	if (span < 8)
		return false;
	uint64_t h = topology_stable_hash(e->endpoint ? e->endpoint->id : e->id, e->subnet->id, 7);
	for (unsigned tries = 0; tries < 64; tries++, h = topology_stable_hash(NULL, NULL, (unsigned)h)) {
		uint64_t host = 4 + h % (span - 5);
		*out = p->addr;
		size_t n = netaddr_len(out);
		for (size_t i = 0; i < 8 && i < n; i++)
			out->bytes[n - 1 - i] |= (uint8_t)(host >> (8 * i));
		if (!defs_ec2_addr_taken(ix, e->vpc_id, out))
			return true;
	}
	return false;
}

static void
fill_eni_addresses(struct topology *t, struct addr_index *ix, struct topo_eni *e,
	unsigned families, struct diag *d)
{
	if ((families & IPF_V4) && e->n_v4 == 0 && e->subnet && e->subnet->has_v4) {
		e->v4 = arena_zalloc(t->arena, sizeof(*e->v4));
		if (e->v4 && derive_address(ix, e, &e->subnet->v4, &e->v4[0])) {
			e->n_v4 = 1;
			defs_ec2_addr_claim(ix, e, &e->v4[0], d);
		} else {
			e->address_failed = true;
			diag_error(d, e->src.file, e->src.line, "subnet %s has no free IPv4 address "
				"left for a network interface of %s", e->subnet->id,
				e->endpoint ? e->endpoint->id : "an endpoint");
		}
	}
	if ((families & IPF_V6) && e->n_v6 == 0 && e->subnet && e->subnet->n_v6) {
		e->v6 = arena_zalloc(t->arena, sizeof(*e->v6));
		if (e->v6 && derive_address(ix, e, &e->subnet->v6[0], &e->v6[0])) {
			e->n_v6 = 1;
			defs_ec2_addr_claim(ix, e, &e->v6[0], d);
		}
	}
}

static const char *
family_name(unsigned f)
{
	return f == (IPF_V4 | IPF_V6) ? "dualstack" : f == IPF_V6 ? "ipv6" : "ipv4";
}

static const char *
record_type_name(enum dns_record_ip_type r)
{
	switch (r) {
	case DRT_IPV4: return "ipv4";
	case DRT_IPV6: return "ipv6";
	case DRT_DUALSTACK: return "dualstack";
	case DRT_SERVICE_DEFINED: return "service-defined";
	default: return "unset";
	}
}

/* IpAddressType from the addresses when left out; DnsRecordIpType defaults
 * to it; only the pairs AWS allows pass (facts §3). */
static void
resolve_address_types(struct topology *t, struct addr_index *ix, struct topo_endpoint *ep,
	struct diag *d)
{
	unsigned any = 0;
	for (unsigned i = 0; i < ep->n_enis; i++)
		any |= (ep->enis[i]->n_v4 ? IPF_V4 : 0) | (ep->enis[i]->n_v6 ? IPF_V6 : 0);
	if (!ep->ip_address_type)
		ep->ip_address_type = any ? any : IPF_V4;
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		fill_eni_addresses(t, ix, e, ep->ip_address_type, d);
		if (!e->address_failed && (((ep->ip_address_type & IPF_V4) && !e->n_v4) ||
		    ((ep->ip_address_type & IPF_V6) && !e->n_v6)))
			diag_error(d, e->src.file, e->src.line,
				"endpoint %s is %s, but its network interface %s has no %s address%s",
				ep->id, family_name(ep->ip_address_type), e->id,
				(ep->ip_address_type & IPF_V4) && !e->n_v4 ? "IPv4" : "IPv6",
				e->subnet ? "" : " and no known subnet to derive one from");
	}
	if (ep->dns_record_ip_type == DRT_UNSET)
		ep->dns_record_ip_type = ep->ip_address_type == IPF_V4 ? DRT_IPV4 :
			ep->ip_address_type == IPF_V6 ? DRT_IPV6 : DRT_DUALSTACK;
	bool ok = ep->ip_address_type == (IPF_V4 | IPF_V6) ||
		(ep->ip_address_type == IPF_V4 && ep->dns_record_ip_type == DRT_IPV4) ||
		(ep->ip_address_type == IPF_V6 && ep->dns_record_ip_type == DRT_IPV6);
	if (!ok)
		diag_error(d, ep->src.file, ep->dns_options_line ? ep->dns_options_line : ep->src.line,
			"endpoint %s: DnsRecordIpType %s is not allowed with IpAddressType %s "
			"(ipv4 allows ipv4, ipv6 allows ipv6, dualstack allows all)",
			ep->id, record_type_name(ep->dns_record_ip_type),
			family_name(ep->ip_address_type));
	if ((ep->ip_address_type & IPF_V6) && ep->service && !(ep->service->ip_types & IPF_V6))
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s is %s, but dnsd's catalog lists only IPv4 for %s",
			ep->id, family_name(ep->ip_address_type), ep->service_name);
}

/* The 8-character [a-z0-9] suffix of endpoint names (facts §1: random-looking). */
static const char *
stable_suffix(struct topology *t, const char *endpoint_id)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = topology_stable_hash(endpoint_id, "suffix", 0);
	char s[9];
	for (int i = 0; i < 8; i++) {
		s[i] = digits[h % 36];
		h /= 36;
	}
	s[8] = 0;
	return arena_strdup(t->arena, s);
}

/* Suffix and name domain from DnsEntries when given, else made up. */
static void
resolve_names(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	size_t idlen = strlen(ep->id);
	for (unsigned i = 0; i < ep->n_dns_names && !ep->suffix; i++) {
		const char *s = ep->dns_names[i];
		if (s[0] == '*' && s[1] == '.')
			s += 2;
		if (strncasecmp(s, ep->id, idlen) != 0 || s[idlen] != '-')
			continue;
		const char *rest = s + idlen + 1;
		const char *dot = strchr(rest, '.');
		if (dot && dot - rest == 8 && !memchr(rest, '-', 8)) {
			ep->suffix = arena_strndup(t->arena, rest, 8);
			if (!defs_emulator_dns_name(ep, ep->dns_names[i], dot + 1, d))
				ep->base_domain = arena_strdup(t->arena, dot + 1);
		}
	}
	if (!ep->suffix)
		ep->suffix = stable_suffix(t, ep->id);
	if (!ep->base_domain && ep->service)
		ep->base_domain = ep->service->base_domain;
}

static bool
name_listed(const char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return true;
	return false;
}

static bool
is_endpoint_name(const struct topo_endpoint *ep, const char *name)
{
	if (name[0] == '*' && name[1] == '.')
		name += 2;
	return strncasecmp(name, ep->id, strlen(ep->id)) == 0 || strstr(name, ".vpce.amazonaws.com");
}

/* The hidden zones' names: the service's PrivateDnsNames, plus any other
 * name its DnsEntries show. */
static void
resolve_private_names(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	const struct topo_service *s = ep->service;
	if (!ep->private_dns || !s)
		return;
	if (s->endpoint_service && !s->verified) {
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s: the private DNS name of %s is not verified; it is not served",
			ep->id, s->name);
		return;
	}
	ep->private_names = arena_zalloc(t->arena, (s->n_private + ep->n_dns_names + 1) *
		sizeof(char *));
	if (!ep->private_names)
		return;
	for (unsigned i = 0; i < s->n_private; i++)
		ep->private_names[ep->n_private++] = s->private_names[i];
	for (unsigned i = 0; i < ep->n_dns_names; i++) {
		const char *n = ep->dns_names[i];
		if (is_endpoint_name(ep, n) || name_listed(ep->private_names, ep->n_private, n))
			continue;
		char canon[1024];
		if (!dname_canonical_text(n, canon, sizeof(canon))) {
			diag_error(d, ep->src.file, ep->src.line,
				"endpoint %s: DnsEntries name '%s' is not a valid name", ep->id, n);
			continue;
		}
		ep->private_names[ep->n_private++] = n;
	}
}

static bool
vpc_has_gateway(const struct topology *t, const struct topo_endpoint *ep)
{
	for (const struct topo_endpoint *g = t->endpoints; g; g = g->next)
		if (g->type == EP_GATEWAY && g->vpc_id && !strcmp(g->vpc_id, ep->vpc_id) &&
		    !strcmp(g->service_name, ep->service_name))
			return true;
	return false;
}

/* S3's PrivateDnsOnlyForInboundResolverEndpoint (facts §3): on by
 * default when a gateway endpoint exists; on without one AWS refuses. */
static void
resolve_inbound_only(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	bool applies = ep->service && (ep->service->flags & 2) && ep->private_dns;
	if (!applies) {
		if (ep->inbound_only == TRI_YES)
			diag_error(d, ep->src.file, ep->src.line,
				"endpoint %s: PrivateDnsOnlyForInboundResolverEndpoint applies only "
				"to S3 interface endpoints with private DNS", ep->id);
		ep->inbound_only = TRI_NO;
		return;
	}
	bool gateway = vpc_has_gateway(t, ep);
	if (ep->inbound_only == TRI_UNSET)
		ep->inbound_only = gateway ? TRI_YES : TRI_NO;
	else if (ep->inbound_only == TRI_YES && !gateway)
		diag_error(d, ep->src.file, ep->src.line,
			"To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC %s "
			"must have a gateway endpoint for the service.", ep->vpc_id);
}

static bool
valid_endpoint_id(const char *id)
{
	size_t n = strlen(id);
	if (n < 6 || n > 40 || strncmp(id, "vpce-", 5) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return false;
	return true;
}

/* ---- resolving ---- */

/* The VPC and id of an endpoint; false (reported) when it cannot have names. */
static bool
resolve_identity(struct topology *t, struct topo_endpoint *ep, unsigned ordinal,
	struct diag *d)
{
	ep->vpc = strmap_get(&t->vpc_by_id, ep->vpc_id);
	if (!ep->vpc) {
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s is in VPC %s, which no definition describes",
			ep->id ? ep->id : ep->service_name, ep->vpc_id);
		return false;
	}
	if (!ep->state)
		ep->state = "available";
	if (!ep->id) {
		ep->id = topology_stable_id(t, &t->endpoint_by_id, "vpce-", ep->vpc_id,
			ep->service_name, ordinal);
		ep->id_generated = true;
		strmap_put(&t->endpoint_by_id, ep->id, ep);
	}
	if (!valid_endpoint_id(ep->id)) {
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint id '%s' is not 'vpce-' and lowercase letters and digits "
			"(it becomes part of DNS names)", ep->id);
		return false;
	}
	return true;
}

/* Its service and region; false when there is no DNS to model. */
static bool
resolve_service(struct topology *t, struct topo_endpoint *ep, struct diag *d)
{
	ep->service = defs_vpce_service_for(t, ep, d);
	if (!ep->service)
		return false;
	/* a cross-Region endpoint's service is in another region than its
	 * VPC (PL); the VPC's region comes from its subnets, else from here */
	const char *service_region = ep->service_region ? ep->service_region : ep->service->region;
	if (!ep->vpc->region && service_region) {
		ep->vpc->region = service_region;
		ep->vpc->region_src = ep->src;
	}
	ep->region = ep->vpc->region;
	if (ep->type != EP_INTERFACE) {
		if (ep->type != EP_GATEWAY)
			diag_warn(d, ep->src.file, ep->src.line,
				"endpoint %s: dnsd models no DNS for this endpoint type", ep->id);
		return false;	/* gateway endpoints change no DNS (facts §6) */
	}
	if (ep->service->types && !(ep->service->types & 1))
		diag_error(d, ep->src.file, ep->src.line,
			"endpoint %s: %s offers no interface endpoints", ep->id, ep->service_name);
	return true;
}

static void
check_endpoint_enis(struct topo_endpoint *ep, struct diag *d)
{
	for (unsigned i = 0; i < ep->n_enis; i++) {
		struct topo_eni *e = ep->enis[i];
		if (!e->vpc_id)
			e->vpc_id = ep->vpc_id;
		if (!e->az)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s of %s: give AvailabilityZone or SubnetId",
				e->id, ep->id);
		if (e->vpc_id && strcmp(e->vpc_id, ep->vpc_id) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in %s, but endpoint %s is in %s",
				e->id, e->vpc_id, ep->id, ep->vpc_id);
	}
}

/* What the endpoint's State leaves out of DNS (hiddenzone_state_of). */
static void
report_state(const struct topo_endpoint *ep, struct diag *d)
{
	switch (hiddenzone_state_of(ep->state)) {
	case HZ_STATE_ALL:
		break;
	case HZ_STATE_PUBLIC:
		if (ep->private_dns && ep->n_private)
			diag_warn(d, ep->src.file, ep->src.line, "endpoint %s is %s: its regional "
				"and zonal names answer, its private DNS names not until the "
				"provider accepts it", ep->id, ep->state);
		break;
	case HZ_STATE_NONE:
		diag_warn(d, ep->src.file, ep->src.line, "endpoint %s is %s: its names are not "
			"served", ep->id, ep->state);
		break;
	case HZ_STATE_UNKNOWN:
		diag_warn(d, ep->src.file, ep->src.line, "endpoint %s: State '%s' is not one dnsd "
			"knows (available, pending, pendingAcceptance, partial, rejected, failed, "
			"expired, deleting, deleted); its names are not served", ep->id, ep->state);
		break;
	}
}

static void
resolve_endpoint(struct topology *t, struct addr_index *ix, const struct described *ds,
	struct topo_endpoint *ep, unsigned ordinal, struct diag *d)
{
	if (!resolve_identity(t, ep, ordinal, d) || !resolve_service(t, ep, d))
		return;
	link_endpoint_enis(t, ds, ep, d);
	check_endpoint_enis(ep, d);
	resolve_address_types(t, ix, ep, d);
	resolve_names(t, ep, d);
	resolve_private_names(t, ep, d);
	resolve_inbound_only(t, ep, d);
	if (ep->n_enis == 0)
		diag_warn(d, ep->src.file, ep->src.line,
			"endpoint %s has no network interfaces: its names have no addresses", ep->id);
	report_state(ep, d);
}

/* Two private-DNS endpoints for one name in one VPC: AWS refuses the second. */
static void
check_private_conflicts(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next) {
		for (unsigned i = 0; i < ep->n_private; i++) {
			char canon[1024];
			if (!ep->vpc || !dname_canonical_text(ep->private_names[i], canon, sizeof(canon)))
				continue;
			const char *key = arena_printf(t->arena, "%s %s", ep->vpc_id, canon);
			struct topo_endpoint *old = key ? strmap_put(&seen, key, ep) : NULL;
			if (old && old != ep) {
				diag_error(d, ep->src.file, ep->src.line,
					"private-dns-enabled cannot be set because there is already a "
					"conflicting DNS domain for %s in the VPC %s (endpoint %s at %s:%u)",
					ep->private_names[i], ep->vpc_id, old->id, old->src.file,
					old->src.line);
				break;	/* once per endpoint, as AWS refuses it once */
			}
		}
	}
	strmap_clear(&seen);
}

void
defs_vpce_resolve(struct topology *t, struct addr_index *ix, struct diag *d)
{
	struct described ds = { NULL, 0, STRMAP_INIT };
	unsigned ordinal = 0;
	if (!described_build(t, &ds)) {
		diag_error(d, NULL, 0, "out of memory");
		described_free(&ds);
		return;
	}
	for (struct topo_endpoint *ep = t->endpoints; ep; ep = ep->next)
		resolve_endpoint(t, ix, &ds, ep, ordinal++, d);
	described_free(&ds);
	check_private_conflicts(t, d);
}
