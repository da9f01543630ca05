/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_explain.c - explanations of answers on real cases: every kind of name, health, views. */
#include "config.h"
#include "explain.h"
#include "diag.h"
#include "forward.h"
#include "health.h"
#include "netaddr.h"
#include "sbuf.h"
#include "snapshot.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROD "vpc-0a1b2c3d4e5f60718"
#define STAGING "vpc-0b2c3d4e5f6a70819"
#define EP "vpce-0123456789abcdef0"
#define REGIONAL EP "-abcd1234.monitoring.us-east-2.vpce.amazonaws.com"

/* Two VPCs; prod has a monitoring endpoint in three AZs (private DNS), a
 * private hosted zone with an alias to the endpoint, an outbound endpoint,
 * a FORWARD and a SYSTEM rule; the us-east-2c ENI is marked down by a
 * Health entry; EC2 names are on. */
static const char world[] =
	"Vpcs:\n"
	"  - VpcId: " PROD "\n"						/* 2 */
	"    OwnerId: '111122223333'\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}\n"
	"      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}\n"
	"      - {SubnetId: subnet-c, AvailabilityZone: us-east-2c, CidrBlock: 10.0.3.0/24}\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: " EP "\n"					/* 11 */
	"        ServiceName: com.amazonaws.us-east-2.monitoring\n"
	"        DnsEntries: [{DnsName: " REGIONAL "}]\n"
	"        NetworkInterfaces:\n"
	"          - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa1, SubnetId: subnet-a, PrivateIpAddress: 10.0.1.10}\n"
	"          - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa2, SubnetId: subnet-b, PrivateIpAddress: 10.0.2.10}\n"
	"          - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa3, SubnetId: subnet-c, PrivateIpAddress: 10.0.3.10}\n"
	"  - VpcId: " STAGING "\n"
	"    CidrBlock: 10.1.0.0/16\n"
	"    Subnets:\n"
	"      - {SubnetId: subnet-s, AvailabilityZone: us-east-2a, CidrBlock: 10.1.1.0/24}\n"
	"---\n"
	"Dnsd:\n"
	"  DefaultVpc: " PROD "\n"					/* 24 */
	"  Health:\n"
	"    - {AvailabilityZone: us-east-2c, Healthy: false}\n"		/* 26 */
	"---\n"
	"HostedZones:\n"
	"  - Name: corp.internal.\n"
	"    VPCIds: [" PROD "]\n"
	"    ResourceRecordSets:\n"
	"      - {Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{Value: 10.0.1.200}]}\n"
	"      - Name: api.corp.internal.\n"					/* 33 */
	"        Type: A\n"
	"        AliasTarget: {HostedZoneId: ZC8PG0KIFKBRI, DNSName: " REGIONAL ", EvaluateTargetHealth: false}\n"
	"ResolverEndpoints:\n"
	"  - {Id: rslvr-out-0123456789abcdef0, Direction: OUTBOUND, HostVPCId: " PROD ",\n"
	"     IpAddresses: [{Ip: 10.0.1.77}]}\n"
	"  - {Id: rslvr-out-0123456789abcdef1, Direction: OUTBOUND, HostVPCId: " PROD ",\n"
	"     IpAddresses: [{Ip: 127.0.0.10}]}\n"					/* 39 */
	"ResolverRules:\n"
	"  - {Id: rslvr-rr-0c0c0c0c0c0c0c0c1, DomainName: corp.example., RuleType: FORWARD,\n"
	"     TargetIps: [{Ip: 192.0.2.6}, {Ip: 192.0.2.7, Port: 5353}],\n"
	"     ResolverEndpointId: rslvr-out-0123456789abcdef0, VPCIds: [" PROD "]}\n"
	"  - {Id: rslvr-rr-0c0c0c0c0c0c0c0c2, DomainName: sys.corp.example., RuleType: SYSTEM,\n"
	"     VPCIds: [" PROD "]}\n"							/* 46 */
	"  - {Id: rslvr-rr-0c0c0c0c0c0c0c0c3, DomainName: lab.example., RuleType: FORWARD,\n"
	"     TargetIps: [{Ip: 192.0.2.8}],\n"
	"     ResolverEndpointId: rslvr-out-0123456789abcdef1, VPCIds: [" PROD "]}\n";

