/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs.c - read definition documents (AWS CLI output and the hand-written form) into the topology. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "doc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFS_MAX_FILE (1024u * 1024u * 1024u)	/* 1 GiB: beyond that, refuse */
#define DEFS_MAX_DEPTH 16			/* directory nesting */


/* Fields dnsd reads or knowingly ignores, per object; anything else gets
 * a warning, since a typo in a hand-written file would otherwise pass. */
static const char *const vpc_fields[] = {
	"VpcId", "CidrBlock", "CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet",
	"IsDefault", "Region", "EnableDnsSupport", "EnableDnsHostnames", "Subnets",
	"VpcEndpoints", "NetworkInterfaces", "DhcpOptionsId", "State", "OwnerId",
	"InstanceTenancy", "Tags", "BlockPublicAccessStates", "EncryptionControl", NULL
};
static const char *const subnet_fields[] = {
	"SubnetId", "VpcId", "AvailabilityZone", "AvailabilityZoneId", "CidrBlock",
	"Ipv6CidrBlockAssociationSet", "AvailableIpAddressCount", "DefaultForAz",
	"EnableLniAtDeviceIndex", "MapPublicIpOnLaunch", "MapCustomerOwnedIpOnLaunch",
	"CustomerOwnedIpv4Pool", "State", "OwnerId", "AssignIpv6AddressOnCreation",
	"Tags", "SubnetArn", "OutpostArn", "EnableDns64", "Ipv6Native",
	"PrivateDnsNameOptionsOnLaunch", "BlockPublicAccessStates", "Type",
	"Ipv4IpamPoolId", "Ipv6IpamPoolId", NULL
};
static const char *const eni_fields[] = {
	"NetworkInterfaceId", "SubnetId", "VpcId", "AvailabilityZone",
	"AvailabilityZoneId", "Description", "Status", "PrivateIpAddress",
	"PrivateIpAddresses", "Ipv6Address", "Ipv6Addresses", "Healthy",
	"Association", "Attachment", "ConnectionTrackingConfiguration", "Groups",
	"InterfaceType", "MacAddress", "OutpostArn", "OwnerId", "PrivateDnsName",
	"PublicDnsName", "PublicIpDnsNameOptions", "Ipv4Prefixes", "Ipv6Prefixes",
	"RequesterId", "RequesterManaged", "SourceDestCheck", "TagSet", "Tags",
	"DenyAllIgwTraffic", "Ipv6Native", "Operator", "AssociatedSubnets", NULL
};
static const char *const endpoint_fields[] = {
	"VpcEndpointId", "VpcEndpointType", "VpcId", "ServiceName", "State",
	"IpAddressType", "DnsOptions", "PrivateDnsEnabled", "SubnetIds",
	"NetworkInterfaceIds", "DnsEntries", "ServiceRegion", "NetworkInterfaces",
	"PolicyDocument", "RouteTableIds", "Groups", "RequesterManaged",
	"CreationTimestamp", "Tags", "OwnerId", "LastError", "Ipv4Prefixes",
	"Ipv6Prefixes", "FailureReason", "ServiceNetworkArn",
	"ResourceConfigurationArn", NULL
};
static const char *const dns_options_fields[] = {
	"DnsRecordIpType", "PrivateDnsOnlyForInboundResolverEndpoint",
	"PrivateDnsPreference", "PrivateDnsSpecifiedDomains", NULL
};
static const char *const service_fields[] = {
	"ServiceName", "ServiceId", "ServiceType", "ServiceRegion",
	"AvailabilityZoneIds", "AvailabilityZones", "Owner", "BaseEndpointDnsNames",
	"PrivateDnsName", "PrivateDnsNames", "VpcEndpointPolicySupported",
	"AcceptanceRequired", "ManagesVpcEndpoints", "PayerResponsibility", "Tags",
	"PrivateDnsNameVerificationState", "SupportedIpAddressTypes",
	"SupportedRegions", "RemoteAccessEnabled", NULL
};
static const char *const dnsd_fields[] = { "DefaultVpc", "Health", NULL };
static const char *const health_fields[] = {
	"AvailabilityZone", "NetworkInterfaceId", "VpcEndpointId", "Healthy", NULL
};

void
defs_check_fields(struct reader *r, const struct doc_node *obj, const char *const *known,
	const char *what)
{
	for (size_t i = 0; i < obj->count; i++) {
		const char *k = obj->pairs[i].key->str;
		const char *const *f = known;
		/* the first letter rules out most: a load checks millions of keys */
		while (*f && ((*f)[0] != k[0] || strcmp(*f, k) != 0))
			f++;
		if (!*f)
			diag_warn(r->d, r->file, obj->pairs[i].key->line,
				"unknown field '%s' in %s, ignored", k, what);
	}
}

const char *
defs_copy_str(struct reader *r, const char *s)
{
	return arena_strdup(r->t->arena, s);
}

/* A string field: NULL when absent or null; an error when of the wrong kind. */
const char *
defs_str_field(struct reader *r, const struct doc_node *obj, const char *key,
	bool required, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v)) {
		if (required)
			diag_error(r->d, r->file, obj->line, "%s has no %s", what, key);
		return NULL;
	}
	const char *s = doc_str(v);
	if (!s || !*s) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a non-empty string", what, key);
		return NULL;
	}
	return defs_copy_str(r, s);
}

