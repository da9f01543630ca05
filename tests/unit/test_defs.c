/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs.c - loading: document keys dispatched to their family, paging keys, values of the wrong kind, unknown keys and fields. */
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
	assert_msg(f, "create.yaml:6:1: warning: unknown field 'Extra' in get-hosted-zone output, ignored");
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

/* A key no family reads is skipped with a warning naming every key the
 * families' tables mark as listed (and their whole-document shapes, in
 * table order); the rest of the document is read. --strict makes it an
 * error. */
static void
test_unknown_key_lists_the_tables(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "bogus.yaml", "Vpcs: []\nBogus: 1\n"), 0);
	assert_string_equal(messages(f), "bogus.yaml:2:1: warning: unknown document key "
		"'Bogus', skipped: not AWS CLI output dnsd reads (it reads Vpcs, Subnets, "
		"VpcEndpoints, NetworkInterfaces, ServiceDetails, Reservations, DhcpOptions, "
		"describe-vpc-attribute output, HostedZones, ResourceRecordSets, HealthChecks, "
		"HealthCheck, HealthCheckObservations, CidrCollections, CidrBlocks, CidrLocations, "
		"get-hosted-zone output, ResolverRules, ResolverRuleAssociations, ResolverEndpoints, "
		"IpAddresses, items, get-rest-api output, "
		"Dnsd, FirewallDomainLists, Domains, FirewallRuleGroups, FirewallRules, "
		"FirewallRuleGroupAssociations and FirewallConfigs)\n");
	/* singular forms and paging keys are read, but not listed */
	assert_int_equal(load(f, "one.yaml", "Vpc: {VpcId: vpc-9, CidrBlock: 10.9.0.0/16}\n"
		"NextToken: x\nIsTruncated: false\n"), 0);
	assert_int_equal(resolve(f), 0);
	assert_non_null(strmap_get(&f->t->vpc_by_id, "vpc-9"));
	assert_int_equal(f->d.errors, 0);
	assert_int_equal(f->d.warnings, 1);
}

/* Output of an AWS command dnsd does not read (describe-instances) loads
 * beside what it reads: a warning naming the file and the key. */
static void
test_unknown_key_of_other_aws_output_is_skipped(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "capture/buckets.json",
		"{\"Buckets\": [{\"Name\": \"logs\"}],\n \"Owner\": {\"ID\": \"0123\"}}"), 0);
	assert_msg(f, "capture/buckets.json:1:2: warning: unknown document key "
		"'Buckets', skipped: not AWS CLI output dnsd reads");
	assert_msg(f, "capture/buckets.json:2:2: warning: unknown document key "
		"'Owner', skipped: not AWS CLI output dnsd reads");
	assert_int_equal(f->d.errors, 0);
	f->d.strict = true;
	assert_int_equal(load(f, "capture/users.json", "{\"Users\": []}"), -1);
	assert_msg(f, "capture/users.json:1:2: error: unknown document key 'Users', "
		"skipped: not AWS CLI output dnsd reads");
	/* output the ec2 family knows it skips: its own words, an error with --strict too */
	assert_int_equal(load(f, "capture/rt.json", "{\"RouteTables\": []}"), -1);
	assert_msg(f, "capture/rt.json:1: error: 'RouteTables' is the output of aws ec2 "
		"describe-route-tables, which dnsd does not read; skipped");
}

/* A key one or two edits from a known one: "did you mean". */
static void
test_unknown_key_did_you_mean(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "typo.yaml", "Vpcss: []\nsubnets: []\nResolverRuls: []\n"
		"NetworkInterface: []\nVpcEndpoint: []\nResolverEndpoints: []\n"), 0);
	assert_msg(f, "typo.yaml:1:1: warning: unknown document key 'Vpcss', skipped (did you "
		"mean Vpcs?)");
	/* letter case alone */
	assert_msg(f, "typo.yaml:2:1: warning: unknown document key 'subnets', skipped (did "
		"you mean Subnets?)");
	/* two keys as close: both */
	assert_msg(f, "typo.yaml:3:1: warning: unknown document key 'ResolverRuls', skipped "
		"(did you mean ResolverRules or ResolverRule?)");
	assert_int_equal(f->d.warnings, 3);
}

static const char eni_typos[] =
	"NetworkInterfaces:\n"
	"  - NetworkInterfaceId: eni-1\n"
	"    SubnetId: subnet-1\n"
	"    PrivateIpAdress: 10.0.1.5\n"		/* 4: PrivateIpAddress is absent: error */
	"  - NetworkInterfaceId: eni-2\n"
	"    SubnetId: subnet-1\n"
	"    PrivateIpAddress: 10.0.1.6\n"
	"    PrivateIpAdress: 10.0.1.7\n"		/* 8: it is there: a warning */
	"  - {NetworkInterfaceId: eni-3, SubnetId: subnet-1, privateIpAddress: 10.0.1.8}\n"
	"  - {NetworkInterfaceId: eni-4, SubnetId: subnet-1, Colour: blue, TagSets: []}\n"
	"  - {NetworkInterfaceId: eni-5, SubnetId: subnet-1, PrivateIpAdr: 10.0.1.9}\n";