struct fix {
	struct snapshot *s;
	struct fwd_targets up;
	struct sockaddr_storage up_addr[1];
	socklen_t up_len[1];
	struct health_set health;
};

static struct fix *
load_with(const struct health_set *h)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot_config cfg = { .health = h, .keep_model = true };
	f->s = snapshot_load_buffer_cfg("world.yaml", world, sizeof(world) - 1, &cfg, &d);
	assert_non_null(f->s);
	assert_int_equal(d.errors, 0);
	f->up.addr = f->up_addr;
	f->up.len = f->up_len;
	assert_true(netaddr_parse_sockaddr("10.255.255.53:53", 53, &f->up_addr[0], &f->up_len[0]));
	f->up.n = 1;
	return f;
}

static int
setup(void **state)
{
	*state = load_with(NULL);
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	snapshot_free(f->s);
	health_set_fini(&f->health);
	free(f);
	return 0;
}

/* The explanation of name/type for a client; asserts it succeeded. */
static char *
explain(struct fix *f, const char *name, uint16_t qtype, const char *vpc, const char *from)
{
	struct netaddr a;
	struct explain_env env = { f->s, &f->up, NULL, 0 };
	struct explain_query q = { name, qtype, vpc, NULL };
	struct sbuf out = SBUF_INIT;
	char err[256];
	if (from) {
		assert_true(netaddr_parse(from, &a));
		q.from = &a;
	}
	int rc = explain_query(&env, &q, &out, err, sizeof(err));
	if (rc != 0)
		fail_msg("explain %s: %s", name, err);
	char *text = strdup(sbuf_text(&out));
	sbuf_free(&out);
	return text;
}

#define HAS(text, s) do { \
		if (!strstr((text), (s))) \
			fail_msg("missing \"%s\" in:\n%s", (s), (text)); \
	} while (0)
#define LACKS(text, s) do { \
		if (strstr((text), (s))) \
			fail_msg("unexpected \"%s\" in:\n%s", (s), (text)); \
	} while (0)

/* The line of an ENI in the table: "in" or "out" and its reason. */
static void
eni_line(const char *text, const char *eni, const char *inout, const char *why)
{
	const char *p = strstr(text, eni);
	if (!p)
		fail_msg("no %s in:\n%s", eni, text);
	const char *end = strchr(p, '\n');
	char line[512];
	snprintf(line, sizeof(line), "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
	char want[16];
	snprintf(want, sizeof(want), " %s ", inout);
	if (!strstr(line, want) || !strstr(line, why))
		fail_msg("ENI line \"%s\": want \"%s\" and \"%s\"", line, inout, why);
}

static void
test_private_name(void **state)
{
	char *t = explain(*state, "monitoring.us-east-2.amazonaws.com", 1, NULL, NULL);
	HAS(t, "query:    monitoring.us-east-2.amazonaws.com. IN A\n");
	/* 127.0.0.1: the default VPC, and why */
	HAS(t, "view:     " PROD ": 127.0.0.1 is in no VPC's block, so it lands in the default "
		"VPC (Dnsd DefaultVpc at world.yaml:24)");
	HAS(t, "decided:  private zone monitoring.us-east-2.amazonaws.com. in view " PROD "\n");
	HAS(t, "from: " EP " (com.amazonaws.us-east-2.monitoring) private DNS");
	HAS(t, "endpoint: " EP " (com.amazonaws.us-east-2.monitoring), available, private DNS "
		"name (world.yaml:11)");
	HAS(t, "round robin over the healthy ENIs");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa1", "in", "in-use, nothing marks it down");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa3", "out", "Health entry AvailabilityZone us-east-2c "
		"at world.yaml:26");
	/* the answer dnsd sends: the healthy two, TTL 60 */
	HAS(t, "status: NOERROR");
	HAS(t, "monitoring.us-east-2.amazonaws.com.\t60\tIN\tA\t10.0.1.10\n");
	HAS(t, "monitoring.us-east-2.amazonaws.com.\t60\tIN\tA\t10.0.2.10\n");
	LACKS(t, "\tA\t10.0.3.10");
	free(t);
}