/* A boolean field, also in describe-vpc-attribute's {"Value": b} shape. */
int
defs_bool_field(struct reader *r, const struct doc_node *obj, const char *key, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	bool b;
	if (!v || doc_is_null(v))
		return TRI_UNSET;
	if (v->kind == DOC_MAP && doc_get(v, "Value"))
		v = doc_get(v, "Value");
	if (!doc_bool(v, &b)) {
		diag_error(r->d, r->file, v->line, "%s: %s must be true or false", what, key);
		return TRI_UNSET;
	}
	return b ? TRI_YES : TRI_NO;
}

const struct doc_node *
defs_seq_field(struct reader *r, const struct doc_node *obj, const char *key, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v))
		return NULL;
	if (v->kind != DOC_SEQ) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a list", what, key);
		return NULL;
	}
	return v;
}

const struct doc_node *
defs_map_field(struct reader *r, const struct doc_node *obj, const char *key, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v))
		return NULL;
	if (v->kind != DOC_MAP) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a mapping", what, key);
		return NULL;
	}
	return v;
}

/* A list of strings, or of objects whose `member` is the string. */
const char **
defs_str_list(struct reader *r, const struct doc_node *obj, const char *key,
	const char *member, unsigned *n, const char *what)
{
	const struct doc_node *seq = defs_seq_field(r, obj, key, what);
	*n = 0;
	if (!seq || seq->count == 0)
		return NULL;
	const char **out = arena_alloc(r->t->arena, seq->count * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < seq->count; i++) {
		const struct doc_node *it = seq->items[i];
		const char *s = NULL;
		if (member && it->kind == DOC_MAP)
			s = defs_str_field(r, it, member, true, key);
		else if (doc_str(it) && *doc_str(it))
			s = defs_copy_str(r, doc_str(it));
		else
			diag_error(r->d, r->file, it->line, "%s: %s holds a %s where a string belongs",
				what, key, doc_kind_name(it->kind));
		if (s)
			out[(*n)++] = s;
	}
	return out;
}

bool
defs_parse_prefix(struct reader *r, const struct doc_node *at, const char *text,
	struct netprefix *out, const char *what)
{
	if (!netprefix_parse(text, false, out)) {
		diag_error(r->d, r->file, at->line, "%s: '%s' is not an address block (like %s)",
			what, text, strchr(text, ':') ? "2600:1f16:1234:5600::/56" : "10.0.0.0/16");
		return false;
	}
	return true;
}

/* Address blocks from a list of {member: "a/n"} (AWS association sets),
 * each error at its own line; appended to out (room for the list's size). */
static void
prefix_list(struct reader *r, const struct doc_node *obj, const char *key, const char *member,
	struct netprefix *out, unsigned *n, const char *what)
{
	const struct doc_node *seq = defs_seq_field(r, obj, key, what);
	for (size_t i = 0; seq && i < seq->count; i++) {
		const struct doc_node *it = seq->items[i];
		const struct doc_node *v = it->kind == DOC_MAP ? doc_get(it, member) : it;
		const char *text = v ? doc_str(v) : NULL;
		if (!text) {
			diag_error(r->d, r->file, it->line, "%s: %s entry has no %s", what, key, member);
			continue;
		}
		struct netprefix p;
		if (!defs_parse_prefix(r, v, text, &p, what))
			continue;
		bool dup = false;
		for (unsigned j = 0; j < *n; j++)
			dup |= out[j].len == p.len && netaddr_cmp(&out[j].addr, &p.addr) == 0;
		if (!dup)
			out[(*n)++] = p;
	}
}

static size_t
list_size(const struct doc_node *obj, const char *key)
{
	const struct doc_node *v = doc_get(obj, key);
	return v && v->kind == DOC_SEQ ? v->count : 0;
}

