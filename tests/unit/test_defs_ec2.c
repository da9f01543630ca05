/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs_ec2.c - the ec2 family: VPCs, subnets, ENIs, endpoints and services read, linked, derived and checked. */
#include "config.h"
#include "defs_fixture.h"

static bool
all_in(const char *s, const char *set)
{
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

/* "vpce-" (or "eni-") and 17 lowercase hex digits. */
static void
check_generated_id(const char *id, const char *prefix)
{
	size_t n = strlen(prefix);

	assert_non_null(id);
	assert_int_equal(strncmp(id, prefix, n), 0);
	assert_int_equal(strlen(id), n + 17);
	assert_true(all_in(id + n, "0123456789abcdef"));
}

static void
check_suffix(const char *s)
{
	assert_non_null(s);
	assert_int_equal(strlen(s), 8);
	assert_true(all_in(s, "abcdefghijklmnopqrstuvwxyz0123456789"));
}

/* ---- regions ---- */

static const char region_defs[] =
	"Vpcs:\n"
	"  - VpcId: vpc-1\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"  - VpcId: vpc-2\n"
	"    CidrBlock: 10.1.0.0/16\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-l, AvailabilityZone: us-west-2-lax-1a, CidrBlock: 10.1.1.0/24}\n"
	"  - VpcId: vpc-3\n"
	"    CidrBlock: 10.2.0.0/16\n"
	"    VpcEndpoints:\n"
	"      - {ServiceName: com.amazonaws.eu-west-3.monitoring, SubnetIds: []}\n"
	"  - VpcId: vpc-4\n"
	"    Region: ap-south-1\n"
	"    CidrBlock: 10.3.0.0/16\n";

static void
test_region_derived(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "w.yaml", region_defs);
	assert_int_equal(w.d.errors, 0);
	/* from an AZ name, from a Local Zone's name, from an endpoint's service */
	assert_string_equal(vpc(&w, "vpc-1")->region, "us-east-2");
	assert_int_equal(vpc(&w, "vpc-1")->region_src.line, 5);
	assert_string_equal(vpc(&w, "vpc-2")->region, "us-west-2");
	assert_string_equal(vpc(&w, "vpc-3")->region, "eu-west-3");
	assert_string_equal(endpoint_n(&w, 0)->region, "eu-west-3");
	/* as given */
	assert_string_equal(vpc(&w, "vpc-4")->region, "ap-south-1");
	assert_int_equal(vpc(&w, "vpc-4")->region_src.line, 15);
	/* the only message: the endpoint has no network interfaces */
	assert_int_equal(w.d.warnings, 1);
	assert_non_null(strstr(world_msgs(&w), "w.yaml:13: warning: endpoint vpce-"));
	world_free(&w);

	/* two subnets of one VPC in two regions: an error that names the
	 * subnet, the VPC and where its region came from */
	world_load(&w, "r.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"      - {SubnetId: subnet-b, AvailabilityZone: us-west-1b, CidrBlock: 10.0.2.0/24}\n");
	assert_int_equal(w.d.errors, 1);
	assert_int_equal(w.resolve_rc, -1);
	const char *msg = world_msgs(&w);
	assert_int_equal(strncmp(msg, "r.yaml:6: error: ", 17), 0);
	assert_non_null(strstr(msg, "but VPC vpc-1 is in us-east-2 (from r.yaml:5)\n"));
	/* the VPC keeps the first region */
	assert_string_equal(vpc(&w, "vpc-1")->region, "us-east-2");
	/* the message says which definition is in the other region (checked
	 * after freeing, so that a failure leaks nothing) */
	bool names_subnet = strstr(msg, "subnet-b") != NULL;
	world_free(&w);
	assert_true(names_subnet);
}

/*
 * A cross-Region endpoint (facts §1, [DOC PL]): a VPC in us-east-2 may
 * have an interface endpoint to a service in us-west-1. hiddenzone.c
 * leaves out the zonal names of such endpoints, so the model must accept
 * them: the VPC stays in its region, the service keeps its own.
 */
static void
test_cross_region_endpoint(void **state)
{
	struct world w;
	char msgs[512], vpc_region[32], ep_region[32], svc_region[32];
	unsigned errors;

	(void)state;
	world_load(&w, "x.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0123456789abcdef0\n"
		"        ServiceName: com.amazonaws.us-west-1.monitoring\n"
		"        SubnetIds: [subnet-a]\n");
	struct topo_endpoint *ep = endpoint_n(&w, 0);
	assert_non_null(ep->service);
	snprintf(msgs, sizeof(msgs), "%s", world_msgs(&w));
	snprintf(vpc_region, sizeof(vpc_region), "%s", vpc(&w, "vpc-1")->region);
	snprintf(ep_region, sizeof(ep_region), "%s", ep->region ? ep->region : "(null)");
	snprintf(svc_region, sizeof(svc_region), "%s", ep->service->region);
	errors = w.d.errors;
	world_free(&w);
	assert_string_equal(vpc_region, "us-east-2");
	assert_string_equal(ep_region, "us-east-2");
	assert_string_equal(svc_region, "us-west-1");
	assert_string_equal(msgs, "");
	assert_int_equal(errors, 0);
}

/* ---- generated ids and suffixes ---- */

static const char gen_defs[] =
	"Vpcs:\n"
	"  - VpcId: vpc-1\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}\n"
	"    VpcEndpoints:\n"
	"      - ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        SubnetIds: [subnet-a, subnet-b]\n"
	"      - ServiceName: com.amazonaws.us-east-2.ssm\n"
	"        NetworkInterfaces:\n"
	"          - {SubnetId: subnet-a, PrivateIpAddress: 10.0.1.51}\n"
	"          - {SubnetId: subnet-b, PrivateIpAddress: 10.0.2.51}\n";

/* What generation made, as text, to compare two loads. */
static void
describe(struct world *w, char *out, size_t size)
{
	char a[64];
	size_t o = 0;

	for (struct topo_endpoint *ep = w->t->endpoints; ep; ep = ep->next) {
		o += (size_t)snprintf(out + o, size - o, "%s %s %s:", ep->id, ep->suffix,
			ep->base_domain);
		for (unsigned i = 0; i < ep->n_enis; i++)
			o += (size_t)snprintf(out + o, size - o, " %s=%s", ep->enis[i]->id,
				ep->enis[i]->n_v4 ? netaddr_str(&ep->enis[i]->v4[0], a, sizeof(a)) : "-");
		o += (size_t)snprintf(out + o, size - o, "\n");
	}
}

static void
test_generated_ids(void **state)
{
	struct world w1, w2;
	char d1[2048], d2[2048];

	(void)state;
	world_clean(&w1, gen_defs);
	world_clean(&w2, gen_defs);
	describe(&w1, d1, sizeof(d1));
	describe(&w2, d2, sizeof(d2));
	/* the same definitions give the same names, every time */
	assert_string_equal(d1, d2);

	struct topo_endpoint *mon = endpoint_n(&w1, 0), *ssm = endpoint_n(&w1, 1);
	check_generated_id(mon->id, "vpce-");
	check_generated_id(ssm->id, "vpce-");
	assert_true(mon->id_generated);
	assert_string_not_equal(mon->id, ssm->id);
	check_suffix(mon->suffix);
	check_suffix(ssm->suffix);
	assert_string_not_equal(mon->suffix, ssm->suffix);
	assert_string_equal(mon->base_domain, "monitoring.us-east-2.vpce.amazonaws.com");
	assert_string_equal(ssm->base_domain, "ssm.us-east-2.vpce.amazonaws.com");
	assert_string_equal(mon->state, "available");
	/* a generated endpoint id is registered under it */
	assert_ptr_equal(strmap_get(&w1.t->endpoint_by_id, mon->id), mon);

	/* one generated ENI per subnet, with a stable derived address */
	assert_int_equal(mon->n_enis, 2);
	for (unsigned i = 0; i < 2; i++) {
		struct topo_eni *e = mon->enis[i];
		check_generated_id(e->id, "eni-");
		assert_true(e->generated);
		assert_string_equal(e->status, "in-use");
		assert_ptr_equal(e->endpoint, mon);
		assert_int_equal(e->n_v4, 1);
		assert_true(netprefix_contains(&e->subnet->v4, &e->v4[0]));
		/* AWS keeps the first four and the last address */
		assert_true(e->v4[0].bytes[3] >= 4 && e->v4[0].bytes[3] <= 254);
		assert_ptr_equal(eni(&w1, e->id), e);
	}
	assert_string_equal(mon->enis[0]->subnet->id, "subnet-a");
	assert_string_equal(mon->enis[1]->subnet->id, "subnet-b");
	assert_string_equal(mon->enis[0]->az, "us-east-2a");
	assert_string_not_equal(mon->enis[0]->id, mon->enis[1]->id);
	/* inline ENIs without ids get one too, and keep their addresses */
	assert_int_equal(ssm->n_enis, 2);
	check_generated_id(ssm->enis[0]->id, "eni-");
	assert_false(ssm->enis[0]->generated);
	assert_string_not_equal(ssm->enis[0]->id, ssm->enis[1]->id);
	char a[64];
	assert_string_equal(netaddr_str(&ssm->enis[1]->v4[0], a, sizeof(a)), "10.0.2.51");
	world_free(&w1);
	world_free(&w2);

	/* another VPC id gives other names */
	world_clean(&w1, gen_defs);
	const char *other = "Vpcs:\n  - VpcId: vpc-2\n    CidrBlock: 10.0.0.0/16\n"
		"    VpcEndpoints:\n      - ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        NetworkInterfaces: [{AvailabilityZone: us-east-2a, PrivateIpAddress: 10.0.0.9}]\n";
	world_clean(&w2, other);
	assert_string_not_equal(endpoint_n(&w1, 0)->id, endpoint_n(&w2, 0)->id);
	assert_string_not_equal(endpoint_n(&w1, 0)->suffix, endpoint_n(&w2, 0)->suffix);
	world_free(&w1);
	world_free(&w2);
}

static void
test_suffix_from_dns_entries(void **state)
{
	struct world w;

	(void)state;
	world_clean(&w,
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0123456789abcdef0\n"
		"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.5}]\n"
		"        DnsEntries:\n"
		"          - {DnsName: vpce-0123456789abcdef0-zz99yy88-us-east-2a.monitoring.us-east-2.vpce.amazonaws.com}\n"
		"          - {DnsName: VPCE-0123456789ABCDEF0-Ab12cd34.monitoring.us-east-2.vpce.amazonaws.com}\n"
		"          - {DnsName: monitoring.us-east-2.amazonaws.com}\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
		"        ServiceName: com.amazonaws.us-east-2.s3\n"
		"        PrivateDnsEnabled: false\n"
		"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.6}]\n"
		"        DnsEntries:\n"
		"          - {DnsName: \"*.vpce-0aaaaaaaaaaaaaaa1-q1w2e3r4.s3.us-east-2.vpce.amazonaws.com\"}\n"
		"      - VpcEndpointId: vpce-0bbbbbbbbbbbbbbb2\n"
		"        ServiceName: com.amazonaws.us-east-2.logs\n"
		"        PrivateDnsEnabled: false\n"
		"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.7}]\n"
		"        DnsEntries:\n"
		"          - {DnsName: vpce-0bbbbbbbbbbbbbbb2-ab-cd-ef.logs.us-east-2.vpce.amazonaws.com}\n");
	struct topo_endpoint *ep = endpoint_n(&w, 0);
	/* the zonal name does not give a suffix; the regional one does, as written */
	assert_string_equal(ep->suffix, "Ab12cd34");
	assert_string_equal(ep->base_domain, "monitoring.us-east-2.vpce.amazonaws.com");
	assert_false(ep->id_generated);
	/* the private name listed in DnsEntries is the service's anyway */
	assert_int_equal(ep->n_private, 4);
	assert_string_equal(ep->private_names[0], "monitoring.us-east-2.amazonaws.com");
	ep = endpoint_n(&w, 1);
	assert_string_equal(ep->suffix, "q1w2e3r4");
	assert_string_equal(ep->base_domain, "s3.us-east-2.vpce.amazonaws.com");
	/* a suffix with '-' is not one: made up instead */
	ep = endpoint_n(&w, 2);
	check_suffix(ep->suffix);
	assert_string_equal(ep->base_domain, "logs.us-east-2.vpce.amazonaws.com");
	world_free(&w);
}

/* ---- address types ---- */

static const char types_defs[] =
	"Vpcs:\n"
	"  - VpcId: vpc-1\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: \"2600:1f16:1234:5600::/56\"}]\n"
	"    Subnets:\n"
	"      - SubnetId: subnet-a\n"
	"        AvailabilityZone: us-east-2a\n"
	"        CidrBlock: 10.0.1.0/24\n"
	"        Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: \"2600:1f16:1234:5601::/64\"}]\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-00000000000000001\n"
	"        ServiceName: com.amazonaws.us-east-2.kms\n"
	"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.5, Ipv6Address: \"2600:1f16:1234:5601::5\"}]\n"
	"      - VpcEndpointId: vpce-00000000000000002\n"
	"        ServiceName: com.amazonaws.us-east-2.ssm\n"
	"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.6}]\n"
	"      - VpcEndpointId: vpce-00000000000000003\n"
	"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        NetworkInterfaces: [{SubnetId: subnet-a, Ipv6Address: \"2600:1f16:1234:5601::7\"}]\n"
	"      - VpcEndpointId: vpce-00000000000000004\n"
	"        ServiceName: com.amazonaws.us-east-2.logs\n"
	"        SubnetIds: [subnet-a]\n"
	"      - VpcEndpointId: vpce-00000000000000005\n"
	"        ServiceName: com.amazonaws.us-east-2.sts\n"
	"        IpAddressType: dualstack\n"
	"        DnsOptions: {DnsRecordIpType: ipv4}\n"
	"        SubnetIds: [subnet-a]\n";

static void
test_ip_address_types(void **state)
{
	struct world w;
	char buf[64];

	(void)state;
	world_load(&w, "w.yaml", types_defs);
	assert_int_equal(w.d.errors, 0);
	/* from the addresses: both, v4 only, v6 only */
	struct topo_endpoint *ep = endpoint_n(&w, 0);
	assert_int_equal(ep->ip_address_type, IPF_V4 | IPF_V6);
	assert_int_equal(ep->dns_record_ip_type, DRT_DUALSTACK);
	ep = endpoint_n(&w, 1);
	assert_int_equal(ep->ip_address_type, IPF_V4);
	assert_int_equal(ep->dns_record_ip_type, DRT_IPV4);
	ep = endpoint_n(&w, 2);
	assert_int_equal(ep->ip_address_type, IPF_V6);
	assert_int_equal(ep->dns_record_ip_type, DRT_IPV6);
	assert_int_equal(ep->enis[0]->n_v4, 0);
	/* no address given: IPv4, derived from the subnet */
	ep = endpoint_n(&w, 3);
	assert_int_equal(ep->ip_address_type, IPF_V4);
	assert_int_equal(ep->dns_record_ip_type, DRT_IPV4);
	assert_int_equal(ep->enis[0]->n_v4, 1);
	assert_int_equal(ep->enis[0]->n_v6, 0);
	/* dualstack as given, with both addresses derived; ipv4 records allowed */
	ep = endpoint_n(&w, 4);
	assert_int_equal(ep->ip_address_type, IPF_V4 | IPF_V6);
	assert_int_equal(ep->dns_record_ip_type, DRT_IPV4);
	assert_int_equal(ep->enis[0]->n_v4, 1);
	assert_int_equal(ep->enis[0]->n_v6, 1);
	netaddr_str(&ep->enis[0]->v6[0], buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "2600:1f16:1234:5601:", 20), 0);
	world_free(&w);
}

