/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs_resolver.c - the route53resolver family: rules, associations, endpoints and their addresses. */
#include "config.h"
#include "defs_fixture.h"

/* ---- Resolver ---- */

static const char endpoints_doc[] =
	"{\n"
	"    \"MaxResults\": 10,\n"
	"    \"ResolverEndpoints\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-in-60b9fd8fdbexample\",\n"
	"            \"CreatorRequestId\": \"2020-01-01-18:47\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-east-2:111122223333:resolver-endpoint/rslvr-in-60b9fd8fdbexample\",\n"
	"            \"Name\": \"my-inbound-endpoint\",\n"
	"            \"SecurityGroupIds\": [\"sg-f62bexample\"],\n"
	"            \"Direction\": \"INBOUND\",\n"
	"            \"IpAddressCount\": 2,\n"
	"            \"HostVPCId\": \"vpc-1\",\n"
	"            \"Status\": \"OPERATIONAL\",\n"
	"            \"StatusMessage\": \"This Resolver Endpoint is operational.\",\n"
	"            \"CreationTime\": \"2020-01-01T23:02:29.583Z\",\n"
	"            \"ModificationTime\": \"2020-01-01T23:02:29.583Z\",\n"
	"            \"ResolverEndpointType\": \"IPV4\",\n"
	"            \"Protocols\": [\"Do53\"]\n"
	"        },\n"
	"        {\n"								/* 20 */
	"            \"Id\": \"rslvr-out-fdc049932dexample\",\n"
	"            \"CreatorRequestId\": \"2020-01-01-18:48\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-east-2:111122223333:resolver-endpoint/rslvr-out-fdc049932dexample\",\n"
	"            \"Name\": \"my-outbound-endpoint\",\n"
	"            \"SecurityGroupIds\": [\"sg-f62bexample\"],\n"
	"            \"Direction\": \"OUTBOUND\",\n"
	"            \"IpAddressCount\": 2,\n"
	"            \"HostVPCId\": \"vpc-1\",\n"
	"            \"Status\": \"OPERATIONAL\",\n"
	"            \"StatusMessage\": \"This Resolver Endpoint is operational.\",\n"
	"            \"CreationTime\": \"2020-01-01T23:50:50.979Z\",\n"
	"            \"ModificationTime\": \"2020-01-01T23:50:50.979Z\",\n"
	"            \"ResolverEndpointType\": \"DUALSTACK\",\n"
	"            \"Protocols\": [\"Do53\", \"DoH\"]\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char ips_doc[] =
	"{\n"
	"    \"MaxResults\": 10,\n"
	"    \"IpAddresses\": [\n"
	"        {\"IpId\": \"rni-0123456789abcdef0\", \"SubnetId\": \"subnet-1\", \"Ip\": \"10.0.1.53\",\n"
	"         \"Status\": \"ATTACHED\", \"StatusMessage\": \"This IP address is operational.\",\n"
	"         \"CreationTime\": \"2020-01-01T23:02:29.587Z\", \"ModificationTime\": \"2020-01-01T23:02:29.587Z\"},\n"
	"        {\"IpId\": \"rni-0123456789abcdef1\", \"SubnetId\": \"subnet-2\", \"Ip\": \"10.0.2.53\",\n"
	"         \"Ipv6\": \"2600:1f16::53\", \"Status\": \"ATTACHED\", \"StatusMessage\": \"\",\n"
	"         \"CreationTime\": \"2020-01-01T23:02:29.587Z\", \"ModificationTime\": \"2020-01-01T23:02:29.587Z\"},\n"
	"        {\"IpId\": \"rni-0123456789abcdef2\", \"SubnetId\": \"subnet-2\", \"Ip\": \"10.0.2.54\",\n"
	"         \"Status\": \"FAILED_CREATION\"}\n"				/* 11 */
	"    ]\n"
	"}\n";