bool
defs_parse_addr(struct reader *r, unsigned line, const char *text, int family,
	struct netaddr *out, const char *what)
{
	if (!netaddr_parse(text, out) || (family && out->family != family)) {
		diag_error(r->d, r->file, line, "%s: '%s' is not an %s address", what, text,
			family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" : "IP");
		return false;
	}
	return true;
}

struct src
defs_src_at(struct reader *r, const struct doc_node *n)
{
	struct src s = { r->file, n->line };
	return s;
}

/* Register an object under its id; a second definition is an error. */
bool
defs_register_id(struct reader *r, struct strmap *map, const char *id, void *obj,
	const struct src *src_of_new, const struct src *(*src_of)(void *), const char *what)
{
	void *old = strmap_put(map, id, obj);
	if (old == obj)
		return true;
	if (!old) {
		diag_error(r->d, r->file, src_of_new->line, "out of memory");
		return false;
	}
	const struct src *prev = src_of(old);
	diag_error(r->d, r->file, src_of_new->line, "%s %s is defined twice (first at %s:%u)",
		what, id, prev->file, prev->line);
	return false;
}

static const struct src *vpc_src(void *p) { return &((struct topo_vpc *)p)->src; }
static const struct src *subnet_src(void *p) { return &((struct topo_subnet *)p)->src; }
static const struct src *eni_src(void *p) { return &((struct topo_eni *)p)->src; }
static const struct src *endpoint_src(void *p) { return &((struct topo_endpoint *)p)->src; }
static const struct src *service_src(void *p) { return &((struct topo_service *)p)->src; }

const struct doc_node *
defs_expect_map(struct reader *r, const struct doc_node *n, const char *what)
{
	if (n->kind != DOC_MAP) {
		diag_error(r->d, r->file, n->line, "%s must be a mapping, not a %s", what,
			doc_kind_name(n->kind));
		return NULL;
	}
	return n;
}

/* ---- subnets ---- */

static void
read_subnet(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	struct topology *t = r->t;
	if (!defs_expect_map(r, n, "a subnet"))
		return;
	defs_check_fields(r, n, subnet_fields, "a subnet");
	struct topo_subnet *s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return;
	s->src = defs_src_at(r, n);
	s->id = defs_str_field(r, n, "SubnetId", true, "a subnet");
	s->vpc_id = vpc_id ? vpc_id : defs_str_field(r, n, "VpcId", true, "a subnet");
	s->az = defs_str_field(r, n, "AvailabilityZone", true, "a subnet");
	s->az_id = defs_str_field(r, n, "AvailabilityZoneId", false, "a subnet");
	const char *cidr = defs_str_field(r, n, "CidrBlock", false, "a subnet");
	if (cidr)
		s->has_v4 = defs_parse_prefix(r, doc_get(n, "CidrBlock"), cidr, &s->v4, "a subnet");
	size_t n6 = list_size(n, "Ipv6CidrBlockAssociationSet");
	if (n6) {
		s->v6 = arena_zalloc(t->arena, n6 * sizeof(*s->v6));
		if (s->v6)
			prefix_list(r, n, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", s->v6,
				&s->n_v6, "a subnet");
	}
	if (!cidr && !n6)
		diag_error(r->d, r->file, n->line, "subnet %s has no CidrBlock or IPv6 block",
			s->id ? s->id : "?");
	if (!s->id || !s->vpc_id || !s->az)
		return;
	if (!defs_register_id(r, &t->subnet_by_id, s->id, s, &s->src, subnet_src, "subnet"))
		return;
	*t->subnets_tail = s;
	t->subnets_tail = &s->next;
	t->n_subnets++;
}

/* ---- network interfaces ---- */

/* "VPC Endpoint Interface vpce-0123…" names the endpoint that owns an ENI. */
static const char *
endpoint_from_description(struct reader *r, const char *desc)
{
	static const char prefix[] = "VPC Endpoint Interface ";
	if (!desc || strncmp(desc, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	return defs_copy_str(r, desc + sizeof(prefix) - 1);
}

static void
read_eni_addresses(struct reader *r, const struct doc_node *n, struct topo_eni *e)
{
	struct topology *t = r->t;
	const struct doc_node *list4 = defs_seq_field(r, n, "PrivateIpAddresses", "a network interface");
	const struct doc_node *list6 = defs_seq_field(r, n, "Ipv6Addresses", "a network interface");
	size_t cap4 = 1 + (list4 ? list4->count : 0), cap6 = 1 + (list6 ? list6->count : 0);
	e->v4 = arena_zalloc(t->arena, cap4 * sizeof(*e->v4));
	e->v6 = arena_zalloc(t->arena, cap6 * sizeof(*e->v6));
	if (!e->v4 || !e->v6)
		return;
	const char *primary = defs_str_field(r, n, "PrivateIpAddress", false, "a network interface");
	if (primary && defs_parse_addr(r, n->line, primary, AF_INET, &e->v4[0], "a network interface"))
		e->n_v4 = 1;
	for (size_t i = 0; list4 && i < list4->count; i++) {
		const struct doc_node *it = list4->items[i];
		const char *a = it->kind == DOC_MAP ?
			defs_str_field(r, it, "PrivateIpAddress", true, "PrivateIpAddresses") :
			doc_str(it);
		struct netaddr addr;
		if (!a || !defs_parse_addr(r, it->line, a, AF_INET, &addr, "a network interface"))
			continue;
		bool dup = false;
		for (unsigned j = 0; j < e->n_v4; j++)
			dup |= netaddr_cmp(&e->v4[j], &addr) == 0;
		if (!dup)
			e->v4[e->n_v4++] = addr;
	}
	const char *v6 = defs_str_field(r, n, "Ipv6Address", false, "a network interface");
	if (v6 && defs_parse_addr(r, n->line, v6, AF_INET6, &e->v6[0], "a network interface"))
		e->n_v6 = 1;
	for (size_t i = 0; list6 && i < list6->count; i++) {
		const struct doc_node *it = list6->items[i];
		const char *a = it->kind == DOC_MAP ?
			defs_str_field(r, it, "Ipv6Address", true, "Ipv6Addresses") : doc_str(it);
		struct netaddr addr;
		if (!a || !defs_parse_addr(r, it->line, a, AF_INET6, &addr, "a network interface"))
			continue;
		bool dup = false;
		for (unsigned j = 0; j < e->n_v6; j++)
			dup |= netaddr_cmp(&e->v6[j], &addr) == 0;
		if (!dup)
			e->v6[e->n_v6++] = addr;
	}
}

/* An ENI from describe-network-interfaces, or inline under an endpoint
 * (then its id may be left out and is generated later). */
static struct topo_eni *
read_eni(struct reader *r, const struct doc_node *n, const char *vpc_id, bool inline_eni)
{
	struct topology *t = r->t;
	if (!defs_expect_map(r, n, "a network interface"))
		return NULL;
	defs_check_fields(r, n, eni_fields, "a network interface");
	struct topo_eni *e = arena_zalloc(t->arena, sizeof(*e));
	if (!e)
		return NULL;
	e->src = defs_src_at(r, n);
	e->id = defs_str_field(r, n, "NetworkInterfaceId", !inline_eni, "a network interface");
	e->subnet_id = defs_str_field(r, n, "SubnetId", !inline_eni, "a network interface");
	e->vpc_id = defs_str_field(r, n, "VpcId", false, "a network interface");
	if (!e->vpc_id)
		e->vpc_id = vpc_id;
	e->az = defs_str_field(r, n, "AvailabilityZone", false, "a network interface");
	e->status = defs_str_field(r, n, "Status", false, "a network interface");
	e->endpoint_id = endpoint_from_description(r,
		defs_str_field(r, n, "Description", false, "a network interface"));
	e->healthy = defs_bool_field(r, n, "Healthy", "a network interface");
	read_eni_addresses(r, n, e);
	if (!inline_eni && !e->id)
		return NULL;
	if (e->id && !defs_register_id(r, &t->eni_by_id, e->id, e, &e->src, eni_src,
		    "network interface"))
		return NULL;
	*t->enis_tail = e;
	t->enis_tail = &e->next;
	t->n_enis++;
	return e;
}

/* ---- endpoints ---- */

static enum ep_type
parse_ep_type(struct reader *r, const struct doc_node *n, bool *ok)
{
	static const struct {
		const char *name;
		enum ep_type type;
	} types[] = {
		{ "Interface", EP_INTERFACE }, { "Gateway", EP_GATEWAY },
		{ "GatewayLoadBalancer", EP_GATEWAY_LOAD_BALANCER },
		{ "Resource", EP_RESOURCE }, { "ServiceNetwork", EP_SERVICE_NETWORK },
	};
	const char *s = defs_str_field(r, n, "VpcEndpointType", false, "an endpoint");
	*ok = true;
	if (!s)
		return EP_INTERFACE;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(s, types[i].name) == 0)
			return types[i].type;
	diag_error(r->d, r->file, doc_get(n, "VpcEndpointType")->line,
		"endpoint: VpcEndpointType '%s' is not Interface, Gateway, "
		"GatewayLoadBalancer, Resource or ServiceNetwork", s);
	*ok = false;
	return EP_INTERFACE;
}

static unsigned
parse_ip_address_type(struct reader *r, const struct doc_node *n)
{
	const char *s = defs_str_field(r, n, "IpAddressType", false, "an endpoint");
	if (!s)
		return 0;
	if (strcmp(s, "ipv4") == 0)
		return IPF_V4;
	if (strcmp(s, "ipv6") == 0)
		return IPF_V6;
	if (strcmp(s, "dualstack") == 0)
		return IPF_V4 | IPF_V6;
	diag_error(r->d, r->file, doc_get(n, "IpAddressType")->line,
		"endpoint: IpAddressType '%s' is not ipv4, ipv6 or dualstack", s);
	return 0;
}

static void
read_dns_options(struct reader *r, const struct doc_node *n, struct topo_endpoint *ep)
{
	const struct doc_node *o = defs_map_field(r, n, "DnsOptions", "an endpoint");
	ep->dns_record_ip_type = DRT_UNSET;
	ep->inbound_only = TRI_UNSET;
	if (!o)
		return;
	ep->dns_options_line = o->line;
	defs_check_fields(r, o, dns_options_fields, "DnsOptions");
	const char *s = defs_str_field(r, o, "DnsRecordIpType", false, "DnsOptions");
	if (s) {
		if (strcmp(s, "ipv4") == 0)
			ep->dns_record_ip_type = DRT_IPV4;
		else if (strcmp(s, "ipv6") == 0)
			ep->dns_record_ip_type = DRT_IPV6;
		else if (strcmp(s, "dualstack") == 0)
			ep->dns_record_ip_type = DRT_DUALSTACK;
		else if (strcmp(s, "service-defined") == 0)
			ep->dns_record_ip_type = DRT_SERVICE_DEFINED;
		else if (strcmp(s, "not-specified") != 0)
			diag_error(r->d, r->file, doc_get(o, "DnsRecordIpType")->line,
				"DnsOptions: DnsRecordIpType '%s' is not ipv4, ipv6, dualstack "
				"or service-defined", s);
	}
	ep->inbound_only = defs_bool_field(r, o, "PrivateDnsOnlyForInboundResolverEndpoint",
		"DnsOptions");
}

static void
read_inline_enis(struct reader *r, const struct doc_node *n, struct topo_endpoint *ep)
{
	const struct doc_node *list = defs_seq_field(r, n, "NetworkInterfaces", "an endpoint");
	if (!list || list->count == 0)
		return;
	ep->enis = arena_zalloc(r->t->arena, list->count * sizeof(*ep->enis));
	if (!ep->enis)
		return;
	for (size_t i = 0; i < list->count; i++) {
		struct topo_eni *e = read_eni(r, list->items[i], ep->vpc_id, true);
		if (!e)
			continue;
		e->endpoint = ep;
		if (!e->status)
			e->status = "in-use";
		ep->enis[ep->n_enis++] = e;
	}
}

static void
read_endpoint(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	struct topology *t = r->t;
	bool ok;
	if (!defs_expect_map(r, n, "an endpoint"))
		return;
	defs_check_fields(r, n, endpoint_fields, "an endpoint");
	struct topo_endpoint *ep = arena_zalloc(t->arena, sizeof(*ep));
	if (!ep)
		return;
	ep->src = defs_src_at(r, n);
	ep->id = defs_str_field(r, n, "VpcEndpointId", false, "an endpoint");
	ep->type = parse_ep_type(r, n, &ok);
	ep->vpc_id = vpc_id ? vpc_id : defs_str_field(r, n, "VpcId", true, "an endpoint");
	ep->service_name = defs_str_field(r, n, "ServiceName", true, "an endpoint");
	ep->state = defs_str_field(r, n, "State", false, "an endpoint");
	ep->service_region = defs_str_field(r, n, "ServiceRegion", false, "an endpoint");
	ep->ip_address_type = parse_ip_address_type(r, n);
	read_dns_options(r, n, ep);
	int pdns = defs_bool_field(r, n, "PrivateDnsEnabled", "an endpoint");
	/* the API's default for interface endpoints is true */
	ep->private_dns = pdns == TRI_UNSET ? ep->type == EP_INTERFACE : pdns == TRI_YES;
	ep->subnet_ids = defs_str_list(r, n, "SubnetIds", NULL, &ep->n_subnet_ids, "an endpoint");
	ep->eni_ids = defs_str_list(r, n, "NetworkInterfaceIds", NULL, &ep->n_eni_ids, "an endpoint");
	ep->dns_names = defs_str_list(r, n, "DnsEntries", "DnsName", &ep->n_dns_names, "an endpoint");
	read_inline_enis(r, n, ep);
	if (!ep->vpc_id || !ep->service_name || !ok)
		return;
	if (ep->id && !defs_register_id(r, &t->endpoint_by_id, ep->id, ep, &ep->src, endpoint_src,
		    "endpoint"))
		return;
	*t->endpoints_tail = ep;
	t->endpoints_tail = &ep->next;
	t->n_endpoints++;
}

/* ---- services (describe-vpc-endpoint-services) ---- */

static void
read_service(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	if (!defs_expect_map(r, n, "a service"))
		return;
	defs_check_fields(r, n, service_fields, "a service");
	struct topo_service *s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return;
	s->src = defs_src_at(r, n);
	s->name = defs_str_field(r, n, "ServiceName", true, "a service");
	unsigned n_types = 0, n_base = 0, n_priv = 0, n_ip = 0;
	const char **types = defs_str_list(r, n, "ServiceType", "ServiceType", &n_types, "a service");
	for (unsigned i = 0; i < n_types; i++) {
		if (strcmp(types[i], "Interface") == 0)
			s->types |= 1;
		else if (strcmp(types[i], "Gateway") == 0)
			s->types |= 2;
	}
	if (!s->types)
		s->types = 1;
	const char **base = defs_str_list(r, n, "BaseEndpointDnsNames", NULL, &n_base, "a service");
	if (n_base)
		s->base_domain = base[0];
	const char **priv = defs_str_list(r, n, "PrivateDnsNames", "PrivateDnsName", &n_priv, "a service");
	const char *one = defs_str_field(r, n, "PrivateDnsName", false, "a service");
	if (!n_priv && one) {
		priv = arena_alloc(t->arena, sizeof(*priv));
		if (priv) {
			priv[0] = one;
			n_priv = 1;
		}
	}
	s->private_names = priv;
	s->n_private = n_priv;
	const char **ips = defs_str_list(r, n, "SupportedIpAddressTypes", NULL, &n_ip, "a service");
	for (unsigned i = 0; i < n_ip; i++) {
		if (strcmp(ips[i], "ipv4") == 0)
			s->ip_types |= IPF_V4;
		else if (strcmp(ips[i], "ipv6") == 0)
			s->ip_types |= IPF_V6;
	}
	if (!s->ip_types)
		s->ip_types = IPF_V4;
	const char *state = defs_str_field(r, n, "PrivateDnsNameVerificationState", false, "a service");
	s->verified = !state || strcmp(state, "verified") == 0;
	s->region = defs_str_field(r, n, "ServiceRegion", false, "a service");
	if (!s->name)
		return;
	if (!defs_register_id(r, &t->service_by_name, s->name, s, &s->src, service_src, "service"))
		return;
	*t->services_tail = s;
	t->services_tail = &s->next;
	t->n_services++;
}

/* ---- VPCs ---- */

static void
read_vpc_cidrs(struct reader *r, const struct doc_node *n, struct topo_vpc *v)
{
	size_t room = 1 + list_size(n, "CidrBlockAssociationSet") +
		list_size(n, "Ipv6CidrBlockAssociationSet");
	v->cidrs = arena_zalloc(r->t->arena, room * sizeof(*v->cidrs));
	if (!v->cidrs)
		return;
	const char *primary = defs_str_field(r, n, "CidrBlock", false, "a VPC");
	if (primary && defs_parse_prefix(r, doc_get(n, "CidrBlock"), primary, &v->cidrs[0], "a VPC"))
		v->n_cidrs = 1;
	prefix_list(r, n, "CidrBlockAssociationSet", "CidrBlock", v->cidrs, &v->n_cidrs, "a VPC");
	prefix_list(r, n, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", v->cidrs, &v->n_cidrs,
		"a VPC");
}

static void
read_children(struct reader *r, const struct doc_node *n, const char *key, const char *vpc_id,
	void (*fn)(struct reader *, const struct doc_node *, const char *))
{
	const struct doc_node *list = defs_seq_field(r, n, key, "a VPC");
	for (size_t i = 0; list && i < list->count; i++)
		fn(r, list->items[i], vpc_id);
}

static void
read_eni_child(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	read_eni(r, n, vpc_id, false);
}

static void
read_vpc(struct reader *r, const struct doc_node *n, const char *unused)
{
	struct topology *t = r->t;
	(void)unused;
	if (!defs_expect_map(r, n, "a VPC"))
		return;
	defs_check_fields(r, n, vpc_fields, "a VPC");
	struct topo_vpc *v = arena_zalloc(t->arena, sizeof(*v));
	if (!v)
		return;
	v->src = defs_src_at(r, n);
	v->id = defs_str_field(r, n, "VpcId", true, "a VPC");
	v->region = defs_str_field(r, n, "Region", false, "a VPC");
	if (v->region)
		v->region_src = defs_src_at(r, doc_get(n, "Region"));
	v->dns_support = defs_bool_field(r, n, "EnableDnsSupport", "a VPC");
	v->dns_hostnames = defs_bool_field(r, n, "EnableDnsHostnames", "a VPC");
	int def = defs_bool_field(r, n, "IsDefault", "a VPC");
	v->is_default = def == TRI_YES;
	v->view = -1;
	v->inbound_view = -1;
	read_vpc_cidrs(r, n, v);
	if (!v->id)
		return;
	if (!defs_register_id(r, &t->vpc_by_id, v->id, v, &v->src, vpc_src, "VPC"))
		return;
	*t->vpcs_tail = v;
	t->vpcs_tail = &v->next;
	t->n_vpcs++;
	read_children(r, n, "Subnets", v->id, read_subnet);
	read_children(r, n, "VpcEndpoints", v->id, read_endpoint);
	read_children(r, n, "NetworkInterfaces", v->id, read_eni_child);
}

/* describe-vpc-attribute: {"VpcId": …, "EnableDnsSupport": {"Value": …}} */
static void
read_vpc_attribute(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	struct topo_attr *a = arena_zalloc(t->arena, sizeof(*a));
	if (!a)
		return;
	a->src = defs_src_at(r, n);
	a->vpc_id = defs_str_field(r, n, "VpcId", true, "a VPC attribute");
	a->dns_support = defs_bool_field(r, n, "EnableDnsSupport", "a VPC attribute");
	a->dns_hostnames = defs_bool_field(r, n, "EnableDnsHostnames", "a VPC attribute");
	for (size_t i = 0; i < n->count; i++) {
		const char *k = n->pairs[i].key->str;
		if (strcmp(k, "VpcId") && strcmp(k, "EnableDnsSupport") &&
		    strcmp(k, "EnableDnsHostnames"))
			diag_warn(r->d, r->file, n->pairs[i].key->line,
				"unknown field '%s' in a VPC attribute, ignored", k);
	}
	if (!a->vpc_id)
		return;
	*t->attrs_tail = a;
	t->attrs_tail = &a->next;
}

/* ---- dnsd's own settings ---- */

static void
read_health(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	if (!defs_expect_map(r, n, "a Health entry"))
		return;
	defs_check_fields(r, n, health_fields, "a Health entry");
	struct topo_health *h = arena_zalloc(t->arena, sizeof(*h));
	if (!h)
		return;
	h->src = defs_src_at(r, n);
	h->az = defs_str_field(r, n, "AvailabilityZone", false, "a Health entry");
	h->eni_id = defs_str_field(r, n, "NetworkInterfaceId", false, "a Health entry");
	h->endpoint_id = defs_str_field(r, n, "VpcEndpointId", false, "a Health entry");
	int healthy = defs_bool_field(r, n, "Healthy", "a Health entry");
	if (healthy == TRI_UNSET) {
		diag_error(r->d, r->file, n->line, "a Health entry needs Healthy: true or false");
		return;
	}
	if (!h->az && !h->eni_id && !h->endpoint_id) {
		diag_error(r->d, r->file, n->line,
			"a Health entry names no AvailabilityZone, NetworkInterfaceId or VpcEndpointId");
		return;
	}
	h->healthy = healthy == TRI_YES;
	*t->health_tail = h;
	t->health_tail = &h->next;
}

static void
read_dnsd(struct reader *r, const struct doc_node *n)
{
	struct topology *t = r->t;
	if (!defs_expect_map(r, n, "Dnsd"))
		return;
	defs_check_fields(r, n, dnsd_fields, "Dnsd");
	const char *def = defs_str_field(r, n, "DefaultVpc", false, "Dnsd");
	if (def) {
		if (t->default_vpc)
			diag_error(r->d, r->file, doc_get(n, "DefaultVpc")->line,
				"DefaultVpc is set twice (first at %s:%u)",
				t->default_vpc_src.file, t->default_vpc_src.line);
		else {
			t->default_vpc = def;
			t->default_vpc_src = defs_src_at(r, doc_get(n, "DefaultVpc"));
		}
	}
	const struct doc_node *list = defs_seq_field(r, n, "Health", "Dnsd");
	for (size_t i = 0; list && i < list->count; i++)
		read_health(r, list->items[i]);
}

/* ---- documents ---- */

static void
read_list(struct reader *r, const struct doc_node *v, const char *what,
	void (*fn)(struct reader *, const struct doc_node *, const char *))
{
	if (v->kind == DOC_MAP) {	/* create-* commands print one object */
		fn(r, v, NULL);
		return;
	}
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "%s must be a list", what);
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		fn(r, v->items[i], NULL);
}

void
defs_read_each(struct reader *r, const struct doc_node *v, const char *what,
	void (*fn)(struct reader *, const struct doc_node *, const struct doc_node *))
{
	if (v->kind == DOC_MAP) {	/* get-* and create-* print one object */
		fn(r, v, NULL);
		return;
	}
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "%s must be a list", what);
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		fn(r, v->items[i], NULL);
}