/* One endpoint with the given address and record types. */
static void
check_type_pair(const char *ip, const char *rec, const char *want_error)
{
	char defs[1024];
	struct world w;

	snprintf(defs, sizeof(defs),
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: \"2600:1f16:1234:5600::/56\"}]\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24, "
		"Ipv6CidrBlockAssociationSet: [\"2600:1f16:1234:5601::/64\"]}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0123456789abcdef0\n"
		"        ServiceName: com.amazonaws.us-east-2.kms\n"
		"        IpAddressType: %s\n"
		"        DnsOptions: {DnsRecordIpType: %s}\n"
		"        SubnetIds: [subnet-a]\n", ip, rec);
	world_load(&w, "t.yaml", defs);
	if (want_error) {
		assert_int_equal(w.d.errors, 1);
		assert_string_equal(world_msgs(&w), want_error);
	} else {
		assert_int_equal(w.d.errors, 0);
		assert_string_equal(world_msgs(&w), "");
	}
	world_free(&w);
}

static void
test_record_type_pairs(void **state)
{
	(void)state;
	check_type_pair("ipv4", "ipv4", NULL);
	check_type_pair("ipv6", "ipv6", NULL);
	check_type_pair("dualstack", "ipv4", NULL);
	check_type_pair("dualstack", "ipv6", NULL);
	check_type_pair("dualstack", "dualstack", NULL);
	check_type_pair("dualstack", "service-defined", NULL);
	check_type_pair("ipv4", "ipv6",
		"t.yaml:11: error: endpoint vpce-0123456789abcdef0: DnsRecordIpType ipv6 is not "
		"allowed with IpAddressType ipv4 (ipv4 allows ipv4, ipv6 allows ipv6, dualstack "
		"allows all)\n");
	check_type_pair("ipv4", "dualstack",
		"t.yaml:11: error: endpoint vpce-0123456789abcdef0: DnsRecordIpType dualstack is not "
		"allowed with IpAddressType ipv4 (ipv4 allows ipv4, ipv6 allows ipv6, dualstack "
		"allows all)\n");
	check_type_pair("ipv6", "ipv4",
		"t.yaml:11: error: endpoint vpce-0123456789abcdef0: DnsRecordIpType ipv4 is not "
		"allowed with IpAddressType ipv6 (ipv4 allows ipv4, ipv6 allows ipv6, dualstack "
		"allows all)\n");
	check_type_pair("ipv4", "service-defined",
		"t.yaml:11: error: endpoint vpce-0123456789abcdef0: DnsRecordIpType service-defined "
		"is not allowed with IpAddressType ipv4 (ipv4 allows ipv4, ipv6 allows ipv6, "
		"dualstack allows all)\n");
}