static void
test_private_name_from_another_vpc_is_forwarded(void **state)
{
	char *t = explain(*state, "monitoring.us-east-2.amazonaws.com", 1, NULL, "10.1.1.5");
	HAS(t, "view:     " STAGING ": 10.1.1.5 is in its block 10.1.0.0/16\n");
	HAS(t, "decided:  no zone of the view holds the name and no rule forwards it");
	HAS(t, "forward:  to 10.255.255.53:53 (the upstreams), from an address the kernel picks");
	LACKS(t, "endpoint:");
	free(t);
}

static void
test_public_vpce_name(void **state)
{
	char *t = explain(*state, REGIONAL, 1, NULL, "10.1.1.5");
	HAS(t, "decided:  public endpoint names us-east-2.vpce.amazonaws.com. in view public "
		"(held once for every client)");
	HAS(t, "regional name (world.yaml:11)");
	HAS(t, REGIONAL ".\t60\tIN\tA\t10.0.1.10\n");
	LACKS(t, "\tA\t10.0.3.10");
	free(t);
}

static void
test_zonal_name_answers_its_az_even_when_down(void **state)
{
	char zonal[] = EP "-abcd1234-us-east-2c.monitoring.us-east-2.vpce.amazonaws.com";
	char *t = explain(*state, zonal, 1, NULL, NULL);
	HAS(t, "zonal name (world.yaml:11)");
	HAS(t, "a zonal name answers the ENIs of us-east-2c, healthy or not");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa3", "in", "Health entry");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa1", "out", "in-use");
	HAS(t, "\tA\t10.0.3.10\n");
	free(t);
}

static void
test_phz_record_and_alias_to_the_endpoint(void **state)
{
	char *t = explain(*state, "www.corp.internal", 1, "vpc-0a1b2c3d4e5f60718", NULL);
	HAS(t, "view:     " PROD ": a client of that VPC (--vpc)\n");
	HAS(t, "decided:  private zone corp.internal. in view " PROD);
	HAS(t, "record:   www.corp.internal. A in hosted zone");
	HAS(t, "(world.yaml:32)");
	HAS(t, "www.corp.internal.\t300\tIN\tA\t10.0.1.200\n");
	free(t);
	t = explain(*state, "api.corp.internal", 1, PROD, NULL);
	HAS(t, "record:   api.corp.internal. A, alias to " REGIONAL);
	HAS(t, "endpoint: " EP " (com.amazonaws.us-east-2.monitoring), available, regional name");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa3", "out", "Health entry");
	HAS(t, "api.corp.internal.\t60\tIN\tA\t10.0.1.10\n");
	free(t);
}

static void
test_nxdomain_in_a_private_zone(void **state)
{
	char *t = explain(*state, "nope.corp.internal", 28, NULL, "10.0.9.9");
	HAS(t, "query:    nope.corp.internal. IN AAAA\n");
	HAS(t, "view:     " PROD ": 10.0.9.9 is in its block 10.0.0.0/16\n");
	HAS(t, "the zone has no such name: NXDOMAIN with its SOA (no fallthrough");
	HAS(t, "status: NXDOMAIN");
	HAS(t, "corp.internal.\t900\tIN\tSOA\tns-1536.awsdns-00.co.uk. "
		"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n");
	free(t);
}

/* The rule's targets in order; its outbound endpoint's address is not
 * on this host, so the kernel picks the source (and explain says so). */