static void
read_eni_top(struct reader *r, const struct doc_node *n, const char *unused)
{
	(void)unused;
	read_eni(r, n, NULL, false);
}

static void
read_service_top(struct reader *r, const struct doc_node *n, const char *unused)
{
	(void)unused;
	read_service(r, n);
}

static bool
is_vpc_attribute_doc(const struct doc_node *doc)
{
	return doc_get(doc, "VpcId") &&
		(doc_get(doc, "EnableDnsSupport") || doc_get(doc, "EnableDnsHostnames"));
}

static void
read_document(struct reader *r, const struct doc_node *doc)
{
	if (doc->kind != DOC_MAP) {
		diag_error(r->d, r->file, doc->line,
			"a definitions document must be a mapping (like the AWS CLI prints)");
		return;
	}
	if (is_vpc_attribute_doc(doc)) {
		read_vpc_attribute(r, doc);
		return;
	}
	if (defs_r53_document(r, doc))
		return;
	for (size_t i = 0; i < doc->count; i++) {
		const char *k = doc->pairs[i].key->str;
		const struct doc_node *v = doc->pairs[i].value;
		if (!strcmp(k, "Vpcs") || !strcmp(k, "Vpc"))
			read_list(r, v, k, read_vpc);
		else if (!strcmp(k, "Subnets") || !strcmp(k, "Subnet"))
			read_list(r, v, k, read_subnet);
		else if (!strcmp(k, "VpcEndpoints") || !strcmp(k, "VpcEndpoint"))
			read_list(r, v, k, read_endpoint);
		else if (!strcmp(k, "NetworkInterfaces") || !strcmp(k, "NetworkInterface"))
			read_list(r, v, k, read_eni_top);
		else if (!strcmp(k, "ServiceDetails"))
			read_list(r, v, k, read_service_top);
		else if (!strcmp(k, "Dnsd"))
			read_dnsd(r, v);
		else if (defs_r53_member(r, doc, k, v) || defs_resolver_member(r, doc, k, v))
			continue;
		else if (!strcmp(k, "NextToken") || !strcmp(k, "ServiceNames") ||
			 !strcmp(k, "ClientToken"))
			continue;	/* paging and echo fields of the AWS CLI */
		else
			diag_error(r->d, r->file, doc->pairs[i].key->line,
				"unknown document key '%s' (dnsd reads Vpcs, Subnets, "
				"VpcEndpoints, NetworkInterfaces, ServiceDetails, "
				"describe-vpc-attribute output, HostedZones, "
				"ResourceRecordSets, ResolverRules, ResolverRuleAssociations, "
				"ResolverEndpoints, IpAddresses and Dnsd)", k);
	}
}