/* ---- errors with file:line ---- */

static void
test_eni_outside_subnet(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "eni.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0123456789abcdef0\n"
		"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        NetworkInterfaces:\n"
		"          - {SubnetId: subnet-a, PrivateIpAddress: 10.0.1.9}\n"
		"          - SubnetId: subnet-a\n"
		"            PrivateIpAddress: 10.0.2.9\n"
		"NetworkInterfaces:\n"
		"  - NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa1\n"
		"    SubnetId: subnet-a\n"
		"    PrivateIpAddress: 10.0.1.10\n"
		"    PrivateIpAddresses: [{PrivateIpAddress: 10.0.1.10}, {PrivateIpAddress: 10.0.3.10}]\n");
	assert_int_equal(w.d.errors, 2);
	assert_int_equal(w.load_rc, 0);
	assert_int_equal(w.resolve_rc, -1);
	assert_string_equal(world_msgs(&w),
		"eni.yaml:11: error: network interface (without an id): 10.0.2.9 is outside subnet subnet-a\n"
		"eni.yaml:14: error: network interface eni-0aaaaaaaaaaaaaaa1: 10.0.3.10 is outside "
		"subnet subnet-a\n");
	/* the duplicate address collapses into one */
	assert_int_equal(eni(&w, "eni-0aaaaaaaaaaaaaaa1")->n_v4, 2);
	world_free(&w);
}

