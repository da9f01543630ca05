/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs.c - loading: document keys dispatched to their family, paging keys, values of the wrong kind. */
#include "config.h"
#include "defs_fixture.h"

static void
test_document_keys(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones: []\n"
		"HostedZoneId: Z0123456789ABCDEFGHIJ\n"
		"DNSName: corp.example.com\n"
		"NextDNSName: x\n"
		"NextHostedZoneId: Z1\n"
		"IsTruncated: false\n"
		"MaxItems: '100'\n"
		"Marker: a\n"
		"NextMarker: b\n"
		"NextToken: c\n"
		"MaxResults: 10\n"
		"NextRecordName: d\n"
		"NextRecordType: A\n"
		"NextRecordIdentifier: e\n";
	static const char lonely[] =
		"ResolverEndpointId: rslvr-in-1\n"
		"HostedZoneId: Z1\n";
	static const char get_extra[] =
		"HostedZone: {Id: ZGETEXTRA00000001, Name: g.example.com}\n"
		"VPC: {VPCId: vpc-1, VPCRegion: us-west-2}\n"
		"ChangeInfo: {Id: x, Status: PENDING}\n"
		"Location: https://route53.amazonaws.com/2013-04-01/hostedzone/ZGETEXTRA00000001\n"
		"ResourceRecordSets: [{Name: www.g.example.com, Type: A, TTL: 5, ResourceRecords: [{Value: 10.0.0.1}]}]\n"
		"Extra: 1\n";
	assert_int_equal(load(f, "paging.yaml", doc), 0);
	assert_int_equal(f->d.warnings, 0);
	assert_int_equal(load(f, "lonely.yaml", lonely), 0);
	assert_msg(f, "lonely.yaml:1: warning: ResolverEndpointId says which endpoint "
		"IpAddresses belong to; there are none here, ignored");
	assert_msg(f, "lonely.yaml:2: warning: HostedZoneId says which zone ResourceRecordSets "
		"belong to; there are none here, ignored");
	/* create-hosted-zone output: one VPC, records added by hand */
	assert_int_equal(load(f, "create.yaml", get_extra), 0);
	assert_msg(f, "create.yaml:6: warning: unknown field 'Extra' in get-hosted-zone output");
	assert_int_equal(resolve(f), 0);
	struct topo_hosted_zone *z = zone(f, "ZGETEXTRA00000001");
	assert_int_equal(z->n_vpcs, 1);
	assert_int_equal(z->n_rrs, 1);
	assert_msg(f, "create.yaml:2: warning: VPCRegion us-west-2, but vpc-1 is in us-east-2");
}

static void
test_not_mappings(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"HostedZones: [1]\n"
		"ResourceRecordSets: 5\n"
		"ResolverRules: x\n"
		"IpAddresses: {a: b}\n";
	assert_int_equal(load(f, "junk.yaml", doc), -1);
	assert_msg(f, "junk.yaml:1: error: a hosted zone must be a mapping, not a scalar");
	assert_msg(f, "junk.yaml:2: error: ResourceRecordSets must be a list");
	assert_msg(f, "junk.yaml:3: error: ResolverRules must be a list");
	assert_msg(f, "junk.yaml:4: error: IpAddresses must be a list");
	/* no records, so no zone to look for: nothing more is reported */
	unsigned before = f->d.errors;
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->d.errors, before);
}

/* The message of an unknown key names every key the families' tables mark
 * as listed, and their whole-document shapes, in table order. */
static void
test_unknown_key_lists_the_tables(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "bogus.yaml", "Vpcs: []\nBogus: 1\n"), -1);
	assert_string_equal(messages(f), "bogus.yaml:2: error: unknown document key 'Bogus' "
		"(dnsd reads Vpcs, Subnets, VpcEndpoints, NetworkInterfaces, ServiceDetails, "
		"Reservations, DhcpOptions, describe-vpc-attribute output, HostedZones, "
		"ResourceRecordSets, HealthChecks, HealthCheck, HealthCheckObservations, "
		"CidrCollections, CidrBlocks, CidrLocations, get-hosted-zone output, ResolverRules, "
		"ResolverRuleAssociations, ResolverEndpoints, IpAddresses, items, get-rest-api output, "
		"Dnsd, FirewallDomainLists, Domains, FirewallRuleGroups, FirewallRules, "
		"FirewallRuleGroupAssociations and FirewallConfigs)\n");
	/* singular forms and paging keys are read, but not listed */
	assert_int_equal(load(f, "one.yaml", "Vpc: {VpcId: vpc-9, CidrBlock: 10.9.0.0/16}\n"
		"NextToken: x\nIsTruncated: false\n"), 0);
	assert_int_equal(resolve(f), 0);
	assert_non_null(strmap_get(&f->t->vpc_by_id, "vpc-9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_document_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_lists_the_tables, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