static const char rules_doc[] =
	"{\n"
	"    \"MaxResults\": 30,\n"
	"    \"ResolverRules\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-autodefined-rr-internet-resolver\",\n"
	"            \"CreatorRequestId\": \"\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-east-2::autodefined-rule/rslvr-autodefined-rr-internet-resolver\",\n"
	"            \"DomainName\": \".\",\n"
	"            \"Status\": \"COMPLETE\",\n"
	"            \"RuleType\": \"RECURSIVE\",\n"
	"            \"Name\": \"Internet Resolver\",\n"
	"            \"OwnerId\": \"Route 53 Resolver\",\n"
	"            \"ShareStatus\": \"NOT_SHARED\"\n"
	"        },\n"
	"        {\n"								/* 15 */
	"            \"Id\": \"rslvr-rr-5328a0899aexample\",\n"
	"            \"CreatorRequestId\": \"2020-01-01-18:47\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-east-2:111122223333:resolver-rule/rslvr-rr-5328a0899aexample\",\n"
	"            \"DomainName\": \"Example.com.\",\n"
	"            \"Status\": \"COMPLETE\",\n"
	"            \"StatusMessage\": \"[Trace id: 1-5dc4b177-ff1d9d001a0f80005example] Successfully created Resolver Rule.\",\n"
	"            \"RuleType\": \"FORWARD\",\n"
	"            \"Name\": \"my-rule\",\n"
	"            \"TargetIps\": [\n"
	"                {\"Ip\": \"192.0.2.6\", \"Port\": 53, \"Protocol\": \"Do53\"},\n"
	"                {\"Ipv6\": \"2001:db8::6\", \"Port\": 5353}\n"
	"            ],\n"
	"            \"ResolverEndpointId\": \"rslvr-out-fdc049932dexample\",\n"
	"            \"OwnerId\": \"111122223333\",\n"
	"            \"ShareStatus\": \"NOT_SHARED\",\n"
	"            \"CreationTime\": \"2020-01-01T23:50:50.979Z\",\n"
	"            \"ModificationTime\": \"2020-01-01T23:50:50.979Z\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char get_rule_doc[] =
	"{\n"
	"    \"ResolverRule\": {\n"
	"        \"Id\": \"rslvr-rr-acme00000example\",\n"
	"        \"DomainName\": \"acme.example.com.\",\n"
	"        \"Status\": \"COMPLETE\",\n"
	"        \"RuleType\": \"SYSTEM\",\n"
	"        \"Name\": \"acme-local\",\n"
	"        \"OwnerId\": \"111122223333\",\n"
	"        \"ShareStatus\": \"NOT_SHARED\"\n"
	"    }\n"
	"}\n";

static const char assocs_doc[] =
	"{\n"
	"    \"MaxResults\": 30,\n"
	"    \"ResolverRuleAssociations\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-autodefined-assoc-vpc-1-internet-resolver\",\n"
	"            \"ResolverRuleId\": \"rslvr-autodefined-rr-internet-resolver\",\n"
	"            \"Name\": \"System Rule Association\",\n"
	"            \"VPCId\": \"vpc-1\",\n"
	"            \"Status\": \"COMPLETE\",\n"
	"            \"StatusMessage\": \"\"\n"
	"        },\n"
	"        {\n"
	"            \"Id\": \"rslvr-rrassoc-97242eaf88example\",\n"
	"            \"ResolverRuleId\": \"rslvr-rr-5328a0899aexample\",\n"
	"            \"Name\": \"my-resolver-rule-association\",\n"
	"            \"VPCId\": \"vpc-1\",\n"
	"            \"Status\": \"COMPLETE\",\n"
	"            \"StatusMessage\": \"\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char assoc_one_doc[] =
	"{\"ResolverRuleAssociation\": {\"Id\": \"rslvr-rrassoc-acme\", \"ResolverRuleId\": "
	"\"rslvr-rr-acme00000example\", \"VPCId\": \"vpc-2\", \"Status\": \"CREATING\"}}\n";