static void
test_duplicate_address(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "addr.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
		"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.9}]\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2\n"
		"        ServiceName: com.amazonaws.us-east-2.ssm\n"
		"        NetworkInterfaces:\n"
		"          - {SubnetId: subnet-a, PrivateIpAddress: 10.0.1.9}\n"
		"  - VpcId: vpc-2\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3\n"
		"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        NetworkInterfaces: [{SubnetId: subnet-b, PrivateIpAddress: 10.0.1.9}]\n");
	/* the same address in another VPC is fine */
	assert_int_equal(w.d.errors, 1);
	assert_string_equal(world_msgs(&w),
		"addr.yaml:13: error: address 10.0.1.9 is used twice in vpc-1 (also at addr.yaml:9)\n");
	world_free(&w);
}

/*
 * ENIs found by their Description ("VPC Endpoint Interface vpce-…", as
 * describe-network-interfaces prints it) when the endpoint lists no
 * NetworkInterfaceIds: every one of them is linked, at counts around the
 * old fixed room of 8 and far past it (issue 13).
 */
static char *
described_defs(unsigned n, bool with_subnet)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	fprintf(f, "Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.0.0/20}\n"
		"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.16.0/20}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
		"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"        SubnetIds: [%s]\n"
		"NetworkInterfaces:\n", with_subnet ? "subnet-b" : "");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "  - {NetworkInterfaceId: eni-%017x, SubnetId: subnet-a, "
			"Description: VPC Endpoint Interface vpce-0aaaaaaaaaaaaaaa1, "
			"PrivateIpAddress: 10.0.%u.%u}\n", i, 1 + i / 200, 1 + i % 200);
	fclose(f);
	return text;
}

