/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_topology.c - the model's lookups: which ENIs are healthy, which VPC is the default. */
#include "config.h"
#include "defs_fixture.h"

/* ---- health ---- */

static const char health_defs[] =
	"Vpcs:\n"
	"  - VpcId: vpc-1\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}\n"
	"      - {SubnetId: subnet-c, AvailabilityZone: us-east-2c, CidrBlock: 10.0.3.0/24}\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1\n"
	"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        NetworkInterfaceIds: [eni-a1, eni-b1, eni-c1, eni-a2, eni-b2]\n"
	"      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2\n"
	"        ServiceName: com.amazonaws.us-east-2.ssm\n"
	"        NetworkInterfaceIds: [eni-c2]\n"
	"NetworkInterfaces:\n"
	"  - {NetworkInterfaceId: eni-a1, SubnetId: subnet-a, PrivateIpAddress: 10.0.1.5, Status: in-use}\n"
	"  - {NetworkInterfaceId: eni-b1, SubnetId: subnet-b, PrivateIpAddress: 10.0.2.5, Status: available}\n"
	"  - {NetworkInterfaceId: eni-c1, SubnetId: subnet-c, PrivateIpAddress: 10.0.3.5, Healthy: false}\n"
	"  - {NetworkInterfaceId: eni-a2, SubnetId: subnet-a, PrivateIpAddress: 10.0.1.6}\n"
	"  - {NetworkInterfaceId: eni-b2, SubnetId: subnet-b, PrivateIpAddress: 10.0.2.6}\n"
	"  - {NetworkInterfaceId: eni-c2, SubnetId: subnet-c, PrivateIpAddress: 10.0.3.6}\n"
	"Dnsd:\n"
	"  Health:\n"
	"    - {AvailabilityZone: us-east-2a, Healthy: false}\n"
	"    - {NetworkInterfaceId: eni-a2, Healthy: true}\n"
	"    - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2, Healthy: false}\n"
	"    - {AvailabilityZone: us-east-2b, NetworkInterfaceId: eni-a1, Healthy: true}\n";

static void
test_health(void **state)
{
	struct world w;

	(void)state;
	world_clean(&w, health_defs);
	const struct topology *t = w.t;
	/* the AZ is marked down ... */
	assert_false(topology_eni_healthy(t, eni(&w, "eni-a1")));
	/* ... but a later entry brings one of its ENIs back */
	assert_true(topology_eni_healthy(t, eni(&w, "eni-a2")));
	/* Status other than in-use */
	assert_false(topology_eni_healthy(t, eni(&w, "eni-b1")));
	/* the ENI's own Healthy: false */
	assert_false(topology_eni_healthy(t, eni(&w, "eni-c1")));
	assert_true(topology_eni_healthy(t, eni(&w, "eni-b2")));
	/* an entry for the whole endpoint */
	assert_false(topology_eni_healthy(t, eni(&w, "eni-c2")));
	assert_ptr_equal(eni(&w, "eni-c2")->endpoint, endpoint_n(&w, 1));
	world_free(&w);

	/* a bare ENI with no status and no entries is healthy */
	struct topo_eni e;
	memset(&e, 0, sizeof(e));
	e.healthy = TRI_UNSET;
	world_clean(&w, "Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n");
	assert_true(topology_eni_healthy(w.t, &e));
	e.status = "detaching";
	assert_false(topology_eni_healthy(w.t, &e));
	world_free(&w);

	/* entries that name nothing defined: warnings */
	world_load(&w, "h.yaml",
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n"
		"Dnsd:\n"
		"  Health:\n"
		"    - {NetworkInterfaceId: eni-zz, Healthy: false}\n"
		"    - {VpcEndpointId: vpce-0zzzzzzzzzzzzzzz9, Healthy: false}\n");
	assert_int_equal(w.d.errors, 0);
	assert_string_equal(world_msgs(&w),
		"h.yaml:4: warning: health entry names network interface eni-zz, which is not defined\n"
		"h.yaml:5: warning: health entry names endpoint vpce-0zzzzzzzzzzzzzzz9, which is not "
		"defined\n");
	world_free(&w);
}

/* ---- the default VPC ---- */

static const char *
default_vpc_of(const char *defs, unsigned *errors, unsigned *warnings)
{
	static char id[64];
	struct world w;

	world_load(&w, "d.yaml", defs);
	const struct topo_vpc *v = topology_default_vpc(w.t);
	snprintf(id, sizeof(id), "%s", v ? v->id : "(none)");
	*errors = w.d.errors;
	*warnings = w.d.warnings;
	world_free(&w);
	return id;
}

static void
test_default_vpc(void **state)
{
	unsigned e, wn;

	(void)state;
	/* one VPC: it is the default */
	assert_string_equal(default_vpc_of("Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n",
		&e, &wn), "vpc-1");
	assert_int_equal(e, 0);
	/* two: none, unless one says IsDefault */
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}, {VpcId: vpc-2, CidrBlock: 10.1.0.0/16}]\n",
		&e, &wn), "(none)");
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}, "
		"{VpcId: vpc-2, CidrBlock: 10.1.0.0/16, IsDefault: true}]\n", &e, &wn), "vpc-2");
	assert_int_equal(wn, 0);
	/* one VPC that says IsDefault: false is still the only one */
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16, IsDefault: false}]\n", &e, &wn),
		"vpc-1");
	/* two IsDefault: none, with a warning */
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16, IsDefault: true}, "
		"{VpcId: vpc-2, CidrBlock: 10.1.0.0/16, IsDefault: true}]\n", &e, &wn), "(none)");
	assert_int_equal(e, 0);
	assert_int_equal(wn, 1);
	/* DefaultVpc wins over IsDefault and over a single VPC */
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16, IsDefault: true}, "
		"{VpcId: vpc-2, CidrBlock: 10.1.0.0/16}]\n"
		"Dnsd: {DefaultVpc: vpc-2}\n", &e, &wn), "vpc-2");
	assert_int_equal(e, 0);
	/* DefaultVpc naming no VPC: an error, and no default */
	assert_string_equal(default_vpc_of(
		"Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n"
		"Dnsd: {DefaultVpc: vpc-9}\n", &e, &wn), "(none)");
	assert_int_equal(e, 1);
	/* no VPC at all */
	assert_string_equal(default_vpc_of("Dnsd: {Health: []}\n", &e, &wn), "(none)");

	struct world w;
	world_load(&w, "d.yaml",
		"Vpcs:\n"
		"  - {VpcId: vpc-1, CidrBlock: 10.0.0.0/16}\n"
		"Dnsd:\n"
		"  DefaultVpc: vpc-9\n");
	assert_string_equal(world_msgs(&w), "d.yaml:4: error: DefaultVpc vpc-9 is not defined\n");
	world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_default_vpc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
