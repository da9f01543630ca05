/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_instance.c - the ec2 family's instances and DHCP options: read describe-instances and describe-dhcp-options, link them to VPCs and subnets; skip the output of commands dnsd does not read. */
#include "config.h"
#include "defs_ec2.h"

#include "arena.h"
#include "diag.h"
#include "doc.h"

#include <string.h>
#include <strings.h>

/* ---- instances ---- */

/** An instance as written. */
struct inst_in {
	struct topo_instance i;
	const char *primary4, *primary6, *public4;
	const struct doc_node *state, *enis;
};

static void
read_primary4(struct reader *r, const struct doc_node *v, void *obj)
{
	((struct inst_in *)obj)->primary4 = defs_ec2_str_or_empty(r, v, "PrivateIpAddress",
		"an instance");
}

static void
read_primary6(struct reader *r, const struct doc_node *v, void *obj)
{
	((struct inst_in *)obj)->primary6 = defs_ec2_str_or_empty(r, v, "Ipv6Address",
		"an instance");
}

static void
read_public4(struct reader *r, const struct doc_node *v, void *obj)
{
	((struct inst_in *)obj)->public4 = defs_ec2_str_or_empty(r, v, "PublicIpAddress",
		"an instance");
}

/* PrivateDnsNameOptions: the instance's own hostname type and switches
 * (EC2 User Guide, "Amazon EC2 instance hostname types"). */
static void
read_name_options(struct reader *r, const struct doc_node *v, void *obj)
{
	struct inst_in *in = obj;
	defs_ec2_read_name_options(r, v, "PrivateDnsNameOptions", &in->i.hostname_type,
		&in->i.rn_a, &in->i.rn_aaaa);
}

#define I(name, kind, m) DEFS_F(struct inst_in, name, kind, m)
/* Every field of the botocore Instance shape: only some matter for DNS. */
static const struct defs_field instance_fields[] = {
	DEFS_R(struct inst_in, "InstanceId", DEFS_STR, i.id),
	I("VpcId", DEFS_STR, i.vpc_id),
	I("SubnetId", DEFS_STR, i.subnet_id),
	DEFS_FUNC("PrivateIpAddress", read_primary4),
	DEFS_FUNC("Ipv6Address", read_primary6),
	DEFS_FUNC("PublicIpAddress", read_public4),
	I("State", DEFS_MAP, state),
	DEFS_FUNC("PrivateDnsNameOptions", read_name_options),
	I("NetworkInterfaces", DEFS_SEQ, enis),
	DEFS_IGNORED("PrivateDnsName"), DEFS_IGNORED("PublicDnsName"),
	DEFS_IGNORED("Architecture"), DEFS_IGNORED("BlockDeviceMappings"),
	DEFS_IGNORED("ClientToken"), DEFS_IGNORED("EbsOptimized"), DEFS_IGNORED("EnaSupport"),
	DEFS_IGNORED("Hypervisor"), DEFS_IGNORED("IamInstanceProfile"),
	DEFS_IGNORED("InstanceLifecycle"), DEFS_IGNORED("ElasticGpuAssociations"),
	DEFS_IGNORED("ElasticInferenceAcceleratorAssociations"), DEFS_IGNORED("OutpostArn"),
	DEFS_IGNORED("RootDeviceName"), DEFS_IGNORED("RootDeviceType"),
	DEFS_IGNORED("SecurityGroups"), DEFS_IGNORED("SourceDestCheck"),
	DEFS_IGNORED("SpotInstanceRequestId"), DEFS_IGNORED("SriovNetSupport"),
	DEFS_IGNORED("StateReason"), DEFS_IGNORED("Tags"), DEFS_IGNORED("VirtualizationType"),
	DEFS_IGNORED("CpuOptions"), DEFS_IGNORED("CapacityBlockId"),
	DEFS_IGNORED("CapacityReservationId"), DEFS_IGNORED("CapacityReservationSpecification"),
	DEFS_IGNORED("HibernationOptions"), DEFS_IGNORED("Licenses"),
	DEFS_IGNORED("MetadataOptions"), DEFS_IGNORED("EnclaveOptions"),
	DEFS_IGNORED("BootMode"), DEFS_IGNORED("PlatformDetails"),
	DEFS_IGNORED("UsageOperation"), DEFS_IGNORED("UsageOperationUpdateTime"),
	DEFS_IGNORED("TpmSupport"), DEFS_IGNORED("MaintenanceOptions"),
	DEFS_IGNORED("CurrentInstanceBootMode"), DEFS_IGNORED("NetworkPerformanceOptions"),
	DEFS_IGNORED("Operator"), DEFS_IGNORED("SecondaryInterfaces"), DEFS_IGNORED("ImageId"),
	DEFS_IGNORED("StateTransitionReason"), DEFS_IGNORED("KeyName"),
	DEFS_IGNORED("AmiLaunchIndex"), DEFS_IGNORED("ProductCodes"),
	DEFS_IGNORED("InstanceType"), DEFS_IGNORED("LaunchTime"), DEFS_IGNORED("Placement"),
	DEFS_IGNORED("KernelId"), DEFS_IGNORED("RamdiskId"), DEFS_IGNORED("Platform"),
	DEFS_IGNORED("Monitoring"),
	DEFS_END
};
#undef I
static const struct defs_object instance_object = { "an instance", instance_fields };