static void
test_enis_by_description(void **state)
{
	static const unsigned counts[] = { 1, 7, 8, 9, 15, 16, 17, 20, 64, 300, 1000 };
	struct world w;

	(void)state;
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		for (int sub = 0; sub < 2; sub++) {
			char *defs = described_defs(counts[k], sub);
			world_load(&w, "w.yaml", defs);
			free(defs);
			assert_int_equal(w.d.errors, 0);
			struct topo_endpoint *ep = endpoint_n(&w, 0);
			/* with a SubnetIds entry nothing describes, one more is made up */
			assert_int_equal(ep->n_enis, counts[k] + (unsigned)sub);
			for (unsigned i = 0; i < counts[k]; i++) {
				char id[32];
				snprintf(id, sizeof(id), "eni-%017x", i);
				assert_ptr_equal(ep->enis[i], eni(&w, id));
			}
			world_free(&w);
		}
	}
}

/*
 * Derived addresses keep clear of given ones in the same VPC, whatever the
 * length of the VPC id (a 160-byte key cut long ids, so the given address
 * was not seen and the derived one collided with it).
 */
static void
test_derived_address_long_vpc_id(void **state)
{
	static const unsigned lengths[] = { 8, 149, 150, 151, 152, 1000 };
	struct world w;

	(void)state;
	for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
		char id[1024] = "vpc-";
		memset(id + 4, 'a', lengths[k] - 4);
		id[lengths[k]] = 0;
		char *defs = NULL;
		/* a /29 leaves three addresses (.4 to .6): two are taken */
		assert_true(asprintf(&defs,
			"Vpcs:\n"
			"  - VpcId: %s\n"
			"    CidrBlock: 10.0.0.0/16\n"
			"    Subnets:\n"
			"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.0.0/29}\n"
			"    NetworkInterfaces:\n"
			"      - {NetworkInterfaceId: eni-1, SubnetId: subnet-a, PrivateIpAddress: 10.0.0.4}\n"
			"      - {NetworkInterfaceId: eni-2, SubnetId: subnet-a, PrivateIpAddress: 10.0.0.6}\n"
			"    VpcEndpoints:\n"
			"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
			"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
			"        SubnetIds: [subnet-a]\n", id) > 0);
		world_load(&w, "w.yaml", defs);
		free(defs);
		assert_string_equal(world_msgs(&w), "");
		struct topo_endpoint *ep = endpoint_n(&w, 0);
		assert_int_equal(ep->n_enis, 1);
		assert_int_equal(ep->enis[0]->n_v4, 1);
		assert_int_equal(ep->enis[0]->v4[0].bytes[3], 5);
		world_free(&w);
	}
}

/* Names longer than the old fixed buffers are used whole: an AZ of 64
 * characters or more gave no region, a derived service label was cut at
 * 255 characters. */
static void
test_long_texts(void **state)
{
	static const unsigned lengths[] = { 62, 63, 64, 65, 300 };
	struct world w;

	(void)state;
	for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
		char az[400] = "us-east-2", part[400] = "", want[400] = "";
		memset(az + 9, 'z', lengths[k] - 9);
		az[lengths[k]] = 0;
		/* a service of parts p0.p1.…: its label is the parts reversed */
		for (unsigned i = 0; strlen(part) + 12 < lengths[k]; i++) {
			char one[16], rev[400 + 16];	/* want and one more part */
			snprintf(one, sizeof(one), "%sp%u", i ? "." : "", i);
			strcat(part, one);
			snprintf(rev, sizeof(rev), "p%u%s%s", i, i ? "." : "", want);
			strcpy(want, rev);
		}
		char *defs = NULL;
		assert_true(asprintf(&defs,
			"Vpcs:\n"
			"  - VpcId: vpc-1\n"
			"    CidrBlock: 10.0.0.0/16\n"
			"    Subnets:\n"
			"      - {SubnetId: subnet-a, AvailabilityZone: %s, CidrBlock: 10.0.0.0/24}\n"
			"  - VpcId: vpc-2\n"
			"    CidrBlock: 10.1.0.0/16\n"
			"    Region: us-east-2\n"
			"    VpcEndpoints:\n"
			"      - {ServiceName: com.amazonaws.us-east-2.%s}\n",
			az, part) > 0);
		world_load(&w, "w.yaml", defs);
		free(defs);
		assert_string_equal(vpc(&w, "vpc-1")->region, "us-east-2");
		assert_string_equal(endpoint_n(&w, 0)->service->label, want);
		world_free(&w);
	}
}