int
topology_load_buffer(struct topology *t, const char *name, const char *buf, size_t len,
	struct diag *d)
{
	struct reader r = { t, d, arena_strdup(t->arena, name), d->errors };
	struct arena *parse = arena_create(1 << 20);
	struct doc_node **docs;
	size_t ndocs;
	if (!parse || !r.file) {
		arena_free(parse);
		diag_error(d, name, 0, "out of memory");
		return -1;
	}
	if (doc_parse(parse, r.file, buf, len, &docs, &ndocs, d) == 0)
		for (size_t i = 0; i < ndocs; i++)
			read_document(&r, docs[i]);
	arena_free(parse);
	t->n_files++;
	return d->errors > r.errors_before ? -1 : 0;
}

/* The next directory of a path walked by open_walk: NUL-terminated in
 * place; NULL at the last component, which *last then holds. */
static char *
next_component(char **rest, char **last)
{
	char *p = *rest;
	while (*p == '/')
		p++;
	char *slash = strchr(p, '/');
	while (slash && slash[1] == '/')
		slash++;
	if (!slash || !slash[1]) {
		if (slash)
			*slash = 0;
		*last = p;
		return NULL;
	}
	*strchr(p, '/') = 0;
	*rest = slash + 1;
	return p;
}

/* A path longer than PATH_MAX, opened a directory at a time. */
static int
open_walk(int at, const char *path, int flags)
{
	char *copy = strdup(path), *rest = copy, *last = NULL, *dir;
	int fd = -1, saved;
	if (!copy)
		return -1;
	int cur = path[0] == '/' ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC) :
		openat(at, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (cur >= 0 && (dir = next_component(&rest, &last)) != NULL) {
		int next = *dir ? openat(cur, dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : dup(cur);
		saved = errno;
		close(cur);
		errno = saved;
		cur = next;
	}
	if (cur >= 0) {
		fd = openat(cur, *last ? last : ".", flags);
		saved = errno;
		close(cur);
		errno = saved;
	}
	saved = errno;
	free(copy);
	errno = saved;
	return fd;
}

int
defs_open(int at, const char *path, int flags)
{
	int fd = openat(at, path, flags | O_CLOEXEC);
	if (fd < 0 && errno == ENAMETOOLONG)
		fd = open_walk(at, path, flags | O_CLOEXEC);
	return fd;
}

char *
defs_read_fd(int fd, size_t max, size_t *len, struct stat *st, const char **why)
{
	if (fstat(fd, st) < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if ((unsigned long long)st->st_size > max) {
		*why = "file larger than 1 GiB";
		return NULL;
	}
	size_t size = (size_t)st->st_size, got = 0;
	char *buf = malloc(size + 1);
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (!buf || got != size) {
		*why = buf ? "cannot read the whole file" : "out of memory";
		free(buf);
		return NULL;
	}
	buf[size] = 0;
	*len = size;
	return buf;
}

/* Read one definitions file, found as name in directory at (path: for messages). */
static int
load_file_at(struct topology *t, int at, const char *name, const char *path, struct diag *d)
{
	struct stat st;
	const char *why = NULL;
	size_t size = 0;
	char *buf = NULL;
	int fd = defs_open(at, name, O_RDONLY);
	if (fd < 0)
		why = strerror(errno);
	else
		buf = defs_read_fd(fd, DEFS_MAX_FILE, &size, &st, &why);
	if (fd >= 0)
		close(fd);
	if (!buf) {
		diag_error(d, path, 0, "cannot read: %s", why);
		return -1;
	}
	int rc = topology_load_buffer(t, path, buf, size, d);
	free(buf);
	return rc;
}

int
topology_load_file(struct topology *t, const char *path, struct diag *d)
{
	return load_file_at(t, AT_FDCWD, path, path, d);
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool
is_definitions_file(const char *name)
{
	return has_suffix(name, ".json") || has_suffix(name, ".yaml") || has_suffix(name, ".yml");
}

static bool
is_zone_file(const char *name)
{
	return has_suffix(name, ".zone");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** The entries of a directory (hidden ones left out), sorted by name. */
struct dir_names {
	char **names;
	size_t n, cap;
};

static void
dir_names_free(struct dir_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

static bool
dir_names_add(struct dir_names *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nn = realloc(l->names, cap * sizeof(*nn));
		if (!nn)
			return false;
		l->names = nn;
		l->cap = cap;
	}
	l->names[l->n] = strdup(name);
	if (!l->names[l->n])
		return false;
	l->n++;
	return true;
}

/* Every name in the directory, or false (reported) when it cannot all be read. */
static bool
dir_names_read(DIR *dh, const char *path, struct dir_names *l, struct diag *d)
{
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dh))) {
		if (de->d_name[0] != '.' && !dir_names_add(l, de->d_name)) {
			diag_error(d, path, 0, "out of memory reading the directory");
			return false;
		}
		errno = 0;
	}
	if (errno) {
		diag_error(d, path, 0, "cannot read the directory: %s", strerror(errno));
		return false;
	}
	if (l->n)
		qsort(l->names, l->n, sizeof(*l->names), name_cmp);
	return true;
}

static int load_dir(struct topology *t, int at, const char *name, const char *path,
	struct diag *d, int depth);

/* One directory entry: a subdirectory, a definitions file or a zone file;
 * anything else is not dnsd's. Entries are opened relative to the
 * directory, so a path has no length limit. */
static int
load_entry(struct topology *t, int dir, const char *name, const char *path, struct diag *d,
	int depth)
{
	struct stat st;
	bool wanted = is_definitions_file(name), zone = is_zone_file(name);
	if (fstatat(dir, name, &st, 0) < 0) {
		if (errno == ENOENT && !wanted && !zone)
			return 0;	/* a dangling link that is not a definitions file */
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth < DEFS_MAX_DEPTH)
			return load_dir(t, dir, name, path, d, depth + 1);
		diag_error(d, path, 0, "directories nested more than %d deep", DEFS_MAX_DEPTH);
		return -1;
	}
	if (S_ISREG(st.st_mode) && wanted)
		return load_file_at(t, dir, name, path, d);
	/* zone files wait until every document is read: their hosted zone
	 * may be declared in a later file */
	if (S_ISREG(st.st_mode) && zone && topology_defer_zone_file(t, path) < 0) {
		diag_error(d, path, 0, "out of memory");
		return -1;
	}
	return 0;
}