static void
test_forward_rule(void **state)
{
	char *t = explain(*state, "www.corp.example", 1, NULL, NULL);
	HAS(t, "decided:  Resolver rule, FORWARD corp.example. in view " PROD);
	HAS(t, "from: rule rslvr-rr-0c0c0c0c0c0c0c0c1");
	HAS(t, "rule:     rslvr-rr-0c0c0c0c0c0c0c0c1 FORWARD corp.example. (world.yaml:42); "
		"outbound endpoint rslvr-out-0123456789abcdef0 (10.0.1.77: not on this host, so "
		"the kernel picks the source)\n");
	HAS(t, "forward:  to 192.0.2.6:53, 192.0.2.7:5353 (the rule's targets, in order), from "
		"an address the kernel picks");
	LACKS(t, "answer:");
	free(t);
}

/* An outbound endpoint whose address this host has (127.0.0.10): the source. */
static void
test_forward_rule_from_the_outbound_endpoint(void **state)
{
	char *t = explain(*state, "printer.lab.example", 1, NULL, NULL);
	HAS(t, "rule:     rslvr-rr-0c0c0c0c0c0c0c0c3 FORWARD lab.example. (world.yaml:47); "
		"outbound endpoint rslvr-out-0123456789abcdef1, source 127.0.0.10:0\n");
	HAS(t, "forward:  to 192.0.2.8:53 (the rule's targets, in order), from 127.0.0.10:0 "
		"(the outbound endpoint's address)");
	free(t);
}

static void
test_system_rule_takes_the_name_back(void **state)
{
	char *t = explain(*state, "www.sys.corp.example", 1, NULL, NULL);
	HAS(t, "rule:     rslvr-rr-0c0c0c0c0c0c0c0c2 SYSTEM sys.corp.example. (world.yaml:45): "
		"the most specific; a SYSTEM rule takes the name back from the rules above it\n");
	HAS(t, "rule:     rslvr-rr-0c0c0c0c0c0c0c0c1 FORWARD corp.example. (world.yaml:42); "
		"outbound endpoint rslvr-out-0123456789abcdef0");
	HAS(t, ": less specific\n");
	HAS(t, "forward:  to 10.255.255.53:53 (the upstreams)");
	/* a client of the other VPC has no rules */
	free(t);
	t = explain(*state, "www.sys.corp.example", 1, STAGING, NULL);
	LACKS(t, "rule:");
	free(t);
}

static void
test_ec2_hostname_and_reverse(void **state)
{
	char *t = explain(*state, "ip-10-0-1-5.us-east-2.compute.internal", 1, NULL, NULL);
	HAS(t, "decided:  autodefined EC2 hostnames us-east-2.compute.internal. in view " PROD);
	HAS(t, "ip-10-0-1-5.us-east-2.compute.internal.\t60\tIN\tA\t10.0.1.5\n");
	free(t);
	t = explain(*state, "5.1.0.10.in-addr.arpa", 12, NULL, NULL);
	HAS(t, "decided:  autodefined reverse zone");
	HAS(t, "5.1.0.10.in-addr.arpa.\t60\tIN\tPTR\tip-10-0-1-5.us-east-2.compute.internal.\n");
	free(t);
	/* a name that is no host's */
	t = explain(*state, "nope.us-east-2.compute.internal", 1, NULL, NULL);
	HAS(t, "status: NXDOMAIN");
	free(t);
}

/* A runtime override (dnsd-control health az us-east-2b down) is named
 * with its time; with every AZ down, all ENIs answer (fail open). */