static void
test_duplicate_vpc(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "dup.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"  - VpcId: vpc-2\n"
		"    CidrBlock: 10.1.0.0/16\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.2.0.0/16\n");
	assert_int_equal(w.d.errors, 1);
	assert_int_equal(w.load_rc, -1);
	assert_string_equal(world_msgs(&w),
		"dup.yaml:6: error: VPC vpc-1 is defined twice (first at dup.yaml:2)\n");
	/* the first stays */
	assert_int_equal(w.t->n_vpcs, 2);
	assert_int_equal(vpc(&w, "vpc-1")->src.line, 2);
	world_free(&w);

	/* across two files too */
	world_load(&w, "a.yaml", "Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n");
	static const char json[] =
		"{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}\n  ]\n}\n";
	assert_int_equal(defs_load_buffer(w.t, "b.json", json, sizeof(json) - 1, &w.d), -1);
	assert_string_equal(world_msgs(&w),
		"b.json:3: error: VPC vpc-1 is defined twice (first at a.yaml:1)\n");
	world_free(&w);
}

static void
test_unknown_references(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "ref.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"Subnets:\n"
		"  - {SubnetId: subnet-x, VpcId: vpc-9, AvailabilityZone: us-east-2a, CidrBlock: 10.9.1.0/24}\n"
		"VpcEndpoints:\n"
		"  - VpcEndpointId: vpce-0123456789abcdef0\n"
		"    VpcId: vpc-8\n"
		"    ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"  - VpcEndpointId: vpce-0123456789abcdef1\n"
		"    VpcId: vpc-1\n"
		"    ServiceName: com.amazonaws.us-east-2.monitoring\n"
		"    SubnetIds: [subnet-y]\n");
	assert_int_equal(w.load_rc, 0);
	assert_int_equal(w.resolve_rc, -1);
	assert_int_equal(w.d.errors, 3);
	assert_string_equal(world_msgs(&w),
		"ref.yaml:5: error: subnet subnet-x is in VPC vpc-9, which no definition describes\n"
		"ref.yaml:7: error: endpoint vpce-0123456789abcdef0 is in VPC vpc-8, which no "
		"definition describes\n"
		"ref.yaml:10: error: endpoint vpce-0123456789abcdef1: subnet subnet-y is not defined\n"
		"ref.yaml:10: warning: endpoint vpce-0123456789abcdef1 has no network interfaces: "
		"its names have no addresses\n");
	world_free(&w);
}

static void
test_private_dns_conflict(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "pdns.yaml",
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
		"        ServiceName: com.amazonaws.us-east-2.sts\n"
		"        SubnetIds: [subnet-a]\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2\n"
		"        ServiceName: com.amazonaws.us-east-2.sts\n"
		"        SubnetIds: [subnet-a]\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3\n"
		"        ServiceName: com.amazonaws.us-east-2.sts\n"
		"        PrivateDnsEnabled: false\n"
		"        SubnetIds: [subnet-a]\n"
		"  - VpcId: vpc-2\n"
		"    CidrBlock: 10.1.0.0/16\n"
		"    VpcEndpoints:\n"
		"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa4\n"
		"        ServiceName: com.amazonaws.us-east-2.sts\n"
		"        NetworkInterfaces: [{AvailabilityZone: us-east-2a, PrivateIpAddress: 10.1.0.9}]\n");
	/* one error per private name of the second endpoint; none for the one
	 * without private DNS, nor for the one in the other VPC */
	struct topo_endpoint *ep = endpoint_n(&w, 1);
	assert_true(ep->n_private > 0);
	assert_int_equal(w.d.errors, ep->n_private);
	assert_int_equal(w.resolve_rc, -1);
	char want[512];
	snprintf(want, sizeof(want),
		"pdns.yaml:10: error: private-dns-enabled cannot be set because there is already "
		"a conflicting DNS domain for %s in the VPC vpc-1 (endpoint vpce-0aaaaaaaaaaaaaaa1 "
		"at pdns.yaml:7)\n", ep->private_names[0]);
	assert_int_equal(strncmp(world_msgs(&w), want, strlen(want)), 0);
	assert_string_equal(ep->private_names[0], "sts.us-east-2.amazonaws.com");
	assert_int_equal(endpoint_n(&w, 2)->n_private, 0);
	world_free(&w);
}

/* ---- S3's PrivateDnsOnlyForInboundResolverEndpoint ---- */