static void
test_resolver_aws_output(void **state)
{
	struct fx *f = *state;
	struct netaddr want;
	/* the addresses come first: their endpoint id is in the file name */
	assert_int_equal(load(f, "ips-rslvr-in-60b9fd8fdbexample.json", ips_doc), 0);
	assert_int_equal(load(f, "endpoints.json", endpoints_doc), 0);
	assert_int_equal(load(f, "rules.json", rules_doc), 0);
	assert_int_equal(load(f, "rule.json", get_rule_doc), 0);
	assert_int_equal(load(f, "assocs.json", assocs_doc), 0);
	assert_int_equal(load(f, "assoc.json", assoc_one_doc), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->d.warnings, 1);
	assert_msg(f, "ips-rslvr-in-60b9fd8fdbexample.json:10: warning: address 10.0.2.54 is "
		"FAILED_CREATION: not served");

	assert_int_equal(f->t->n_resolver_endpoints, 2);
	struct topo_resolver_endpoint *in = f->t->resolver_endpoints, *out = in->next;
	assert_ptr_equal(strmap_get(&f->t->resolver_endpoint_by_id, "rslvr-in-60b9fd8fdbexample"),
		in);
	assert_string_equal(in->name, "my-inbound-endpoint");
	assert_int_equal(in->direction, RESOLVER_INBOUND);
	assert_string_equal(in->vpc_id, "vpc-1");
	assert_int_equal(in->n_ips, 3);
	assert_true(netaddr_parse("10.0.1.53", &want));
	assert_int_equal(netaddr_cmp(&in->ips[0], &want), 0);
	assert_true(netaddr_parse("10.0.2.53", &want));
	assert_int_equal(netaddr_cmp(&in->ips[1], &want), 0);
	assert_true(netaddr_parse("2600:1f16::53", &want));
	assert_int_equal(netaddr_cmp(&in->ips[2], &want), 0);
	assert_string_equal(out->id, "rslvr-out-fdc049932dexample");
	assert_int_equal(out->direction, RESOLVER_OUTBOUND);
	assert_int_equal(out->n_ips, 0);
	assert_int_equal(out->src.line, 20);

	assert_int_equal(f->t->n_rules, 3);
	struct topo_rule *internet = f->t->rules, *fwd = internet->next, *sys = fwd->next;
	assert_string_equal(internet->id, "rslvr-autodefined-rr-internet-resolver");
	assert_string_equal(internet->domain, ".");
	assert_int_equal(internet->type, RULE_RECURSIVE);
	assert_int_equal(internet->n_targets, 0);
	assert_ptr_equal(strmap_get(&f->t->rule_by_id, "rslvr-rr-5328a0899aexample"), fwd);
	assert_string_equal(fwd->domain, "example.com.");
	assert_string_equal(fwd->name, "my-rule");
	assert_int_equal(fwd->type, RULE_FORWARD);
	assert_string_equal(fwd->endpoint_id, "rslvr-out-fdc049932dexample");
	assert_int_equal(fwd->n_targets, 2);
	assert_true(netaddr_parse("192.0.2.6", &want));
	assert_int_equal(netaddr_cmp(&fwd->targets[0].addr, &want), 0);
	assert_int_equal(fwd->targets[0].port, 53);
	assert_true(netaddr_parse("2001:db8::6", &want));
	assert_int_equal(netaddr_cmp(&fwd->targets[1].addr, &want), 0);
	assert_int_equal(fwd->targets[1].port, 5353);
	assert_int_equal(fwd->src.line, 15);
	assert_int_equal(sys->type, RULE_SYSTEM);
	assert_string_equal(sys->domain, "acme.example.com.");

	const struct topo_rule_assoc *a = f->t->rule_assocs;
	assert_string_equal(a->rule_id, "rslvr-autodefined-rr-internet-resolver");
	assert_string_equal(a->vpc_id, "vpc-1");
	assert_string_equal(a->status, "COMPLETE");
	a = a->next;
	assert_string_equal(a->rule_id, "rslvr-rr-5328a0899aexample");
	a = a->next;
	assert_string_equal(a->rule_id, "rslvr-rr-acme00000example");
	assert_string_equal(a->vpc_id, "vpc-2");
	assert_string_equal(a->status, "CREATING");
	assert_null(a->next);
}

