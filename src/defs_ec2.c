/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_ec2.c - the ec2 family: read VPCs, subnets, network interfaces and VPC attributes, and link them. */
#include "config.h"
#include "defs_ec2.h"

#include "arena.h"
#include "catalog.h"
#include "diag.h"
#include "doc.h"

#include <stdlib.h>
#include <string.h>

/* ---- VPCs ---- */

/** A VPC as written: the model's object and what becomes part of it. */
struct vpc_in {
	struct topo_vpc v;
	int is_default;
	const struct doc_node *cidr, *v4_set, *v6_set;
	const struct doc_node *subnets, *endpoints, *enis;
};

static void
read_vpc_region(struct reader *r, const struct doc_node *v, void *obj)
{
	struct vpc_in *in = obj;
	in->v.region = defs_str_value(r, v, "Region", "a VPC");
	in->v.region_src = defs_src_at(r, v);
}

#define V(name, kind, m) DEFS_F(struct vpc_in, name, kind, m)
static const struct defs_field vpc_fields[] = {
	DEFS_R(struct vpc_in, "VpcId", DEFS_STR, v.id),
	DEFS_FUNC("Region", read_vpc_region),
	V("EnableDnsSupport", DEFS_BOOL, v.dns_support),
	V("EnableDnsHostnames", DEFS_BOOL, v.dns_hostnames),
	V("IsDefault", DEFS_BOOL, is_default),
	V("CidrBlock", DEFS_NODE, cidr),
	V("CidrBlockAssociationSet", DEFS_SEQ, v4_set),
	V("Ipv6CidrBlockAssociationSet", DEFS_SEQ, v6_set),
	V("Subnets", DEFS_NODE, subnets),	/* read once the VPC is in */
	V("VpcEndpoints", DEFS_NODE, endpoints),
	V("NetworkInterfaces", DEFS_NODE, enis),
	V("OwnerId", DEFS_STR, v.owner_id),
	V("DhcpOptionsId", DEFS_STR, v.dhcp_options_id),
	DEFS_IGNORED("State"),
	DEFS_IGNORED("InstanceTenancy"), DEFS_IGNORED("Tags"),
	DEFS_IGNORED("BlockPublicAccessStates"), DEFS_IGNORED("EncryptionControl"),
	DEFS_END
};
#undef V
static const struct defs_object vpc_object = { "a VPC", vpc_fields };

static const struct src *vpc_src(void *p) { return &((struct topo_vpc *)p)->src; }
static const struct src *subnet_src(void *p) { return &((struct topo_subnet *)p)->src; }
static const struct src *eni_src(void *p) { return &((struct topo_eni *)p)->src; }

static size_t
count_of(const struct doc_node *seq)
{
	return seq ? seq->count : 0;
}

/* An association set entry whose block is gone or never came: AWS keeps
 * listing it for a while with this state ("disassociated", "failed"). */
static bool
block_left(const struct doc_node *it)
{
	static const char *const keys[] = { "CidrBlockState", "Ipv6CidrBlockState" };
	for (size_t k = 0; k < 2; k++) {
		const struct doc_node *st = doc_get(it, keys[k]);
		const char *s = st && st->kind == DOC_MAP && doc_get(st, "State") ?
			doc_str(doc_get(st, "State")) : NULL;
		if (s && (!strcmp(s, "disassociated") || !strcmp(s, "disassociating") ||
			    !strcmp(s, "failed") || !strcmp(s, "failing")))
			return true;
	}
	return false;
}

/* Address blocks from a list of {member: "a/n"} (AWS association sets),
 * each error at its own line; appended to out (room for the list's size). */