static void
test_inbound_only(void **state)
{
	struct world w;
	static const char head[] =
		"Vpcs:\n"
		"  - VpcId: vpc-1\n"
		"    CidrBlock: 10.0.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
		"  - VpcId: vpc-2\n"
		"    CidrBlock: 10.1.0.0/16\n"
		"    Subnets:\n"
		"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2a, CidrBlock: 10.1.1.0/24}\n"
		"VpcEndpoints:\n";
	char defs[4096];

	(void)state;
	/* default: on with a gateway endpoint in the VPC, off without one */
	snprintf(defs, sizeof(defs), "%s"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.s3, SubnetIds: [subnet-a]}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.s3, VpcEndpointType: Gateway}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3, VpcId: vpc-2, ServiceName: com.amazonaws.us-east-2.s3, SubnetIds: [subnet-b]}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa4, VpcId: vpc-2, ServiceName: com.amazonaws.us-east-2.dynamodb, VpcEndpointType: Gateway}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa5, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.s3, SubnetIds: [subnet-a], PrivateDnsEnabled: false}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa6, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.monitoring, SubnetIds: [subnet-a]}\n",
		head);
	world_clean(&w, defs);
	assert_int_equal(endpoint_n(&w, 0)->inbound_only, TRI_YES);
	/* a gateway for another service does not count */
	assert_int_equal(endpoint_n(&w, 2)->inbound_only, TRI_NO);
	/* without private DNS, or for another service, it does not apply */
	assert_int_equal(endpoint_n(&w, 4)->inbound_only, TRI_NO);
	assert_int_equal(endpoint_n(&w, 5)->inbound_only, TRI_NO);
	world_free(&w);

	/* explicitly off beside a gateway is fine */
	snprintf(defs, sizeof(defs), "%s"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.s3, SubnetIds: [subnet-a], DnsOptions: {PrivateDnsOnlyForInboundResolverEndpoint: false}}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.s3, VpcEndpointType: Gateway}\n",
		head);
	world_clean(&w, defs);
	assert_int_equal(endpoint_n(&w, 0)->inbound_only, TRI_NO);
	world_free(&w);

	/* on without a gateway, or on a service it does not apply to: refused */
	snprintf(defs, sizeof(defs), "%s"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3, VpcId: vpc-2, ServiceName: com.amazonaws.us-east-2.s3, SubnetIds: [subnet-b], DnsOptions: {PrivateDnsOnlyForInboundResolverEndpoint: true}}\n"
		"  - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa6, VpcId: vpc-1, ServiceName: com.amazonaws.us-east-2.monitoring, SubnetIds: [subnet-a], DnsOptions: {PrivateDnsOnlyForInboundResolverEndpoint: true}}\n",
		head);
	world_load(&w, "w.yaml", defs);
	assert_int_equal(w.d.errors, 2);
	assert_string_equal(world_msgs(&w),
		"w.yaml:11: error: To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC "
		"vpc-2 must have a gateway endpoint for the service.\n"
		"w.yaml:12: error: endpoint vpce-0aaaaaaaaaaaaaaa6: PrivateDnsOnlyForInboundResolverEndpoint "
		"applies only to S3 interface endpoints with private DNS\n");
	world_free(&w);
}

/* ---- DNS attributes ---- */

static void
test_vpc_attributes(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "attr.yaml",
		"{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"},\n"
		"           {\"VpcId\": \"vpc-2\", \"CidrBlock\": \"10.1.0.0/16\", \"IsDefault\": true}]}\n"
		"---\n"
		"{\"VpcId\": \"vpc-1\", \"EnableDnsHostnames\": {\"Value\": true}}\n"
		"---\n"
		"{\"VpcId\": \"vpc-2\", \"EnableDnsSupport\": {\"Value\": false}}\n"
		"---\n"
		"{\"VpcId\": \"vpc-7\", \"EnableDnsSupport\": {\"Value\": false}}\n");
	assert_int_equal(w.d.errors, 1);
	assert_string_equal(world_msgs(&w),
		"attr.yaml:8: error: VPC attribute for vpc-7, which no definition describes\n");
	/* AWS defaults: support on; hostnames only in default VPCs */
	assert_int_equal(vpc(&w, "vpc-1")->dns_support, TRI_YES);
	assert_int_equal(vpc(&w, "vpc-1")->dns_hostnames, TRI_YES);
	assert_int_equal(vpc(&w, "vpc-2")->dns_support, TRI_NO);
	assert_int_equal(vpc(&w, "vpc-2")->dns_hostnames, TRI_YES);
	world_free(&w);

	world_clean(&w, "Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n");
	assert_int_equal(vpc(&w, "vpc-1")->dns_support, TRI_YES);
	assert_int_equal(vpc(&w, "vpc-1")->dns_hostnames, TRI_NO);
	world_free(&w);
}

/* ---- instances, DHCP options, what is not read (issue 9 items 1, 2) ---- */

static const char instance_defs[] =
	"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16, DhcpOptionsId: dopt-1}]\n"
	"Subnets:\n"
	"  - {SubnetId: subnet-1, VpcId: vpc-1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24,\n"
	"     EnableDns64: true, PrivateDnsNameOptionsOnLaunch: {HostnameType: resource-name,\n"
	"     EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: false}}\n"
	"---\n"
	"Reservations:\n"
	"  - ReservationId: r-1\n"
	"    OwnerId: '111122223333'\n"
	"    Groups: []\n"
	"    Instances:\n"
	"      - {InstanceId: i-1, VpcId: vpc-1, SubnetId: subnet-1, PrivateIpAddress: 10.0.1.5,\n"
	"         PublicIpAddress: 203.0.113.5, PublicDnsName: '', KeyName: k,\n"
	"         State: {Code: 16, Name: running}}\n"
	"      - {InstanceId: i-2, VpcId: vpc-1, SubnetId: subnet-1, PrivateIpAddress: 10.0.1.6,\n"
	"         Ipv6Address: '2600:1f16::6', State: {Code: 80, Name: stopped},\n"
	"         PrivateDnsNameOptions: {HostnameType: ip-name, EnableResourceNameDnsARecord: false,\n"
	"           EnableResourceNameDnsAAAARecord: true}}\n"
	"      - {InstanceId: i-3, PrivateDnsName: '', State: {Code: 48, Name: terminated}}\n"
	"---\n"
	"NetworkInterfaces:\n"
	"  - {NetworkInterfaceId: eni-1, SubnetId: subnet-1, Description: '', InterfaceType: nat_gateway,\n"
	"     PrivateIpAddress: 10.0.1.9, Association: {PublicIp: 203.0.113.9, IpOwnerId: amazon},\n"
	"     PrivateIpAddresses: [{PrivateIpAddress: 10.0.1.9, Primary: true,\n"
	"       Association: {PublicIp: 203.0.113.9}}, {PrivateIpAddress: 10.0.1.10,\n"
	"       Association: {PublicIp: 203.0.113.10}}]}\n"
	"---\n"
	"DhcpOptions:\n"
	"  - DhcpOptionsId: dopt-1\n"
	"    DhcpConfigurations:\n"
	"      - {Key: domain-name, Values: [{Value: corp.example.com}]}\n"
	"      - {Key: domain-name-servers, Values: [{Value: AmazonProvidedDNS}]}\n";