static const struct src *
instance_src(void *p)
{
	return &((struct topo_instance *)p)->src;
}

/* The instance's IPv6 address when Ipv6Address is left out: the primary
 * IPv6 of its primary interface (DeviceIndex 0), else that one's first. */
static const char *
first_ipv6(const struct doc_node *enis)
{
	const char *first = NULL;
	for (size_t i = 0; enis && i < enis->count; i++) {
		const struct doc_node *e = enis->items[i];
		const struct doc_node *att = e->kind == DOC_MAP ? doc_get(e, "Attachment") : NULL;
		const struct doc_node *idx = att && att->kind == DOC_MAP ? doc_get(att, "DeviceIndex") : NULL;
		const struct doc_node *list = e->kind == DOC_MAP ? doc_get(e, "Ipv6Addresses") : NULL;
		uint64_t device = 0;
		if ((idx && !doc_uint(idx, 255, &device)) || device != 0 || !list ||
		    list->kind != DOC_SEQ)
			continue;
		for (size_t k = 0; k < list->count; k++) {
			const struct doc_node *it = list->items[k];
			const struct doc_node *a = it->kind == DOC_MAP ? doc_get(it, "Ipv6Address") : it;
			const struct doc_node *prim = it->kind == DOC_MAP ? doc_get(it, "IsPrimaryIpv6") : NULL;
			bool primary = false;
			if (!a || !doc_str(a))
				continue;
			if (prim && doc_bool(prim, &primary) && primary)
				return doc_str(a);
			if (!first)
				first = doc_str(a);
		}
	}
	return first;
}

/* Public addresses: PublicIpAddress (of the primary private address) and
 * every Association of its interfaces, each public address once. */
static void
instance_publics(struct reader *r, const struct doc_node *n, struct inst_in *in)
{
	struct topo_instance *ins = &in->i;
	size_t room = in->public4 ? 1 : 0;
	for (size_t i = 0; in->enis && i < in->enis->count; i++) {
		const struct doc_node *l = in->enis->items[i]->kind == DOC_MAP ?
			doc_get(in->enis->items[i], "PrivateIpAddresses") : NULL;
		room += 1 + (l && l->kind == DOC_SEQ ? l->count : 0);
	}
	if (!room || !(ins->publics = defs_alloc(r, n, room * sizeof(*ins->publics))))
		return;
	if (in->public4 && in->primary4 &&
	    defs_parse_addr(r, n->line, in->public4, AF_INET, &ins->publics[0].public_ip,
		    "an instance") &&
	    defs_parse_addr(r, n->line, in->primary4, AF_INET, &ins->publics[0].private_ip,
		    "an instance"))
		ins->n_publics = 1;
	for (size_t i = 0; in->enis && i < in->enis->count; i++) {
		const struct doc_node *e = in->enis->items[i];
		if (e->kind != DOC_MAP)
			continue;
		const struct doc_node *l = doc_get(e, "PrivateIpAddresses");
		const struct doc_node *p = doc_get(e, "PrivateIpAddress");
		struct topo_public *got;
		unsigned n_got;
		if (!defs_ec2_read_publics(r, doc_get(e, "Association"), p ? doc_str(p) : NULL,
			    l && l->kind == DOC_SEQ ? l : NULL, &got, &n_got))
			return;
		for (unsigned k = 0; k < n_got; k++) {
			bool dup = false;
			for (unsigned j = 0; j < ins->n_publics; j++)
				dup |= netaddr_cmp(&ins->publics[j].public_ip, &got[k].public_ip) == 0;
			if (!dup)
				ins->publics[ins->n_publics++] = got[k];
		}
	}
}

static void
instance_addresses(struct reader *r, const struct doc_node *n, struct inst_in *in)
{
	struct topo_instance *ins = &in->i;
	if (in->primary4)
		ins->has_v4 = defs_parse_addr(r, n->line, in->primary4, AF_INET, &ins->v4,
			"an instance");
	const char *v6 = in->primary6 ? in->primary6 : first_ipv6(in->enis);
	if (v6)
		ins->has_v6 = defs_parse_addr(r, n->line, v6, AF_INET6, &ins->v6, "an instance");
	instance_publics(r, n, in);
}