static void
prefix_list(struct reader *r, const struct doc_node *seq, const char *key, const char *member,
	struct netprefix *out, unsigned *n, const char *what)
{
	for (size_t i = 0; seq && i < seq->count; i++) {
		const struct doc_node *it = seq->items[i];
		if (it->kind == DOC_MAP && block_left(it))
			continue;
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

/* A CidrBlock: the text, parsed; false (reported) when it is not one. */
static bool
cidr_of(struct reader *r, const struct doc_node *v, struct netprefix *out, const char *what)
{
	const char *text = defs_str_value(r, v, "CidrBlock", what);
	return text && defs_parse_prefix(r, v, text, out, what);
}

static void
read_vpc_cidrs(struct reader *r, const struct doc_node *n, const struct vpc_in *in,
	struct topo_vpc *v)
{
	size_t room = 1 + count_of(in->v4_set) + count_of(in->v6_set);
	v->cidrs = defs_alloc(r, n, room * sizeof(*v->cidrs));
	if (!v->cidrs)
		return;
	if (in->cidr && cidr_of(r, in->cidr, &v->cidrs[0], "a VPC"))
		v->n_cidrs = 1;
	prefix_list(r, in->v4_set, "CidrBlockAssociationSet", "CidrBlock", v->cidrs, &v->n_cidrs,
		"a VPC");
	prefix_list(r, in->v6_set, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", v->cidrs,
		&v->n_cidrs, "a VPC");
}

static void read_subnet(struct reader *r, const struct doc_node *n, const char *vpc_id);

/* Subnets, VpcEndpoints and NetworkInterfaces written inside a VPC. */
static void
read_children(struct reader *r, const struct vpc_in *in, const char *vpc_id)
{
	const struct doc_node *list;
	list = in->subnets ? defs_seq_value(r, in->subnets, "Subnets", "a VPC") : NULL;
	for (size_t i = 0; i < count_of(list); i++)
		read_subnet(r, list->items[i], vpc_id);
	list = in->endpoints ? defs_seq_value(r, in->endpoints, "VpcEndpoints", "a VPC") : NULL;
	for (size_t i = 0; i < count_of(list); i++)
		defs_vpce_read_endpoint(r, list->items[i], vpc_id);
	list = in->enis ? defs_seq_value(r, in->enis, "NetworkInterfaces", "a VPC") : NULL;
	for (size_t i = 0; i < count_of(list); i++)
		defs_ec2_read_eni(r, list->items[i], vpc_id);
}

static void
read_vpc(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct vpc_in in = { .v = { .view = -1, .inbound_view = -1 } };
	(void)doc;
	if (!defs_read_object(r, n, &vpc_object, &in))
		return;
	in.v.is_default = in.is_default == TRI_YES;
	struct topo_vpc *v = defs_alloc(r, n, sizeof(*v));
	if (!v)
		return;
	*v = in.v;
	v->src = defs_src_at(r, n);
	if (in.cidr || in.v4_set || in.v6_set)
		read_vpc_cidrs(r, n, &in, v);
	if (!v->id || !defs_register_id(r, &t->vpc_by_id, v->id, v, &v->src, vpc_src, "VPC"))
		return;
	*t->vpcs_tail = v;
	t->vpcs_tail = &v->next;
	t->n_vpcs++;
	read_children(r, &in, v->id);
}

/* ---- subnets ---- */

/** A subnet as written. */
struct subnet_in {
	struct topo_subnet s;
	const struct doc_node *cidr, *v6_set;
};

/* PrivateDnsNameOptionsOnLaunch: the hostname options instances launched
 * into the subnet get (EC2 User Guide, "Amazon EC2 instance hostname types"). */
static void
read_launch_names(struct reader *r, const struct doc_node *v, void *obj)
{
	struct subnet_in *in = obj;
	defs_ec2_read_name_options(r, v, "PrivateDnsNameOptionsOnLaunch", &in->s.hostname_type,
		&in->s.rn_a, &in->s.rn_aaaa);
}

#define S(name, kind, m) DEFS_F(struct subnet_in, name, kind, m)
static const struct defs_field subnet_fields[] = {
	DEFS_R(struct subnet_in, "SubnetId", DEFS_STR, s.id),
	DEFS_R(struct subnet_in, "VpcId", DEFS_STR, s.vpc_id),
	DEFS_R(struct subnet_in, "AvailabilityZone", DEFS_STR, s.az),
	S("AvailabilityZoneId", DEFS_STR, s.az_id),
	S("CidrBlock", DEFS_NODE, cidr),
	S("Ipv6CidrBlockAssociationSet", DEFS_SEQ, v6_set),
	S("EnableDns64", DEFS_BOOL, s.dns64),
	DEFS_FUNC("PrivateDnsNameOptionsOnLaunch", read_launch_names),
	DEFS_IGNORED("AvailableIpAddressCount"), DEFS_IGNORED("DefaultForAz"),
	DEFS_IGNORED("EnableLniAtDeviceIndex"), DEFS_IGNORED("MapPublicIpOnLaunch"),
	DEFS_IGNORED("MapCustomerOwnedIpOnLaunch"), DEFS_IGNORED("CustomerOwnedIpv4Pool"),
	DEFS_IGNORED("State"), DEFS_IGNORED("OwnerId"),
	DEFS_IGNORED("AssignIpv6AddressOnCreation"), DEFS_IGNORED("Tags"),
	DEFS_IGNORED("SubnetArn"), DEFS_IGNORED("OutpostArn"), DEFS_IGNORED("Ipv6Native"),
	DEFS_IGNORED("BlockPublicAccessStates"), DEFS_IGNORED("Type"),
	DEFS_IGNORED("Ipv4IpamPoolId"), DEFS_IGNORED("Ipv6IpamPoolId"),
	DEFS_END
};
#undef S
static const struct defs_object subnet_object = { "a subnet", subnet_fields };

static void
read_subnet(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	struct topology *t = r->t;
	struct subnet_in in = { .s = { .vpc_id = vpc_id, .dns64 = TRI_UNSET, .rn_a = TRI_UNSET,
		.rn_aaaa = TRI_UNSET } };
	if (!defs_read_object(r, n, &subnet_object, &in))
		return;
	struct topo_subnet *s = defs_alloc(r, n, sizeof(*s));
	if (!s)
		return;
	*s = in.s;
	s->src = defs_src_at(r, n);
	if (in.cidr)
		s->has_v4 = cidr_of(r, in.cidr, &s->v4, "a subnet");
	if (count_of(in.v6_set)) {
		s->v6 = defs_alloc(r, in.v6_set, in.v6_set->count * sizeof(*s->v6));
		prefix_list(r, s->v6 ? in.v6_set : NULL, "Ipv6CidrBlockAssociationSet",
			"Ipv6CidrBlock", s->v6, &s->n_v6, "a subnet");
	}
	if (!in.cidr && !count_of(in.v6_set))
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

/* ---- values AWS prints for EC2 objects ---- */

const char *
defs_ec2_str_or_empty(struct reader *r, const struct doc_node *v, const char *key,
	const char *what)
{
	const char *s = doc_str(v);
	if (!s || v->kind != DOC_SCALAR) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a string", what, key);
		return NULL;
	}
	return *s ? defs_copy_str(r, s) : NULL;
}

/** PrivateDnsNameOptions(OnLaunch) as written. */
struct name_opts {
	const char *type;
	int a, aaaa;
};

static const struct defs_field name_opt_fields[] = {
	DEFS_F(struct name_opts, "HostnameType", DEFS_STR, type),
	DEFS_F(struct name_opts, "EnableResourceNameDnsARecord", DEFS_BOOL, a),
	DEFS_F(struct name_opts, "EnableResourceNameDnsAAAARecord", DEFS_BOOL, aaaa),
	DEFS_END
};

void
defs_ec2_read_name_options(struct reader *r, const struct doc_node *v, const char *key,
	int *type, int *a, int *aaaa)
{
	struct name_opts o = { NULL, TRI_UNSET, TRI_UNSET };
	const struct defs_object obj = { key, name_opt_fields };
	if (!defs_read_object(r, v, &obj, &o))
		return;
	*a = o.a;
	*aaaa = o.aaaa;
	if (!o.type)
		return;
	if (!strcmp(o.type, "ip-name"))
		*type = HOSTNAME_IP_NAME;
	else if (!strcmp(o.type, "resource-name"))
		*type = HOSTNAME_RESOURCE_NAME;
	else
		diag_error(r->d, r->file, v->line, "%s: HostnameType '%s' is not ip-name or "
			"resource-name", key, o.type);
}

/* The PublicIp of an Association mapping, or NULL. */
static const char *
public_ip_of(struct reader *r, const struct doc_node *assoc)
{
	const struct doc_node *v = assoc && assoc->kind == DOC_MAP ? doc_get(assoc, "PublicIp") : NULL;
	return v && !doc_is_null(v) ? defs_ec2_str_or_empty(r, v, "PublicIp", "Association") : NULL;
}

static bool
add_public(struct reader *r, unsigned line, const char *pub, const char *priv,
	struct topo_public *out, unsigned *n)
{
	struct topo_public p;
	if (!pub || !priv || !defs_parse_addr(r, line, pub, AF_INET, &p.public_ip, "Association") ||
	    !defs_parse_addr(r, line, priv, AF_INET, &p.private_ip, "a network interface"))
		return false;
	for (unsigned i = 0; i < *n; i++)
		if (netaddr_cmp(&out[i].public_ip, &p.public_ip) == 0)
			return false;
	out[(*n)++] = p;
	return true;
}

bool
defs_ec2_read_publics(struct reader *r, const struct doc_node *assoc, const char *primary4,
	const struct doc_node *list4, struct topo_public **out, unsigned *n)
{
	size_t room = 1 + (list4 ? list4->count : 0);
	*n = 0;
	*out = NULL;
	if (!assoc && !list4)
		return true;
	struct topo_public *p = arena_zalloc(r->t->arena, room * sizeof(*p));
	if (!p) {
		diag_error(r->d, r->file, 0, "out of memory");
		return false;
	}
	if (assoc)
		add_public(r, assoc->line, public_ip_of(r, assoc), primary4, p, n);
	for (size_t i = 0; list4 && i < list4->count; i++) {
		const struct doc_node *it = list4->items[i];
		const struct doc_node *a = it->kind == DOC_MAP ? doc_get(it, "Association") : NULL;
		const struct doc_node *ip = a ? doc_get(it, "PrivateIpAddress") : NULL;
		if (a && ip)
			add_public(r, a->line, public_ip_of(r, a), doc_str(ip), p, n);
	}
	*out = *n ? p : NULL;
	return true;
}

/* ---- network interfaces ---- */

/** A network interface as written. */
struct eni_in {
	struct topo_eni e;
	const char *description, *primary4, *primary6;
	const struct doc_node *list4, *list6, *association;
};

/* Description: AWS prints "" for an instance's ENI. */
static void
read_description(struct reader *r, const struct doc_node *v, void *obj)
{
	((struct eni_in *)obj)->description = defs_ec2_str_or_empty(r, v, "Description",
		"a network interface");
}

static void
read_interface_type(struct reader *r, const struct doc_node *v, void *obj)
{
	((struct eni_in *)obj)->e.interface_type = defs_ec2_str_or_empty(r, v, "InterfaceType",
		"a network interface");
}

#define E(name, kind, m) DEFS_F(struct eni_in, name, kind, m)
static const struct defs_field eni_fields[] = {
	DEFS_RA(struct eni_in, "NetworkInterfaceId", DEFS_STR, e.id),
	DEFS_RA(struct eni_in, "SubnetId", DEFS_STR, e.subnet_id),
	E("VpcId", DEFS_STR, e.vpc_id),
	E("AvailabilityZone", DEFS_STR, e.az),
	E("Status", DEFS_STR, e.status),
	DEFS_FUNC("Description", read_description),
	DEFS_FUNC("InterfaceType", read_interface_type),
	E("Association", DEFS_MAP, association),
	E("Healthy", DEFS_BOOL, e.healthy),
	E("PrivateIpAddresses", DEFS_SEQ, list4),
	E("Ipv6Addresses", DEFS_SEQ, list6),
	E("PrivateIpAddress", DEFS_STR, primary4),
	E("Ipv6Address", DEFS_STR, primary6),
	DEFS_IGNORED("AvailabilityZoneId"),
	DEFS_IGNORED("Attachment"), DEFS_IGNORED("ConnectionTrackingConfiguration"),
	DEFS_IGNORED("Groups"), DEFS_IGNORED("MacAddress"),
	DEFS_IGNORED("OutpostArn"), DEFS_IGNORED("OwnerId"), DEFS_IGNORED("PrivateDnsName"),
	DEFS_IGNORED("PublicDnsName"), DEFS_IGNORED("PublicIpDnsNameOptions"),
	DEFS_IGNORED("Ipv4Prefixes"), DEFS_IGNORED("Ipv6Prefixes"),
	DEFS_IGNORED("RequesterId"), DEFS_IGNORED("RequesterManaged"),
	DEFS_IGNORED("SourceDestCheck"), DEFS_IGNORED("TagSet"), DEFS_IGNORED("Tags"),
	DEFS_IGNORED("DenyAllIgwTraffic"), DEFS_IGNORED("Ipv6Native"),
	DEFS_IGNORED("Operator"), DEFS_IGNORED("AssociatedSubnets"),
	DEFS_END
};
#undef E
static const struct defs_object eni_object = { "a network interface", eni_fields };

/* "VPC Endpoint Interface vpce-0123…" names the endpoint that owns an ENI
 * (EC2 User Guide, "Requester-managed network interfaces"). */
static const char *
endpoint_from_description(const char *desc)
{
	static const char prefix[] = "VPC Endpoint Interface ";
	if (!desc || strncmp(desc, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	return desc + sizeof(prefix) - 1;
}

/* Append an address unless the list holds it already. */
static void
add_unique(struct netaddr *list, unsigned *n, const struct netaddr *a)
{
	for (unsigned j = 0; j < *n; j++)
		if (netaddr_cmp(&list[j], a) == 0)
			return;
	list[(*n)++] = *a;
}

/* The primary address, then the list's ({key: a} or a), of one family. */
static void
read_addresses(struct reader *r, const struct doc_node *n, const char *primary,
	const struct doc_node *list, const char *key, int family, struct netaddr *out,
	unsigned *count)
{
	struct netaddr addr;
	if (primary && defs_parse_addr(r, n->line, primary, family, &addr, "a network interface"))
		out[(*count)++] = addr;
	for (size_t i = 0; list && i < list->count; i++) {
		const struct doc_node *it = list->items[i];
		const char *a = it->kind == DOC_MAP ? defs_str_field(r, it, key, true,
			family == AF_INET ? "PrivateIpAddresses" : "Ipv6Addresses") : doc_str(it);
		if (a && defs_parse_addr(r, it->line, a, family, &addr, "a network interface"))
			add_unique(out, count, &addr);
	}
}

static bool
eni_addresses(struct reader *r, const struct doc_node *n, const struct eni_in *in,
	struct topo_eni *e)
{
	e->v4 = defs_alloc(r, n, (1 + count_of(in->list4)) * sizeof(*e->v4));
	e->v6 = defs_alloc(r, n, (1 + count_of(in->list6)) * sizeof(*e->v6));
	if (!e->v4 || !e->v6)
		return false;
	read_addresses(r, n, in->primary4, in->list4, "PrivateIpAddress", AF_INET, e->v4,
		&e->n_v4);
	read_addresses(r, n, in->primary6, in->list6, "Ipv6Address", AF_INET6, e->v6, &e->n_v6);
	return defs_ec2_read_publics(r, in->association, in->primary4, in->list4, &e->publics,
		&e->n_publics);
}

struct topo_eni *
defs_ec2_read_eni(struct reader *r, const struct doc_node *n, const char *vpc_id)
{
	struct topology *t = r->t;
	struct eni_in in = { .e = { .healthy = TRI_UNSET } };
	if (!defs_read_object(r, n, &eni_object, &in))
		return NULL;
	struct topo_eni *e = defs_alloc(r, n, sizeof(*e));
	if (!e)
		return NULL;
	*e = in.e;
	e->src = defs_src_at(r, n);
	if (!e->vpc_id)
		e->vpc_id = vpc_id;
	e->endpoint_id = endpoint_from_description(in.description);
	if (!eni_addresses(r, n, &in, e) || (!r->nested && !e->id))
		return NULL;
	if (e->id && !defs_register_id(r, &t->eni_by_id, e->id, e, &e->src, eni_src,
		    "network interface"))
		return NULL;
	*t->enis_tail = e;
	t->enis_tail = &e->next;
	t->n_enis++;
	return e;
}

/* ---- describe-vpc-attribute: {"VpcId": …, "EnableDnsSupport": {"Value": …}} ---- */

static const struct defs_field attr_fields[] = {
	DEFS_R(struct topo_attr, "VpcId", DEFS_STR, vpc_id),
	DEFS_F(struct topo_attr, "EnableDnsSupport", DEFS_BOOL, dns_support),
	DEFS_F(struct topo_attr, "EnableDnsHostnames", DEFS_BOOL, dns_hostnames),
	DEFS_IGNORED("EnableNetworkAddressUsageMetrics"),
	DEFS_END
};
static const struct defs_object attr_object = { "a VPC attribute", attr_fields };

static bool
read_vpc_attribute(struct reader *r, const struct doc_node *doc)
{
	struct topology *t = r->t;
	if (!doc_get(doc, "VpcId") || !(doc_get(doc, "EnableDnsSupport") ||
	    doc_get(doc, "EnableDnsHostnames") || doc_get(doc, "EnableNetworkAddressUsageMetrics")))
		return false;
	struct topo_attr *a = defs_alloc(r, doc, sizeof(*a));
	if (!a)
		return true;
	defs_read_object(r, doc, &attr_object, a);
	a->src = defs_src_at(r, doc);
	if (!a->vpc_id)
		return true;
	*t->attrs_tail = a;
	t->attrs_tail = &a->next;
	return true;
}

/* ---- linking ---- */

/* Region of an AZ name: the longest known region it starts with
 * ("us-east-2a" -> "us-east-2", "us-west-2-lax-1a" -> "us-west-2"),
 * else the name without its trailing zone letters. */
static const char *
region_of_az(struct topology *t, const char *az)
{
	size_t n = strlen(az), best = 0;
	char *buf = arena_strdup(t->arena, az);	/* cut at each '-' in turn */
	if (n < 2 || !buf)
		return NULL;
	for (size_t len = 1; len < n; len++) {
		if (az[len] != '-' && len != n - 1)
			continue;
		buf[len] = 0;
		if (catalog_region_known(buf))
			best = len;
		buf[len] = az[len];
	}
	if (!best) {
		best = n;
		while (best > 0 && az[best - 1] >= 'a' && az[best - 1] <= 'z')
			best--;
	}
	buf[best] = 0;
	return best ? buf : NULL;
}

static bool
set_vpc_region(struct topo_vpc *v, const char *region, const char *kind, const char *id,
	const struct src *from, struct diag *d)
{
	if (!region)
		return true;
	if (!v->region) {
		v->region = region;
		v->region_src = *from;
		return true;
	}
	if (strcmp(v->region, region) == 0)
		return true;
	diag_error(d, from->file, from->line,
		"%s %s is in region %s, but VPC %s is in %s (from %s:%u)", kind, id, region,
		v->id, v->region, v->region_src.file, v->region_src.line);
	return false;
}

static void
apply_attributes(struct topology *t, struct diag *d)
{
	for (struct topo_attr *a = t->attrs; a; a = a->next) {
		struct topo_vpc *v = strmap_get(&t->vpc_by_id, a->vpc_id);
		if (!v) {
			diag_error(d, a->src.file, a->src.line,
				"VPC attribute for %s, which no definition describes", a->vpc_id);
			continue;
		}
		if (a->dns_support != TRI_UNSET)
			v->dns_support = a->dns_support;
		if (a->dns_hostnames != TRI_UNSET)
			v->dns_hostnames = a->dns_hostnames;
	}
	for (struct topo_vpc *v = t->vpcs; v; v = v->next) {
		/* AWS defaults: support on; hostnames off except in default VPCs */
		if (v->dns_support == TRI_UNSET)
			v->dns_support = TRI_YES;
		if (v->dns_hostnames == TRI_UNSET)
			v->dns_hostnames = v->is_default ? TRI_YES : TRI_NO;
		if (v->region && !catalog_region_known(v->region))
			diag_warn(d, v->region_src.file, v->region_src.line,
				"region '%s' is not one dnsd knows", v->region);
	}
}

static bool
vpc_contains_prefix(const struct topo_vpc *v, const struct netprefix *p)
{
	for (unsigned i = 0; i < v->n_cidrs; i++)
		if (v->cidrs[i].len <= p->len && netprefix_contains(&v->cidrs[i], &p->addr))
			return true;
	return false;
}

static void
link_subnets(struct topology *t, struct diag *d)
{
	for (struct topo_subnet *s = t->subnets; s; s = s->next) {
		s->vpc = strmap_get(&t->vpc_by_id, s->vpc_id);
		if (!s->vpc) {
			diag_error(d, s->src.file, s->src.line,
				"subnet %s is in VPC %s, which no definition describes", s->id, s->vpc_id);
			continue;
		}
		set_vpc_region(s->vpc, region_of_az(t, s->az), "subnet", s->id, &s->src, d);
		if (s->has_v4 && !vpc_contains_prefix(s->vpc, &s->v4)) {
			char buf[64];
			diag_error(d, s->src.file, s->src.line,
				"subnet %s: %s is outside the CIDR blocks of %s", s->id,
				netprefix_str(&s->v4, buf, sizeof(buf)), s->vpc->id);
		}
		for (unsigned i = 0; i < s->n_v6; i++) {
			char buf[64];
			if (!vpc_contains_prefix(s->vpc, &s->v6[i]))
				diag_error(d, s->src.file, s->src.line,
					"subnet %s: %s is outside the IPv6 blocks of %s", s->id,
					netprefix_str(&s->v6[i], buf, sizeof(buf)), s->vpc->id);
		}
	}
}

static bool
subnet_has_addr(const struct topo_subnet *s, const struct netaddr *a)
{
	if (a->family == AF_INET)
		return s->has_v4 && netprefix_contains(&s->v4, a);
	for (unsigned i = 0; i < s->n_v6; i++)
		if (netprefix_contains(&s->v6[i], a))
			return true;
	return false;
}

/* The one subnet of a VPC in an AZ, when the definitions leave it out. */
static struct topo_subnet *
subnet_in_az(struct topology *t, const char *vpc_id, const char *az, unsigned *count)
{
	struct topo_subnet *found = NULL;
	*count = 0;
	for (struct topo_subnet *s = t->subnets; s; s = s->next) {
		if (s->vpc_id && vpc_id && !strcmp(s->vpc_id, vpc_id) && !strcmp(s->az, az)) {
			found = s;
			(*count)++;
		}
	}
	return found;
}

static void
check_eni_addresses(struct topo_eni *e, struct diag *d)
{
	char buf[64];
	if (!e->subnet)
		return;
	for (unsigned i = 0; i < e->n_v4; i++)
		if (!subnet_has_addr(e->subnet, &e->v4[i]))
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: %s is outside subnet %s", e->id ? e->id : "(without an id)",
				netaddr_str(&e->v4[i], buf, sizeof(buf)), e->subnet->id);
	for (unsigned i = 0; i < e->n_v6; i++)
		if (!subnet_has_addr(e->subnet, &e->v6[i]))
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: %s is outside subnet %s", e->id ? e->id : "(without an id)",
				netaddr_str(&e->v6[i], buf, sizeof(buf)), e->subnet->id);
}

/* Subnet, AZ and VPC of an ENI, from whichever of them is given. */
static void
link_eni(struct topology *t, struct topo_eni *e, struct diag *d)
{
	if (e->subnet_id) {
		e->subnet = strmap_get(&t->subnet_by_id, e->subnet_id);
		if (!e->subnet && !e->az)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s: subnet %s is not defined and no "
				"AvailabilityZone is given", e->id ? e->id : "(without an id)", e->subnet_id);
	} else if (e->az && e->vpc_id) {
		unsigned n;
		e->subnet = subnet_in_az(t, e->vpc_id, e->az, &n);
		if (n > 1) {
			diag_error(d, e->src.file, e->src.line,
				"network interface in %s: VPC %s has %u subnets there; name one "
				"with SubnetId", e->az, e->vpc_id, n);
			e->subnet = NULL;
		}
	}
	if (e->subnet) {
		if (e->az && strcmp(e->az, e->subnet->az) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in %s, but subnet %s is in %s",
				e->id ? e->id : "(without an id)", e->az, e->subnet->id, e->subnet->az);
		e->az = e->subnet->az;
		if (e->vpc_id && strcmp(e->vpc_id, e->subnet->vpc_id) != 0)
			diag_error(d, e->src.file, e->src.line,
				"network interface %s is in VPC %s, but subnet %s is in %s",
				e->id ? e->id : "(without an id)", e->vpc_id, e->subnet->id, e->subnet->vpc_id);
		e->vpc_id = e->subnet->vpc_id;
	}
	check_eni_addresses(e, d);
}

/* ---- addresses in use ---- */

static const char *
addr_key(struct addr_index *ix, const char *vpc_id, const struct netaddr *a)
{
	char buf[64];
	return arena_printf(ix->t->arena, "%s/%s", vpc_id ? vpc_id : "-",
		netaddr_str(a, buf, sizeof(buf)));
}

bool
defs_ec2_addr_taken(struct addr_index *ix, const char *vpc_id, const struct netaddr *a)
{
	char text[64], small[160];
	const char *vpc = vpc_id ? vpc_id : "-";
	netaddr_str(a, text, sizeof(text));
	size_t vlen = strlen(vpc), tlen = strlen(text), need = vlen + tlen + 2;
	char *key = need <= sizeof(small) ? small : malloc(need);
	if (!key)
		return true;	/* out of memory: derive nothing rather than a duplicate */
	memcpy(key, vpc, vlen);
	key[vlen] = '/';
	memcpy(key + vlen + 1, text, tlen + 1);
	bool taken = strmap_get(&ix->map, key) != NULL;
	if (key != small)
		free(key);
	return taken;
}

void
defs_ec2_addr_claim(struct addr_index *ix, struct topo_eni *e, const struct netaddr *a, struct diag *d)
{
	const char *key = addr_key(ix, e->vpc_id, a);
	if (!key)
		return;
	struct topo_eni *old = strmap_put(&ix->map, key, e);
	if (old && old != e) {
		char buf[64];
		diag_error(d, e->src.file, e->src.line,
			"address %s is used twice in %s (also at %s:%u)",
			netaddr_str(a, buf, sizeof(buf)), e->vpc_id ? e->vpc_id : "the VPC",
			old->src.file, old->src.line);
	}
}

/* ---- the family ---- */

static void
subnet_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	read_subnet(r, n, NULL);
}