/* Unknown fields: "did you mean" from the object's own table; a misspelt
 * field dnsd uses that the object lacks is an error even without --strict
 * (the address would otherwise be derived and served). */
static void
test_unknown_fields(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "enis.yaml", eni_typos), -1);
	assert_msg(f, "enis.yaml:4:5: error: unknown field 'PrivateIpAdress' in a network "
		"interface: did you mean PrivateIpAddress? (otherwise dnsd reads a network "
		"interface as having no PrivateIpAddress)\n");
	assert_msg(f, "enis.yaml:8:5: warning: unknown field 'PrivateIpAdress' in a network "
		"interface, ignored (did you mean PrivateIpAddress?)\n");
	assert_msg(f, "enis.yaml:9:53: error: unknown field 'privateIpAddress' in a network "
		"interface: did you mean PrivateIpAddress?");
	/* nothing close: ignored; close to a field dnsd does not use: a warning */
	assert_msg(f, "enis.yaml:10:53: warning: unknown field 'Colour' in a network interface, "
		"ignored\n");
	assert_msg(f, "enis.yaml:10:67: warning: unknown field 'TagSets' in a network "
		"interface, ignored (did you mean TagSet?)\n");
	/* four edits away: a suggestion, not an error */
	assert_msg(f, "enis.yaml:11:53: warning: unknown field 'PrivateIpAdr' in a network "
		"interface, ignored (did you mean PrivateIpAddress?)\n");
	assert_int_equal(f->d.errors, 2);
	assert_int_equal(f->d.warnings, 4);
}

/* --strict: every unknown field is an error. */
static void
test_unknown_fields_strict(void **state)
{
	struct fx *f = *state;
	f->d.strict = true;
	assert_int_equal(load(f, "enis.yaml", eni_typos), -1);
	assert_msg(f, "enis.yaml:8:5: error: unknown field 'PrivateIpAdress' in a network "
		"interface, ignored (did you mean PrivateIpAddress?)\n");
	assert_msg(f, "enis.yaml:10:53: error: unknown field 'Colour' in a network interface, "
		"ignored\n");
	assert_int_equal(f->d.errors, 6);
	assert_int_equal(f->d.warnings, 0);
}

/* A table with one field, and one with many near misses. */
static void
test_unknown_field_tables_of_any_size(void **state)
{
	struct fx *f = *state;
	/* Dnsd: two fields */
	assert_int_equal(load(f, "d.yaml", "Dnsd: {DefaultVPC: vpc-1}\n"), -1);
	assert_msg(f, "d.yaml:1:8: error: unknown field 'DefaultVPC' in Dnsd: did you mean "
		"DefaultVpc?");
	/* a Health entry: four */
	assert_int_equal(load(f, "h.yaml", "Dnsd:\n  Health:\n    - {AvailabiltyZone: us-east-2a, "
		"Healthy: false}\n"), -1);
	assert_msg(f, "h.yaml:3:8: error: unknown field 'AvailabiltyZone' in a Health entry: "
		"did you mean AvailabilityZone?");
	/* a key far from everything, however long, gets no suggestion */
	char doc[400];
	snprintf(doc, sizeof(doc), "Vpcs: [{VpcId: vpc-3, CidrBlock: 10.3.0.0/16, %0300d: 1}]\n",
		7);
	assert_int_equal(load(f, "long.yaml", doc), 0);
	assert_msg(f, "long.yaml:1:47: warning: unknown field '000000000000");
	assert_msg(f, "0000000\xe2\x80\xa6" "' in a VPC, ignored\n");
}

/* The same misspelling in every object of a large file: the first ten
 * are shown, the rest counted (each still counts) and summed up. */
static void
test_repeated_unknown_fields_are_capped(void **state)
{
	struct fx *f = *state;
	size_t cap = 10000 * 128 + 64, n = 0;
	char *doc = malloc(cap);
	assert_non_null(doc);
	n += (size_t)snprintf(doc + n, cap - n, "Subnets:\n");
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(doc + n, cap - n, "  - {SubnetId: s-%d, VpcId: vpc-1, "
			"AvailabilityZone: us-east-2a, CidrBlock: 10.0.0.0/16, Shade: x}\n", i);
	if (load(f, "many.yaml", doc) != 0)
		fail_msg("%s", messages(f));
	free(doc);
	assert_int_equal(f->d.warnings, 10000);
	const char *all = messages(f);
	unsigned shown = 0;
	for (const char *p = all; (p = strstr(p, "unknown field 'Shade'")); p++)
		shown++;
	assert_int_equal(shown, 11);	/* ten, and the line that sums up */
	assert_msg(f, "many.yaml:11:89: warning: unknown field 'Shade' in a subnet, ignored\n"
		"many.yaml: warning: \xe2\x80\xa6" "and 9,990 more like \"unknown field 'Shade' in a "
		"subnet, ignored\" (not shown; lines 12 to 10001)\n");
}
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_document_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_lists_the_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_of_other_aws_output_is_skipped,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_did_you_mean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_fields_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_field_tables_of_any_size, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_repeated_unknown_fields_are_capped, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