static void
test_unhealthy_az_by_runtime_override(void **state)
{
	struct fix *f0 = *state;
	struct health_set h = HEALTH_SET_INIT;
	assert_int_equal(health_set_put(&h, HEALTH_AZ, "us-east-2b", false, false, 1765000000), 1);
	struct fix *f = load_with(&h);
	char *t = explain(f, "monitoring.us-east-2.amazonaws.com", 1, NULL, NULL);
	eni_line(t, "eni-0aaaaaaaaaaaaaaa2", "out", "dnsd-control health az us-east-2b down, "
		"since 2025-12-06T05:46:40Z");
	eni_line(t, "eni-0aaaaaaaaaaaaaaa1", "in", "in-use");
	HAS(t, "\tA\t10.0.1.10\n");
	LACKS(t, "\tA\t10.0.2.10");
	free(t);
	snapshot_free(f->s);
	free(f);
	/* the ENI's own override wins over its AZ's, and over a Health entry */
	assert_int_equal(health_set_put(&h, HEALTH_ENI, "eni-0aaaaaaaaaaaaaaa3", true, false, 0), 1);
	f = load_with(&h);
	t = explain(f, "monitoring.us-east-2.amazonaws.com", 1, NULL, NULL);
	eni_line(t, "eni-0aaaaaaaaaaaaaaa3", "in", "dnsd-control health eni eni-0aaaaaaaaaaaaaaa3 up");
	HAS(t, "\tA\t10.0.3.10\n");
	free(t);
	snapshot_free(f->s);
	free(f);
	/* every AZ down: all are answered */
	assert_int_equal(health_set_put(&h, HEALTH_ENI, "eni-0aaaaaaaaaaaaaaa3", true, true, 0), 1);
	assert_int_equal(health_set_put(&h, HEALTH_AZ, "us-east-2a", false, false, 0), 1);
	f = load_with(&h);
	t = explain(f, "monitoring.us-east-2.amazonaws.com", 1, NULL, NULL);
	HAS(t, "no ENI is healthy: all are answered (Route 53 fails open)");
	HAS(t, "\tA\t10.0.1.10\n");
	HAS(t, "\tA\t10.0.2.10\n");
	HAS(t, "\tA\t10.0.3.10\n");
	free(t);
	snapshot_free(f->s);
	free(f);
	health_set_fini(&h);
	(void)f0;
}

static void
test_bad_input_is_an_error_naming_it(void **state)
{
	struct fix *f = *state;
	struct explain_env env = { f->s, &f->up, NULL, 0 };
	struct sbuf out = SBUF_INIT;
	char err[256];
	struct explain_query q = { "a..b", 1, NULL, NULL };
	assert_int_equal(explain_query(&env, &q, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'a..b' is not a domain name"));
	struct explain_query q2 = { "x.example", 1, "vpc-0nope", NULL };
	assert_int_equal(explain_query(&env, &q2, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--vpc vpc-0nope: no such VPC in the definitions (VPCs: "
		PROD ", " STAGING ")"));
	sbuf_free(&out);
}

/* A client outside --allow is refused, and the explanation says why. */
static void
test_refused_client(void **state)
{
	struct fix *f = *state;
	struct netprefix allow;
	assert_true(netprefix_parse("127.0.0.0/8", false, &allow));
	struct netaddr from;
	assert_true(netaddr_parse("198.51.100.7", &from));
	struct explain_env env = { f->s, &f->up, &allow, 1 };
	struct explain_query q = { "monitoring.us-east-2.amazonaws.com", 1, NULL, &from };
	struct sbuf out = SBUF_INIT;
	char err[256];
	assert_int_equal(explain_query(&env, &q, &out, err, sizeof(err)), 0);
	HAS(sbuf_text(&out), "refused:  client not allowed (--allow)");
	HAS(sbuf_text(&out), "status: REFUSED");
	sbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_private_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_name_from_another_vpc_is_forwarded,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_vpce_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zonal_name_answers_its_az_even_when_down, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_phz_record_and_alias_to_the_endpoint, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain_in_a_private_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_rule_from_the_outbound_endpoint, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_system_rule_takes_the_name_back, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_ec2_hostname_and_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unhealthy_az_by_runtime_override, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_is_an_error_naming_it, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_refused_client, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