static void
test_resolver_by_hand(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"ResolverEndpoints:\n"
		"  - Name: in\n"
		"    Direction: INBOUND\n"
		"    HostVPCId: vpc-2\n"
		"    IpAddresses: [{Ip: 10.1.0.10}, {Ipv6: 'fd00::10'}, {Ip: 10.1.0.10}]\n"
		"  - Id: rslvr-out-0123456789abcdef0\n"
		"    HostVPCId: vpc-2\n"
		"ResolverRules:\n"
		"  - DomainName: corp.example.com\n"
		"    Name: corp\n"
		"    TargetIps: [{Ip: 192.0.2.1}]\n"
		"    ResolverEndpointId: rslvr-out-0123456789abcdef0\n"
		"    VPCIds: [vpc-1, vpc-2]\n";
	assert_int_equal(load(f, "resolver.yaml", doc), 0);
	struct topo_resolver_endpoint *in = f->t->resolver_endpoints, *out = in->next;
	assert_int_equal(strncmp(in->id, "rslvr-in-", 9), 0);
	assert_int_equal(strlen(in->id), 9 + 17);
	assert_int_equal(strspn(in->id + 9, "0123456789abcdef"), 17);
	assert_int_equal(in->n_ips, 2);
	assert_int_equal(out->direction, RESOLVER_OUTBOUND);
	struct topo_rule *rule = f->t->rules;
	assert_int_equal(strncmp(rule->id, "rslvr-rr-", 9), 0);
	assert_int_equal(strlen(rule->id), 9 + 17);
	assert_int_equal(rule->type, RULE_FORWARD);
	assert_string_equal(rule->domain, "corp.example.com.");
	/* stable across loads */
	struct topology *t2 = topology_create();
	struct diag d2;
	diag_init(&d2, NULL);
	assert_int_equal(defs_load_buffer(t2, "r.yaml", doc, strlen(doc), &d2), 0);
	assert_string_equal(t2->rules->id, rule->id);
	assert_string_equal(t2->resolver_endpoints->id, in->id);
	topology_free(t2);
	const struct topo_rule_assoc *a = f->t->rule_assocs;
	assert_string_equal(a->rule_id, rule->id);
	assert_string_equal(a->vpc_id, "vpc-1");
	assert_int_equal(a->src.line, 13);
	assert_string_equal(a->next->vpc_id, "vpc-2");
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->d.warnings, 0);
}

static void
test_resolver_dedup_assoc(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"ResolverRules:\n"
		"  - {Id: rslvr-rr-1, DomainName: a.example, TargetIps: [{Ip: 192.0.2.1}], VPCIds: [vpc-1]}\n"
		"ResolverRuleAssociations:\n"
		"  - {ResolverRuleId: rslvr-rr-1, VPCId: vpc-1}\n";
	assert_int_equal(load(f, "r.yaml", doc), 0);
	assert_int_equal(resolve(f), 0);
	assert_non_null(f->t->rule_assocs);
	assert_null(f->t->rule_assocs->next);
}