void
defs_instance_read(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct inst_in in = { .i = { .rn_a = TRI_UNSET, .rn_aaaa = TRI_UNSET } };
	(void)doc;
	if (!defs_read_object(r, n, &instance_object, &in))
		return;
	if (in.state && in.state->kind == DOC_MAP && doc_get(in.state, "Name"))
		in.i.state = defs_ec2_str_or_empty(r, doc_get(in.state, "Name"), "State.Name",
			"an instance");
	struct topo_instance *ins = defs_alloc(r, n, sizeof(*ins));
	if (!ins)
		return;
	instance_addresses(r, n, &in);
	*ins = in.i;
	ins->src = defs_src_at(r, n);
	if (!ins->id || !defs_register_id(r, &t->instance_by_id, ins->id, ins, &ins->src,
		    instance_src, "instance"))
		return;
	*t->instances_tail = ins;
	t->instances_tail = &ins->next;
	t->n_instances++;
}

static void
read_reservation_instances(struct reader *r, const struct doc_node *v, void *obj)
{
	(void)obj;
	defs_read_each(r, v, "Instances", defs_instance_read);
}

static const struct defs_field reservation_fields[] = {
	DEFS_FUNC("Instances", read_reservation_instances),
	DEFS_IGNORED("ReservationId"), DEFS_IGNORED("OwnerId"), DEFS_IGNORED("RequesterId"),
	DEFS_IGNORED("Groups"),
	DEFS_END
};
static const struct defs_object reservation_object = { "a reservation", reservation_fields };

void
defs_instance_read_reservation(struct reader *r, const struct doc_node *n,
	const struct doc_node *doc)
{
	char unused;
	(void)doc;
	defs_read_object(r, n, &reservation_object, &unused);
}

/* ---- DHCP options ---- */

/** A DhcpOptions entry as written. */
struct dhcp_in {
	struct topo_dhcp h;
	const struct doc_node *configs;
};

static const struct defs_field dhcp_fields[] = {
	DEFS_R(struct dhcp_in, "DhcpOptionsId", DEFS_STR, h.id),
	DEFS_F(struct dhcp_in, "DhcpConfigurations", DEFS_SEQ, configs),
	DEFS_IGNORED("OwnerId"), DEFS_IGNORED("Tags"),
	DEFS_END
};
static const struct defs_object dhcp_object = { "DHCP options", dhcp_fields };

/** One DhcpConfigurations entry: {Key, Values: [{Value}]}. */
struct dhcp_config {
	const char *key;
	const char **values;
	unsigned n_values;
};

static const struct defs_field dhcp_config_fields[] = {
	DEFS_R(struct dhcp_config, "Key", DEFS_STR, key),
	DEFS_L(struct dhcp_config, "Values", values, n_values, "Value"),
	DEFS_END
};
static const struct defs_object dhcp_config_object = { "a DHCP configuration",
	dhcp_config_fields };

static const struct src *
dhcp_src(void *p)
{
	return &((struct topo_dhcp *)p)->src;
}

static void
read_configs(struct reader *r, const struct doc_node *list, struct topo_dhcp *h)
{
	h->amazon_dns = true;	/* no domain-name-servers: the default set's */
	for (size_t i = 0; list && i < list->count; i++) {
		struct dhcp_config c = { NULL, NULL, 0 };
		if (!defs_read_object(r, list->items[i], &dhcp_config_object, &c) || !c.key)
			continue;
		if (!strcmp(c.key, "domain-name") && c.n_values)
			h->domain_name = c.values[0];
		if (!strcmp(c.key, "domain-name-servers")) {
			h->amazon_dns = false;
			for (unsigned k = 0; k < c.n_values; k++)
				h->amazon_dns |= strcasecmp(c.values[k], "AmazonProvidedDNS") == 0;
		}
	}
}

void
defs_instance_read_dhcp(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	struct dhcp_in in = { .h = { .next = NULL } };
	(void)doc;
	if (!defs_read_object(r, n, &dhcp_object, &in))
		return;
	struct topo_dhcp *h = defs_alloc(r, n, sizeof(*h));
	if (!h)
		return;
	read_configs(r, in.configs, &in.h);
	*h = in.h;
	h->src = defs_src_at(r, n);
	if (!h->id || !defs_register_id(r, &t->dhcp_by_id, h->id, h, &h->src, dhcp_src,
		    "DHCP options set"))
		return;
	*t->dhcp_tail = h;
	t->dhcp_tail = &h->next;
	t->n_dhcp++;
}