static int
load_dir(struct topology *t, int at, const char *name, const char *path, struct diag *d,
	int depth)
{
	int fd = defs_open(at, name, O_RDONLY | O_DIRECTORY);
	DIR *dh = fd >= 0 ? fdopendir(fd) : NULL;
	struct dir_names l = { NULL, 0, 0 };
	int rc = 0;
	if (!dh) {
		diag_error(d, path, 0, "cannot read the definitions directory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!dir_names_read(dh, path, &l, d))
		rc = -1;
	for (size_t i = 0; i < l.n; i++) {
		char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, l.names[i]) < 0) {
			diag_error(d, path, 0, "out of memory");
			rc = -1;
			break;
		}
		if (load_entry(t, dirfd(dh), l.names[i], sub, d, depth) < 0)
			rc = -1;
		free(sub);
	}
	dir_names_free(&l);
	closedir(dh);
	return rc;
}

int
topology_defer_zone_file(struct topology *t, const char *path)
{
	struct topo_zone_file *f = arena_zalloc(t->arena, sizeof(*f));
	if (!f || !(f->path = arena_strdup(t->arena, path)))
		return -1;
	*t->zone_files_tail = f;
	t->zone_files_tail = &f->next;
	return 0;
}

int
topology_load_dir(struct topology *t, const char *dir, struct diag *d)
{
	unsigned errors = d->errors;
	int rc = load_dir(t, AT_FDCWD, dir, dir, d, 0);
	if (t->n_files == 0 && !t->zone_files && d->errors == errors) {
		/* most likely a wrong --zones, or files being rewritten */
		diag_error(d, dir, 0, "no definitions (*.json, *.yaml, *.yml) found");
		return -1;
	}
	for (struct topo_zone_file *f = t->zone_files; f; f = f->next)
		if (defs_load_zone_file(t, f->path, d) < 0)
			rc = -1;
	return rc;
}