static void
test_resolver_ips_pending(void **state)
{
	struct fx *f = *state;
	static const char keyed[] =
		"ResolverEndpointId: rslvr-out-fdc049932dexample\n"
		"IpAddresses:\n"
		"  - {Ip: 10.0.3.1, SubnetId: subnet-3}\n";
	static const char nowhere[] =
		"IpAddresses:\n"
		"  - {Ip: 10.0.3.2}\n";
	static const char gone[] =
		"IpAddresses:\n"
		"  - {Ip: 10.0.3.3}\n";
	assert_int_equal(load(f, "keyed.yaml", keyed), 0);
	assert_int_equal(load(f, "nowhere.yaml", nowhere), 0);
	assert_int_equal(load(f, "rslvr-in-0000000000000gone.yaml", gone), 0);
	assert_int_equal(load(f, "endpoints.json", endpoints_doc), 0);
	assert_int_equal(resolve(f), -1);
	assert_int_equal(f->d.errors, 2);
	assert_msg(f, "nowhere.yaml:2: error: cannot tell which resolver endpoint these "
		"addresses belong to: add ResolverEndpointId: … or put the id in the file name");
	assert_msg(f, "rslvr-in-0000000000000gone.yaml:2: error: addresses of resolver "
		"endpoint rslvr-in-0000000000000gone (from the file name), which is not defined");
	struct topo_resolver_endpoint *out =
		strmap_get(&f->t->resolver_endpoint_by_id, "rslvr-out-fdc049932dexample");
	assert_int_equal(out->n_ips, 1);
	/* the inbound endpoint got no addresses */
	assert_msg(f, "endpoints.json:4: warning: inbound resolver endpoint "
		"rslvr-in-60b9fd8fdbexample has no addresses");
}