/* ---- output dnsd does not read ---- */

void
defs_instance_skip(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value)
{
	static const struct {
		const char *key, *command;
	} skipped[] = {
#define SKIP_ROW(k, c) { k, c },
		DEFS_EC2_SKIPPED(SKIP_ROW)
#undef SKIP_ROW
	};
	const char *command = "an AWS CLI command";
	(void)doc;
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(skipped[i].key, key))
			command = skipped[i].command;
	diag_strict(r->d, r->file, value->line, 0, "'%s' is the output of %s, which dnsd does "
		"not read; skipped", key, command);
}

/* ---- linking ---- */

/* AWS's defaults for what neither the instance nor its subnet says: an
 * IP name with no resource-name records, except in an IPv6-only subnet,
 * where the resource name answers AAAA (EC2 User Guide, "Amazon EC2
 * instance hostname types", scenario 1). */
static void
resolve_name_options(struct topo_instance *ins)
{
	const struct topo_subnet *s = ins->subnet;
	bool v6_only = !ins->has_v4;
	if (ins->hostname_type == HOSTNAME_UNSET)
		ins->hostname_type = s && s->hostname_type != HOSTNAME_UNSET ? s->hostname_type :
			v6_only ? HOSTNAME_RESOURCE_NAME : HOSTNAME_IP_NAME;
	if (ins->rn_a == TRI_UNSET)
		ins->rn_a = s && s->rn_a != TRI_UNSET ? s->rn_a : TRI_NO;
	if (ins->rn_aaaa == TRI_UNSET)
		ins->rn_aaaa = s && s->rn_aaaa != TRI_UNSET ? s->rn_aaaa :
			v6_only ? TRI_YES : TRI_NO;
}

static bool
vpc_has(const struct topo_vpc *v, const struct netaddr *a)
{
	for (unsigned i = 0; i < v->n_cidrs; i++)
		if (netprefix_contains(&v->cidrs[i], a))
			return true;
	return false;
}

static void
link_instance(struct topology *t, struct topo_instance *ins, struct diag *d)
{
	if (ins->subnet_id)
		ins->subnet = strmap_get(&t->subnet_by_id, ins->subnet_id);
	if (!ins->vpc_id && ins->subnet)
		ins->vpc_id = ins->subnet->vpc_id;
	if (ins->state && !strcmp(ins->state, "terminated"))
		return;		/* its addresses are gone: no names */
	if (!ins->vpc_id)
		return;		/* no VPC: nothing of the Resolver's */
	ins->vpc = strmap_get(&t->vpc_by_id, ins->vpc_id);
	if (!ins->vpc) {
		diag_warn(d, ins->src.file, ins->src.line, "instance %s is in VPC %s, which no "
			"definition describes; its names are left out", ins->id, ins->vpc_id);
		return;
	}
	if (ins->subnet && ins->subnet->vpc_id && strcmp(ins->subnet->vpc_id, ins->vpc_id) != 0)
		diag_error(d, ins->src.file, ins->src.line, "instance %s is in VPC %s, but subnet "
			"%s is in %s", ins->id, ins->vpc_id, ins->subnet->id, ins->subnet->vpc_id);
	char buf[64];
	if (ins->has_v4 && !vpc_has(ins->vpc, &ins->v4))
		diag_error(d, ins->src.file, ins->src.line, "instance %s: %s is outside the CIDR "
			"blocks of %s", ins->id, netaddr_str(&ins->v4, buf, sizeof(buf)), ins->vpc_id);
	resolve_name_options(ins);
}

/* A VPC's DhcpOptionsId names the set whose domain-name its instances
 * get ("default" or none: the Region's domain). */
static void
link_dhcp(struct topology *t, struct diag *d)
{
	for (struct topo_vpc *v = t->vpcs; v; v = v->next) {
		if (!v->dhcp_options_id || !strcmp(v->dhcp_options_id, "default"))
			continue;
		struct topo_dhcp *h = strmap_get(&t->dhcp_by_id, v->dhcp_options_id);
		if (!h)
			continue;	/* describe-dhcp-options not captured */
		v->domain_name = h->domain_name;
		v->dhcp_src = h->src;
		if (!h->amazon_dns)
			diag_warn(d, h->src.file, h->src.line, "VPC %s uses DHCP options %s, whose "
				"domain-name-servers are not AmazonProvidedDNS: its instances ask "
				"those servers, not the Resolver dnsd plays", v->id, h->id);
	}
}

void
defs_instance_resolve(struct topology *t, struct diag *d)
{
	link_dhcp(t, d);
	for (struct topo_instance *ins = t->instances; ins; ins = ins->next)
		link_instance(t, ins, d);
}