static void
endpoint_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	defs_vpce_read_endpoint(r, n, NULL);
}

static void
eni_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	defs_ec2_read_eni(r, n, NULL);
}

static void
service_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	defs_vpce_read_service(r, n);
}

static const struct defs_key ec2_keys[] = {
	{ "Vpcs", read_vpc, NULL, true }, { "Vpc", read_vpc, NULL, false },
	{ "Subnets", subnet_item, NULL, true }, { "Subnet", subnet_item, NULL, false },
	{ "VpcEndpoints", endpoint_item, NULL, true },
	{ "VpcEndpoint", endpoint_item, NULL, false },
	{ "NetworkInterfaces", eni_item, NULL, true },
	{ "NetworkInterface", eni_item, NULL, false },
	{ "ServiceDetails", service_item, NULL, true },
	{ "Reservations", defs_instance_read_reservation, NULL, true },
	{ "Instances", defs_instance_read, NULL, false },
	{ "DhcpOptions", defs_instance_read_dhcp, NULL, true },
	/* paging and echo fields of the AWS CLI */
	{ "NextToken", NULL, NULL, false }, { "ServiceNames", NULL, NULL, false },
	{ "ClientToken", NULL, NULL, false },
	/* what else a capture of a VPC holds: a warning, skipped */
#define SKIP_ROW(key, command) { key, NULL, defs_instance_skip, false },
	DEFS_EC2_SKIPPED(SKIP_ROW)
#undef SKIP_ROW
	{ NULL, NULL, NULL, false }
};

static void
link_enis(struct topology *t, struct addr_index *ix, struct diag *d)
{
	for (struct topo_eni *e = t->enis; e; e = e->next) {
		link_eni(t, e, d);
		for (unsigned i = 0; i < e->n_v4; i++)
			defs_ec2_addr_claim(ix, e, &e->v4[i], d);
		for (unsigned i = 0; i < e->n_v6; i++)
			defs_ec2_addr_claim(ix, e, &e->v6[i], d);
	}
}

static void
ec2_resolve(struct topology *t, struct diag *d)
{
	struct addr_index ix = { STRMAP_INIT, t };
	apply_attributes(t, d);
	link_subnets(t, d);
	defs_instance_resolve(t, d);
	defs_vpce_resolve_services(t, d);
	link_enis(t, &ix, d);
	defs_vpce_resolve(t, &ix, d);
	strmap_clear(&ix.map);
}

const struct defs_family defs_family_ec2 = {
	.name = "ec2",
	.keys = ec2_keys,
	.document = read_vpc_attribute,
	.document_name = "describe-vpc-attribute output",
	.resolve = ec2_resolve,
};