static void
test_resolver_rejections(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"ResolverRules:\n"
		"  - {Id: rslvr-rr-a, DomainName: a.example, RuleType: FORWARD}\n"		/* 2 */
		"  - Id: rslvr-rr-b\n"								/* 3 */
		"    DomainName: b.example\n"
		"    RuleType: SYSTEM\n"
		"    TargetIps: [{Ip: 192.0.2.1}]\n"						/* 6 */
		"  - {Id: rslvr-rr-c, DomainName: c.example, RuleType: BOUNCE}\n"		/* 7 */
		"  - {Id: rslvr-rr-d, DomainName: d.example, TargetIps: [{Ip: 192.0.2.1, Port: 0}]}\n"
		"  - {Id: rslvr-rr-e, DomainName: e.example, TargetIps: [{Ip: 192.0.2.1, Protocol: DoH}], ResolverEndpointId: rslvr-out-missing}\n"
		"  - {Id: rslvr-rr-f, DomainName: f.example, TargetIps: [{Ip: 192.0.2.1}], ResolverEndpointId: rslvr-in-1}\n"	/* 10 */
		"  - {Id: rslvr-rr-a, DomainName: a2.example, RuleType: SYSTEM}\n"		/* 11 */
		"  - {Id: rslvr-rr-g, DomainName: 'bad domain', RuleType: SYSTEM}\n"
		"  - {Id: rslvr-rr-h, DomainName: f.example, TargetIps: [{Ip: 192.0.2.9}]}\n"
		"  - {Id: rslvr-rr-i, DomainName: i.example, TargetIps: [{Port: 53}]}\n"	/* 14 */
		"  - {Id: rslvr-rr-j, DomainName: j.example, RuleType: RECURSIVE, TargetIps: [{Ip: 192.0.2.1}]}\n"
		"  - {Id: rslvr-rr-k, DomainName: k.example, TargetIps: [{Ip: '::1'}]}\n"
		"ResolverEndpoints:\n"
		"  - {Id: rslvr-in-1, Direction: INBOUND, HostVPCId: vpc-1, IpAddresses: [{Ip: 10.0.0.10}]}\n"
		"  - {Id: rslvr-x-1, HostVPCId: vpc-1}\n"					/* 19 */
		"  - {Id: rslvr-out-2, Direction: OUTBOUND, HostVPCId: vpc-7}\n"		/* 20 */
		"  - {Id: rslvr-out-3, Direction: SIDEWAYS, HostVPCId: vpc-1}\n"
		"  - {Id: rslvr-in-4, Direction: INBOUND, HostVPCId: vpc-1, Protocols: [DoH], IpAddresses: [{Ip: 10.0.0.11}]}\n"
		"ResolverRuleAssociations:\n"
		"  - {ResolverRuleId: rslvr-rr-zzz, VPCId: vpc-1}\n"				/* 24 */
		"  - {ResolverRuleId: rslvr-rr-f, VPCId: vpc-9}\n"
		"  - {ResolverRuleId: rslvr-rr-f, VPCId: vpc-1}\n"
		"  - {ResolverRuleId: rslvr-rr-h, VPCId: vpc-1}\n"				/* 27 */
		"  - {ResolverRuleId: rslvr-rr-h, VPCId: vpc-2, Status: FAILED}\n"
		"  - {VPCId: vpc-1}\n";
	assert_int_equal(load(f, "bad.yaml", doc), -1);
	assert_msg(f, "bad.yaml:2: error: resolver rule rslvr-rr-a (a.example.) is FORWARD but "
		"has no TargetIps");
	assert_msg(f, "bad.yaml:6: error: resolver rule rslvr-rr-b (b.example.) is SYSTEM: it "
		"cannot have TargetIps");
	assert_msg(f, "bad.yaml:7: error: resolver rule: RuleType 'BOUNCE' is not FORWARD, "
		"SYSTEM, RECURSIVE or DELEGATE");
	assert_msg(f, "bad.yaml:8: error: resolver rule rslvr-rr-d: Port must be a number from "
		"1 to 65535");
	assert_msg(f, "bad.yaml:9: warning: resolver rule rslvr-rr-e: target 192.0.2.1 uses "
		"DoH: only Do53 is forwarded");
	assert_msg(f, "bad.yaml:11: error: resolver rule rslvr-rr-a is defined twice (first at "
		"bad.yaml:2)");
	assert_msg(f, "bad.yaml:12: error: resolver rule: DomainName 'bad domain' is not a "
		"domain name (character not allowed in a name)");
	assert_msg(f, "bad.yaml:14: error: resolver rule rslvr-rr-i: a target has no Ip or Ipv6");
	assert_msg(f, "bad.yaml:15: error: resolver rule rslvr-rr-j (j.example.) is RECURSIVE: "
		"it cannot have TargetIps");
	assert_msg(f, "bad.yaml:16: error: resolver rule rslvr-rr-k: '::1' is not an IPv4 address");
	assert_msg(f, "bad.yaml:19: error: a resolver endpoint has no Direction (INBOUND or "
		"OUTBOUND)");
	assert_msg(f, "bad.yaml:21: error: resolver endpoint: Direction 'SIDEWAYS' is not "
		"INBOUND or OUTBOUND");
	assert_msg(f, "bad.yaml:22: warning: resolver endpoint rslvr-in-4: only Do53 is "
		"served and forwarded");
	assert_msg(f, "bad.yaml:29: error: a resolver rule association has no ResolverRuleId");
	unsigned before = f->d.errors;
	assert_int_equal(resolve(f), -1);
	assert_msg(f, "bad.yaml:9: error: resolver rule rslvr-rr-e: ResolverEndpointId "
		"rslvr-out-missing is not defined");
	assert_msg(f, "bad.yaml:10: error: resolver rule rslvr-rr-f: rslvr-in-1 is an inbound "
		"endpoint; rules forward through an OUTBOUND one");
	assert_msg(f, "bad.yaml:20: error: resolver endpoint rslvr-out-2: HostVPCId vpc-7 is "
		"not defined");
	assert_msg(f, "bad.yaml:24: error: rule association: resolver rule rslvr-rr-zzz is not "
		"defined");
	assert_msg(f, "bad.yaml:25: error: rule association: vpc-9 is not defined");
	assert_msg(f, "bad.yaml:27: error: resolver rules rslvr-rr-h and rslvr-rr-f "
		"(bad.yaml:26) are both for f.example. in vpc-1: Cannot associate rules with same "
		"domain name with same VPC.");
	assert_int_equal(f->d.errors - before, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolver_aws_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolver_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolver_dedup_assoc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolver_ips_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolver_rejections, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