static void
test_instances_and_dhcp(void **state)
{
	struct world w;

	(void)state;
	world_clean(&w, instance_defs);
	assert_int_equal(w.t->n_instances, 3);
	struct topo_instance *i1 = strmap_get(&w.t->instance_by_id, "i-1");
	struct topo_instance *i2 = strmap_get(&w.t->instance_by_id, "i-2");
	struct topo_instance *i3 = strmap_get(&w.t->instance_by_id, "i-3");
	assert_non_null(i1);
	assert_non_null(i2);
	assert_non_null(i3);
	/* the subnet's launch options where the instance gives none */
	assert_int_equal(i1->hostname_type, HOSTNAME_RESOURCE_NAME);
	assert_int_equal(i1->rn_a, TRI_YES);
	assert_int_equal(i1->rn_aaaa, TRI_NO);
	assert_int_equal(i1->n_publics, 1);
	assert_int_equal(i1->publics[0].public_ip.bytes[3], 5);
	assert_int_equal(i1->publics[0].private_ip.bytes[3], 5);
	/* its own options win */
	assert_int_equal(i2->hostname_type, HOSTNAME_IP_NAME);
	assert_int_equal(i2->rn_a, TRI_NO);
	assert_int_equal(i2->rn_aaaa, TRI_YES);
	assert_true(i2->has_v6);
	assert_string_equal(i2->state, "stopped");
	/* terminated: no VPC, no names */
	assert_null(i3->vpc);
	assert_string_equal(i3->state, "terminated");
	/* a NAT gateway's interface, Description "" and two public addresses */
	struct topo_eni *e = eni(&w, "eni-1");
	assert_string_equal(e->interface_type, "nat_gateway");
	assert_int_equal(e->n_publics, 2);
	assert_int_equal(e->publics[1].private_ip.bytes[3], 10);
	/* subnets keep EnableDns64 for DNS64; the VPC its DHCP domain */
	struct topo_subnet *sn = strmap_get(&w.t->subnet_by_id, "subnet-1");
	assert_non_null(sn);
	assert_int_equal(sn->dns64, TRI_YES);
	assert_string_equal(vpc(&w, "vpc-1")->domain_name, "corp.example.com");
	world_free(&w);
}

static void
test_unread_output_and_bad_options(void **state)
{
	struct world w;

	(void)state;
	world_load(&w, "rt.yaml", "{\"RouteTables\": [], \"NextToken\": null}\n---\n"
		"{\"LoadBalancers\": []}\n---\n"
		"{\"VpcId\": \"vpc-1\", \"EnableNetworkAddressUsageMetrics\": {\"Value\": false}}\n---\n"
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n"
		"Subnets: [{SubnetId: s-1, VpcId: vpc-1, AvailabilityZone: us-east-2a,\n"
		"  CidrBlock: 10.0.1.0/24, PrivateDnsNameOptionsOnLaunch: {HostnameType: fqdn}}]\n");
	assert_string_equal(world_msgs(&w),
		"rt.yaml:1: warning: 'RouteTables' is the output of aws ec2 describe-route-tables, "
		"which dnsd does not read; skipped\n"
		"rt.yaml:3: warning: 'LoadBalancers' is the output of aws elbv2 "
		"describe-load-balancers, which dnsd does not read; skipped\n"
		"rt.yaml:9: error: PrivateDnsNameOptionsOnLaunch: HostnameType 'fqdn' is not "
		"ip-name or resource-name\n");
	world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_derived),
		cmocka_unit_test(test_cross_region_endpoint),
		cmocka_unit_test(test_generated_ids),
		cmocka_unit_test(test_suffix_from_dns_entries),
		cmocka_unit_test(test_ip_address_types),
		cmocka_unit_test(test_record_type_pairs),
		cmocka_unit_test(test_eni_outside_subnet),
		cmocka_unit_test(test_duplicate_address),
		cmocka_unit_test(test_enis_by_description),
		cmocka_unit_test(test_derived_address_long_vpc_id),
		cmocka_unit_test(test_long_texts),
		cmocka_unit_test(test_duplicate_vpc),
		cmocka_unit_test(test_unknown_references),
		cmocka_unit_test(test_private_dns_conflict),
		cmocka_unit_test(test_inbound_only),
		cmocka_unit_test(test_vpc_attributes),
		cmocka_unit_test(test_instances_and_dhcp),
		cmocka_unit_test(test_unread_output_and_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
