/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_firewall.c - DNS Firewall on the answer path: order, actions, block responses, Qtype, wildcards, redirection chains, fail modes, sizes, no malloc. */
#include "config.h"
#include "firewall.h"
#include "diag.h"
#include "dname.h"
#include "netaddr.h"
#include "query.h"
#include "snapshot.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every behaviour names the page of the Route 53 Developer Guide it
 * follows; "HOW" is "How Route 53 Resolver DNS Firewall works". */

/* ---- allocation counting (linked with --wrap=malloc,calloc,realloc) ---- */

static unsigned long n_allocs;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

void *
__wrap_malloc(size_t size)
{
	n_allocs++;
	return __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	n_allocs++;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	n_allocs++;
	return __real_realloc(p, size);
}

/* ---- worlds ---- */

#define CLIENT1 "10.0.1.50"	/* in vpc-1 */
#define CLIENT2 "10.1.0.5"	/* in vpc-2 */
#define CLIENT3 "10.2.0.5"	/* in vpc-3 */

/* Three VPCs; vpc-1 has an endpoint, an inbound endpoint, EC2 names; a
 * private zone with CNAME chains for vpc-1 and vpc-2. */
static const char base_yaml[] =
	"Vpcs:\n"
	"  - VpcId: vpc-1\n"
	"    CidrBlock: 10.0.0.0/16\n"
	"    Region: us-east-2\n"
	"    EnableDnsHostnames: true\n"
	"    Subnets: [{SubnetId: subnet-1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]\n"
	"    VpcEndpoints:\n"
	"      - VpcEndpointId: vpce-0123456789abcdef0\n"
	"        ServiceName: com.amazonaws.us-east-2.kms\n"
	"        NetworkInterfaces: [{SubnetId: subnet-1, PrivateIpAddress: 10.0.1.10}]\n"
	"  - {VpcId: vpc-2, CidrBlock: 10.1.0.0/16, Region: us-east-2, EnableDnsHostnames: true}\n"
	"  - {VpcId: vpc-3, CidrBlock: 10.2.0.0/16, Region: us-east-2, EnableDnsHostnames: true}\n"
	"HostedZones:\n"
	"  - Name: corp.internal.\n"
	"    VPCIds: [vpc-1, vpc-2, vpc-3]\n"
	"    ResourceRecordSets:\n"
	"      - {Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{Value: 10.0.1.200}]}\n"
	"      - {Name: alias.corp.internal., Type: CNAME, TTL: 300, ResourceRecords: [{Value: www.corp.internal.}]}\n"
	"      - {Name: two.corp.internal., Type: CNAME, TTL: 300, ResourceRecords: [{Value: alias.corp.internal.}]}\n"
	"      - {Name: ext.corp.internal., Type: CNAME, TTL: 300, ResourceRecords: [{Value: edge.cdn.example.}]}\n"
	"      - {Name: garden.corp.internal., Type: A, TTL: 60, ResourceRecords: [{Value: 10.0.9.9}]}\n"
	"ResolverEndpoints:\n"
	"  - {Id: rslvr-in-1, Direction: INBOUND, HostVPCId: vpc-1, IpAddresses: [{Ip: 10.0.1.53}]}\n";

static struct {
	struct snapshot *snap;
	struct query_env env;
	struct query_info qi;
	uint8_t out[65535];
	size_t len;
	enum query_action action;
} fx;

/* Load base_yaml and the firewall definitions; listener 0 is vpc-1's
 * inbound endpoint. Fails the test on any message but warnings allowed. */
static void
world(const char *firewall_yaml)
{
	static const struct snapshot_listener listeners[] = { { "vpc-1", true } };
	char *all = NULL, *msgs = NULL;
	size_t size = 0, msize = 0;
	FILE *f = open_memstream(&all, &size), *m = open_memstream(&msgs, &msize);
	struct diag d;

	assert_non_null(f);
	assert_non_null(m);
	fputs(base_yaml, f);
	fputs(firewall_yaml, f);
	fclose(f);
	diag_init(&d, m);
	snapshot_unref(fx.snap);
	fx.snap = snapshot_load_buffer("fw.yaml", all, size, &d);
	if (fx.snap)
		assert_true(snapshot_bind_listeners(fx.snap, listeners, 1, &d));
	fclose(m);
	if (!fx.snap || d.errors)
		fail_msg("world did not load:\n%s", msgs);
	free(all);
	free(msgs);
	assert_int_equal(query_env_set_snapshot(&fx.env, fx.snap), 0);
	fx.env.max_udp = 1232;
	fx.env.now_seconds = 1;
}

static int
setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	query_env_fini(&fx.env);
	snapshot_unref(fx.snap);
	fx.snap = NULL;
	return 0;
}

/* ---- queries and replies ---- */

static uint8_t qpkt[512];
static size_t qlen;

/* Ask name (text, case kept) of qtype from addr (listener -1: by address). */
static enum query_action
ask_from(const char *addr, int listener, const char *name, uint16_t qtype)
{
	struct netaddr a;
	struct query_client c;
	uint8_t wire[DNAME_MAX];
	size_t n = 0;
	const char *p = name;

	assert_true(netaddr_parse(addr, &a));
	memset(qpkt, 0, sizeof(qpkt));
	wire_put16(qpkt, 0x1234);
	wire_put16(qpkt + 2, DNS_FLAG_RD);
	wire_put16(qpkt + 4, 1);
	while (*p) {	/* keep the letter case: dname_from_text would lower it */
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		wire[n++] = (uint8_t)l;
		memcpy(wire + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	wire[n++] = 0;
	memcpy(qpkt + DNS_HEADER_SIZE, wire, n);
	qlen = DNS_HEADER_SIZE + n;
	wire_put16(qpkt + qlen, qtype);
	wire_put16(qpkt + qlen + 2, DNS_CLASS_IN);
	qlen += 4;
	c.addr = &a;
	c.listener = listener;
	c.tcp = false;
	fx.len = 0;
	fx.action = query_answer(&fx.env, &c, qpkt, qlen, fx.out, sizeof(fx.out), &fx.len, &fx.qi);
	return fx.action;
}

static enum query_action
ask(const char *name, uint16_t qtype)
{
	return ask_from(CLIENT1, -1, name, qtype);
}

static unsigned
rcode(void)
{
	assert_int_equal(fx.action, QUERY_SEND);
	return wire_get16(fx.out + 2) & DNS_RCODE_MASK;
}

/* The answer section as "type data" lines ("CNAME x.", "A 10.0.0.1"),
 * after checking the reply parses to its end. */
static const char *
answers(void)
{
	static char text[4096];
	size_t pos = DNS_HEADER_SIZE, o = 0;
	text[0] = 0;
	assert_int_equal(fx.action, QUERY_SEND);
	assert_true(wire_skip_name(fx.out, fx.len, &pos));
	pos += 4;
	unsigned an = wire_get16(fx.out + 6);
	unsigned total = an + wire_get16(fx.out + 8) + wire_get16(fx.out + 10);
	for (unsigned i = 0; i < total; i++) {
		struct wire_rr rr;
		assert_true(wire_parse_rr(fx.out, fx.len, &pos, &rr));
		if (i >= an)
			continue;
		if (rr.type == DNS_TYPE_CNAME) {
			uint8_t name[DNAME_MAX];
			char t[1024];
			size_t rp = rr.rdata;
			assert_true(wire_read_name(fx.out, fx.len, &rp, name, true) > 0);
			dname_to_text(name, t, sizeof(t));
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%sCNAME %s/%u", o ? " " : "",
				t, rr.ttl);
		} else if (rr.type == DNS_TYPE_A && rr.rdlen == 4) {
			const uint8_t *b = fx.out + rr.rdata;
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%sA %u.%u.%u.%u", o ? " " : "",
				b[0], b[1], b[2], b[3]);
		} else {
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%sTYPE%u", o ? " " : "",
				rr.type);
		}
	}
	assert_int_equal(pos, fx.len);
	return text;
}

/* The rule that decided, by its Name, or "-". */
static const char *
decided(void)
{
	return fx.qi.fw_rule ? fx.qi.fw_rule->name : "-";
}

/* A domain list with these domains and a rule group with one rule. */
static char *
one_rule(const char *domains, const char *rule_fields)
{
	char *s = NULL;
	assert_true(asprintf(&s,
		"FirewallDomainLists: [{Id: rslvr-fdl-1, Name: l1, Domains: [%s]}]\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: r1, Priority: 1, FirewallDomainListId: rslvr-fdl-1, %s}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n",
		domains, rule_fields) > 0);
	return s;
}

static void
world_one_rule(const char *domains, const char *rule_fields)
{
	char *s = one_rule(domains, rule_fields);
	world(s);
	free(s);
}

/* ---- order and actions (HOW: rule groups by association priority,
 * rules by priority, the first match ends the evaluation) ---- */

static const char two_groups[] =
	"FirewallDomainLists:\n"
	"  - {Id: rslvr-fdl-a, Domains: [x.example, y.example]}\n"
	"  - {Id: rslvr-fdl-b, Domains: [x.example, y.example, z.example]}\n"
	"FirewallRuleGroups:\n"
	"  - Id: rslvr-frg-late\n"
	"    FirewallRules:\n"
	"      - {Name: late-block, Priority: 1, FirewallDomainListId: rslvr-fdl-b, Action: BLOCK, BlockResponse: NXDOMAIN}\n"
	"  - Id: rslvr-frg-early\n"
	"    FirewallRules:\n"
	"      - {Name: early-nodata, Priority: 20, FirewallDomainListId: rslvr-fdl-b, Action: BLOCK, BlockResponse: NODATA}\n"
	"      - {Name: early-alert, Priority: 10, FirewallDomainListId: rslvr-fdl-a, Action: ALERT}\n"
	"FirewallRuleGroupAssociations:\n"
	"  - {FirewallRuleGroupId: rslvr-frg-late, VpcId: vpc-1, Priority: 9000}\n"
	"  - {FirewallRuleGroupId: rslvr-frg-early, VpcId: vpc-1, Priority: 100}\n";

static void
test_order_groups_then_rules(void **state)
{
	(void)state;
	world(two_groups);
	/* early group first; in it ALERT (priority 10) before NODATA (20):
	 * ALERT ends the evaluation and the query is resolved */
	assert_int_equal(ask("x.example", DNS_TYPE_A), QUERY_FORWARD);
	assert_string_equal(decided(), "early-alert");
	assert_int_equal(fx.qi.fw_state, QUERY_FW_MATCH);
	assert_string_equal(fx.qi.fw_rule->group_id, "rslvr-frg-early");
	assert_string_equal(fx.qi.fw_rule->list_id, "rslvr-fdl-a");
	assert_string_equal(firewall_action_name(fx.qi.fw_rule->action), "ALERT");
	/* z.example is not on the ALERT list: the NODATA rule of the early group */
	ask("z.example", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NOERROR);
	assert_int_equal(wire_get16(fx.out + 6), 0);
	assert_string_equal(decided(), "early-nodata");
	/* neither list: no match, forwarded as usual */
	assert_int_equal(ask("w.example", DNS_TYPE_A), QUERY_FORWARD);
	assert_int_equal(fx.qi.fw_state, QUERY_FW_NO_MATCH);
	assert_null(fx.qi.fw_rule);
	assert_true(fx.qi.fw_chain);
}

static void
test_order_swapped_priorities(void **state)
{
	(void)state;
	char *s = strdup(two_groups);
	char *p = strstr(s, "Priority: 9000");
	memcpy(p, "Priority: 0099", 14);
	world(s);
	free(s);
	ask("x.example", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	assert_string_equal(decided(), "late-block");
	assert_int_equal(wire_get16(fx.out + 6), 0);
}

/* ALLOW ends the evaluation too: a BLOCK below it never sees the name. */
static void
test_allow_ends_evaluation(void **state)
{
	(void)state;
	world("FirewallDomainLists:\n"
		"  - {Id: rslvr-fdl-ok, Domains: [www.corp.internal]}\n"
		"  - {Id: rslvr-fdl-all, Domains: ['*']}\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: allow, Priority: 1, FirewallDomainListId: rslvr-fdl-ok, Action: ALLOW}\n"
		"      - {Name: deny, Priority: 2, FirewallDomainListId: rslvr-fdl-all, Action: BLOCK, BlockResponse: NXDOMAIN}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n");
	ask("www.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "A 10.0.1.200");
	assert_string_equal(decided(), "allow");
	ask("garden.corp.internal", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	assert_string_equal(decided(), "deny");
	/* "*" holds every name below the root */
	ask("anything.at.all.example", DNS_TYPE_TXT);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
}

/* ---- block responses ("Rule actions in DNS Firewall") ---- */

static void
test_block_nxdomain_nodata(void **state)
{
	(void)state;
	world_one_rule("bad.example", "Action: BLOCK, BlockResponse: NXDOMAIN");
	ask("bad.example", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	/* a resolver's answer: RA, RD copied, not authoritative; ID and question kept */
	uint16_t flags = wire_get16(fx.out + 2);
	assert_true(flags & DNS_FLAG_QR);
	assert_true(flags & DNS_FLAG_RA);
	assert_true(flags & DNS_FLAG_RD);
	assert_false(flags & DNS_FLAG_AA);
	assert_int_equal(wire_get16(fx.out), 0x1234);
	assert_memory_equal(fx.out + DNS_HEADER_SIZE, qpkt + DNS_HEADER_SIZE, qlen - DNS_HEADER_SIZE);
	assert_int_equal(wire_get16(fx.out + 6) + wire_get16(fx.out + 8), 0);
	assert_int_equal(fx.qi.rcode, DNS_RCODE_NXDOMAIN);

	world_one_rule("bad.example", "Action: BLOCK, BlockResponse: NODATA");
	ask("bad.example", DNS_TYPE_AAAA);
	assert_int_equal(rcode(), DNS_RCODE_NOERROR);
	assert_int_equal(wire_get16(fx.out + 6) + wire_get16(fx.out + 8), 0);
}

/* OVERRIDE: a CNAME to BlockOverrideDomain with BlockOverrideTtl, followed
 * inside dnsd's data (here a private zone: the walled garden). */
static void
test_block_override(void **state)
{
	(void)state;
	world_one_rule("bad.example, '*.bad.example'", "Action: BLOCK, BlockResponse: OVERRIDE, "
		"BlockOverrideDomain: garden.corp.internal., BlockOverrideDnsType: CNAME, "
		"BlockOverrideTtl: 30");
	ask("bad.example", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME garden.corp.internal./30 A 10.0.9.9");
	ask("Deep.Sub.BAD.example", DNS_TYPE_A);	/* wildcard, any case, any length */
	assert_string_equal(answers(), "CNAME garden.corp.internal./30 A 10.0.9.9");
	assert_memory_equal(fx.out + DNS_HEADER_SIZE, qpkt + DNS_HEADER_SIZE, qlen - DNS_HEADER_SIZE);
	/* no AAAA at the garden: the CNAME and NODATA with the zone's SOA */
	ask("bad.example", DNS_TYPE_AAAA);
	assert_int_equal(rcode(), DNS_RCODE_NOERROR);
	assert_string_equal(answers(), "CNAME garden.corp.internal./30");
	assert_int_equal(wire_get16(fx.out + 8), 1);
	ask("bad.example", DNS_TYPE_CNAME);
	assert_string_equal(answers(), "CNAME garden.corp.internal./30");
	/* a garden outside dnsd's data: the CNAME alone, as dnsd's own CNAMEs */
	world_one_rule("bad.example", "Action: BLOCK, BlockResponse: OVERRIDE, "
		"BlockOverrideDomain: walled.garden.example., BlockOverrideDnsType: CNAME");
	ask("bad.example", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME walled.garden.example./0");
	/* from the VPC's inbound endpoint too (its own view) */
	ask_from("192.0.2.7", 0, "bad.example", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME walled.garden.example./0");
}

/* ---- Qtype ("Rule settings in DNS Firewall", Query type) ---- */

static void
test_qtype(void **state)
{
	(void)state;
	world("FirewallDomainLists: [{Id: rslvr-fdl-1, Domains: [www.corp.internal, t.example]}]\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: v6, Priority: 1, FirewallDomainListId: rslvr-fdl-1, Qtype: AAAA, Action: BLOCK, BlockResponse: NXDOMAIN}\n"
		"  - {Id: rslvr-frg-2, FirewallRules: [\n"
		"      {Name: txt, Priority: 1, FirewallDomainListId: rslvr-fdl-1, Qtype: TYPE16, Action: BLOCK, BlockResponse: NODATA}]}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-2, VpcId: vpc-1, Priority: 102}\n");
	ask("www.corp.internal", DNS_TYPE_AAAA);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	assert_string_equal(decided(), "v6");
	ask("www.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "A 10.0.1.200");
	assert_int_equal(fx.qi.fw_state, QUERY_FW_NO_MATCH);
	ask("t.example", DNS_TYPE_TXT);
	assert_int_equal(rcode(), DNS_RCODE_NOERROR);
	assert_string_equal(decided(), "txt");
	/* ANY is its own type: neither rule is for it */
	assert_int_equal(ask("t.example", DNS_TYPE_ANY), QUERY_FORWARD);
}

/* ---- wildcards ("Managing your own domain lists") ---- */

static void
test_wildcards(void **state)
{
	(void)state;
	world_one_rule("'*.Example.COM.', exact.example.net", "Action: BLOCK, BlockResponse: NXDOMAIN");
	static const struct {
		const char *name;
		bool blocked;
	} cases[] = {
		{ "a.example.com", true }, { "A.B.EXAMPLE.com", true },
		{ "example.com", false },		/* "*.x" holds the names below x */
		{ "xexample.com", false }, { "example.com.evil", false },
		{ "exact.example.net", true }, { "EXACT.example.NET", true },
		{ "sub.exact.example.net", false },	/* without "*." a name is itself only */
		{ "example.net", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum query_action a = ask(cases[i].name, DNS_TYPE_A);
		if (cases[i].blocked) {
			assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
		} else if (a != QUERY_FORWARD) {
			fail_msg("%s: blocked, should pass", cases[i].name);
		}
	}
}

/* ---- what the firewall sees ("Using DNS Firewall to filter outbound DNS
 * traffic": private hosted zones, VPC endpoint names, EC2 names; HOW:
 * queries through the VPC's inbound endpoints too) ---- */

static void
test_local_names_and_inbound(void **state)
{
	(void)state;
	world_one_rule("www.corp.internal, kms.us-east-2.amazonaws.com, "
		"ip-10-0-1-5.us-east-2.compute.internal, '*.kms.us-east-2.vpce.amazonaws.com'",
		"Action: BLOCK, BlockResponse: NXDOMAIN");
	const char *names[] = { "www.corp.internal", "kms.us-east-2.amazonaws.com",
		"ip-10-0-1-5.us-east-2.compute.internal" };
	for (size_t i = 0; i < 3; i++) {
		ask(names[i], DNS_TYPE_A);
		assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
		/* the VPC's inbound endpoint: filtered as the VPC's own queries */
		ask_from("192.0.2.7", 0, names[i], DNS_TYPE_A);
		assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
		/* vpc-2 has no rule group: it gets the private zone's answer */
		if (i == 0) {
			ask_from(CLIENT2, -1, names[i], DNS_TYPE_A);
			assert_string_equal(answers(), "A 10.0.1.200");
			assert_int_equal(fx.qi.fw_state, QUERY_FW_OFF);
		}
	}
	/* the endpoint's regional name, through the wildcard */
	ask("vpce-0123456789abcdef0-abcdefgh.kms.us-east-2.vpce.amazonaws.com", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	/* unlisted names of the VPC answer as ever */
	ask("ip-10-0-1-6.us-east-2.compute.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "A 10.0.1.6");
}

/* ---- redirection chains (FirewallDomainRedirectionAction; "Rule
 * settings in DNS Firewall", domain redirection setting) ---- */

static void
test_chain_block_inspected_or_trusted(void **state)
{
	(void)state;
	world_one_rule("www.corp.internal", "Action: BLOCK, BlockResponse: NXDOMAIN");
	/* alias -> www: www is on the list, the chain is inspected */
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	assert_string_equal(decided(), "r1");
	ask("two.corp.internal", DNS_TYPE_A);		/* two hops */
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	/* TRUST_REDIRECTION_DOMAIN: the rule looks at the query name only */
	world_one_rule("www.corp.internal", "Action: BLOCK, BlockResponse: NXDOMAIN, "
		"FirewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN");
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME www.corp.internal./300 A 10.0.1.200");
	assert_null(fx.qi.fw_rule);
	ask("www.corp.internal", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
}

/* A walled garden: ALLOW a list, BLOCK "*". With INSPECT (the default)
 * each name of the chain must be on the allow list; TRUST lets the chain
 * of an allowed name through. */
static void
test_chain_walled_garden(void **state)
{
	(void)state;
	static const char fmt[] =
		"FirewallDomainLists:\n"
		"  - {Id: rslvr-fdl-ok, Domains: [%s]}\n"
		"  - {Id: rslvr-fdl-all, Domains: ['*']}\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: allow, Priority: 1, FirewallDomainListId: rslvr-fdl-ok, Action: ALLOW%s}\n"
		"      - {Name: deny, Priority: 2, FirewallDomainListId: rslvr-fdl-all, Action: BLOCK, BlockResponse: NODATA}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n";
	char buf[2048];
	snprintf(buf, sizeof(buf), fmt, "alias.corp.internal", "");
	world(buf);
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NOERROR);
	assert_string_equal(answers(), "");
	assert_string_equal(decided(), "deny");	/* www: not allowed, so "*" */
	snprintf(buf, sizeof(buf), fmt, "alias.corp.internal, www.corp.internal", "");
	world(buf);
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME www.corp.internal./300 A 10.0.1.200");
	assert_string_equal(decided(), "allow");
	snprintf(buf, sizeof(buf), fmt, "alias.corp.internal",
		", FirewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN");
	world(buf);
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME www.corp.internal./300 A 10.0.1.200");
	assert_string_equal(decided(), "allow");
	/* TRUST rules do not see chain names: a TRUST "*" blocks no target */
	world("FirewallDomainLists:\n"
		"  - {Id: rslvr-fdl-all, Domains: ['*']}\n"
		"  - {Id: rslvr-fdl-ok, Domains: [alias.corp.internal]}\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: allow, Priority: 1, FirewallDomainListId: rslvr-fdl-ok, Action: ALLOW}\n"
		"      - {Name: deny, Priority: 2, FirewallDomainListId: rslvr-fdl-all, Action: BLOCK, BlockResponse: NODATA, FirewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n");
	ask("alias.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME www.corp.internal./300 A 10.0.1.200");
}

/* An ALERT on a chain name is what the log shows; the answer goes out. */
static void
test_chain_alert(void **state)
{
	(void)state;
	world_one_rule("www.corp.internal", "Action: ALERT");
	ask("two.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "CNAME alias.corp.internal./300 CNAME www.corp.internal./300 "
		"A 10.0.1.200");
	assert_string_equal(decided(), "r1");
	assert_int_equal(fx.qi.fw_rule->action, FW_ALERT);
}

/* A forwarded reply's chain, per client (firewall_forwarded). */
static size_t
forwarded_reply(uint8_t *msg, const char *qname, const char *const *chain, unsigned n)
{
	uint8_t names[8][DNAME_MAX];
	int lens[8];
	size_t o = DNS_HEADER_SIZE;
	memset(msg, 0, DNS_HEADER_SIZE);
	wire_put16(msg, 0x1234);
	wire_put16(msg + 2, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA);
	wire_put16(msg + 4, 1);
	wire_put16(msg + 6, (uint16_t)n);
	lens[0] = dname_from_text(qname, names[0], NULL);
	for (unsigned i = 0; i + 1 < n; i++)
		lens[i + 1] = dname_from_text(chain[i], names[i + 1], NULL);
	memcpy(msg + o, names[0], (size_t)lens[0]);
	o += (size_t)lens[0];
	wire_put16(msg + o, DNS_TYPE_A);
	wire_put16(msg + o + 2, DNS_CLASS_IN);
	o += 4;
	for (unsigned i = 0; i < n; i++) {
		bool last = i + 1 == n;
		memcpy(msg + o, names[i], (size_t)lens[i]);
		o += (size_t)lens[i];
		wire_put16(msg + o, last ? DNS_TYPE_A : DNS_TYPE_CNAME);
		wire_put16(msg + o + 2, DNS_CLASS_IN);
		wire_put32(msg + o + 4, 60);
		wire_put16(msg + o + 8, (uint16_t)(last ? 4 : lens[i + 1]));
		o += 10;
		if (last) {
			memcpy(msg + o, "\xc0\x00\x02\x01", 4);
			o += 4;
		} else {
			memcpy(msg + o, names[i + 1], (size_t)lens[i + 1]);
			o += (size_t)lens[i + 1];
		}
	}
	return o;
}

static void
test_chain_forwarded(void **state)
{
	(void)state;
	static const char *const chain[] = { "a.cdn.example", "b.cdn.example" };
	uint8_t msg[1024];
	struct query_info out;
	world_one_rule("b.cdn.example", "Action: BLOCK, BlockResponse: NXDOMAIN");
	assert_int_equal(ask("site.example", DNS_TYPE_A), QUERY_FORWARD);
	assert_true(fx.qi.fw_chain);
	size_t len = forwarded_reply(msg, "site.example", chain, 3);
	assert_true(firewall_forwarded(&fx.env, fx.snap, &fx.qi, &out, false, msg, sizeof(msg),
		&len));
	assert_int_equal(wire_get16(msg + 2) & DNS_RCODE_MASK, DNS_RCODE_NXDOMAIN);
	assert_int_equal(wire_get16(msg + 6), 0);
	assert_string_equal(out.fw_rule->name, "r1");
	assert_int_equal(out.rcode, DNS_RCODE_NXDOMAIN);
	/* a chain not through the list passes unchanged */
	static const char *const other[] = { "a.cdn.example", "c.cdn.example" };
	len = forwarded_reply(msg, "site.example", other, 3);
	size_t before = len;
	assert_false(firewall_forwarded(&fx.env, fx.snap, &fx.qi, &out, false, msg, sizeof(msg),
		&len));
	assert_int_equal(len, before);
	/* the query name itself matched a TRUST rule: nothing to inspect */
	world_one_rule("site.example, b.cdn.example", "Action: ALLOW, "
		"FirewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN");
	assert_int_equal(ask("site.example", DNS_TYPE_A), QUERY_FORWARD);
	assert_false(fx.qi.fw_chain);
	len = forwarded_reply(msg, "site.example", chain, 3);
	assert_false(firewall_forwarded(&fx.env, fx.snap, &fx.qi, &out, false, msg, sizeof(msg),
		&len));
}

/* ---- fail open or closed ("DNS Firewall VPC configuration") ---- */

static void
test_fail_modes(void **state)
{
	(void)state;
	char *s = one_rule("bad.example", "Action: BLOCK, BlockResponse: NXDOMAIN");
	char *closed = NULL, *open = NULL;
	assert_true(asprintf(&closed, "%sFirewallConfigs: [{ResourceId: vpc-1, Healthy: false},"
		" {ResourceId: vpc-2, Healthy: false}]\n", s) > 0);
	assert_true(asprintf(&open, "%sFirewallConfigs: [{ResourceId: vpc-1, FirewallFailOpen: "
		"ENABLED, Healthy: false}]\n", s) > 0);
	world(closed);
	ask("www.corp.internal", DNS_TYPE_A);		/* any name: SERVFAIL */
	assert_int_equal(rcode(), DNS_RCODE_SERVFAIL);
	assert_int_equal(fx.qi.fw_state, QUERY_FW_FAILED_CLOSED);
	/* vpc-2 has no rule group: its config is not enforced */
	ask_from(CLIENT2, -1, "www.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "A 10.0.1.200");
	world(open);
	ask("bad.example", DNS_TYPE_A);			/* not filtered at all */
	assert_int_equal(fx.action, QUERY_FORWARD);
	assert_int_equal(fx.qi.fw_state, QUERY_FW_FAILED_OPEN);
	assert_false(fx.qi.fw_chain);
	ask("www.corp.internal", DNS_TYPE_A);
	assert_string_equal(answers(), "A 10.0.1.200");
	world(s);					/* healthy: filtered */
	ask("bad.example", DNS_TYPE_A);
	assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	free(s);
	free(closed);
	free(open);
}

/* VPCs with the same rule groups share one compiled policy. */
static void
test_policy_shared(void **state)
{
	(void)state;
	world("FirewallDomainLists: [{Id: rslvr-fdl-1, Domains: [bad.example]}]\n"
		"FirewallRuleGroups: [{Id: rslvr-frg-1, FirewallRules: [{Name: r1, Priority: 1, "
		"FirewallDomainListId: rslvr-fdl-1, Action: BLOCK, BlockResponse: NXDOMAIN}]},\n"
		"  {Id: rslvr-frg-2}]\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-2, Priority: 300}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-3, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-2, VpcId: vpc-3, Priority: 100}\n");
	const struct firewall *fw = fx.snap->firewall;
	assert_non_null(fw);
	assert_int_equal(fw->n_policies, 2);	/* vpc-1 and vpc-2 share */
	const char *clients[] = { CLIENT1, CLIENT2, CLIENT3 };
	for (int i = 0; i < 3; i++) {
		ask_from(clients[i], -1, "bad.example", DNS_TYPE_A);
		assert_int_equal(rcode(), DNS_RCODE_NXDOMAIN);
	}
}

/* A world without rule groups has no firewall at all. */
static void
test_no_firewall(void **state)
{
	(void)state;
	world("FirewallDomainLists: [{Id: rslvr-fdl-1, Domains: [bad.example]}]\n"
		"FirewallRuleGroups: [{Id: rslvr-frg-1}]\n");
	assert_null(fx.snap->firewall);
	assert_int_equal(ask("bad.example", DNS_TYPE_A), QUERY_FORWARD);
	assert_int_equal(fx.qi.fw_state, QUERY_FW_OFF);
}

/* ---- sizes users have ---- */

/* A list of n domains: every third a wildcard. Each is blocked; the
 * names beside them are not. */
static void
check_list_of(unsigned n)
{
	char *s = NULL, name[128];
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);
	assert_non_null(f);
	fputs("FirewallDomainLists:\n  - Id: rslvr-fdl-big\n    Domains:\n", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, i % 3 == 2 ? "      - '*.w%u.example.org'\n" : "      - d%u.example.com.\n", i);
	fputs("FirewallRuleGroups: [{Id: rslvr-frg-1, FirewallRules: [{Name: big, Priority: 1, "
		"FirewallDomainListId: rslvr-fdl-big, Action: BLOCK, BlockResponse: NXDOMAIN}]}]\n"
		"FirewallRuleGroupAssociations: [{FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, "
		"Priority: 101}]\n", f);
	fclose(f);
	world(s);
	free(s);
	assert_int_equal(fx.snap->firewall->n_names, n);
	for (unsigned i = 0; i < n; i++) {
		if (i % 3 == 2)
			snprintf(name, sizeof(name), "x.w%u.example.org", i);
		else
			snprintf(name, sizeof(name), "d%u.example.com", i);
		ask(name, DNS_TYPE_A);
		if (fx.action != QUERY_SEND || rcode() != DNS_RCODE_NXDOMAIN)
			fail_msg("list of %u: %s not blocked", n, name);
		if (i % 3 == 2) {	/* the wildcard's own name is not below it */
			snprintf(name, sizeof(name), "w%u.example.org", i);
			if (ask(name, DNS_TYPE_A) != QUERY_FORWARD)
				fail_msg("list of %u: %s blocked", n, name);
		}
	}
	snprintf(name, sizeof(name), "d%u.example.com", n);
	assert_int_equal(ask(name, DNS_TYPE_A), QUERY_FORWARD);
	assert_int_equal(ask("example.com", DNS_TYPE_A), QUERY_FORWARD);
}

static void
test_list_sizes(void **state)
{
	(void)state;
	static const unsigned sizes[] = { 1, 15, 16, 17, 300, 100000 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_list_of(sizes[i]);
}

/* groups rule groups of r rules each, declared in reverse of their
 * priorities; every rule lists all.example and its own name. */
static void
check_rules_of(unsigned groups, unsigned r)
{
	char *s = NULL, name[64];
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);
	assert_non_null(f);
	fputs("FirewallDomainLists:\n", f);
	for (unsigned g = 0; g < groups; g++)
		for (unsigned k = 0; k < r; k++)
			fprintf(f, "  - {Id: rslvr-fdl-%u-%u, Domains: [all.example, g%ur%u.example]}\n",
				g, k, g, k);
	fputs("FirewallRuleGroups:\n", f);
	for (unsigned g = 0; g < groups; g++) {
		fprintf(f, "  - Id: rslvr-frg-%u\n    FirewallRules:\n", g);
		for (unsigned k = 0; k < r; k++)
			fprintf(f, "      - {Name: g%ur%u, Priority: %u, FirewallDomainListId: "
				"rslvr-fdl-%u-%u, Action: %s}\n", g, k, 1000 - k, g, k,
				k % 2 ? "ALERT" : "BLOCK, BlockResponse: NODATA");
	}
	fputs("FirewallRuleGroupAssociations:\n", f);
	for (unsigned g = 0; g < groups; g++)
		fprintf(f, "  - {FirewallRuleGroupId: rslvr-frg-%u, VpcId: vpc-1, Priority: %u}\n",
			g, 5000 - g);
	fclose(f);
	world(s);
	free(s);
	/* the last group and its last rule come first */
	ask("all.example", DNS_TYPE_A);
	snprintf(name, sizeof(name), "g%ur%u", groups - 1, r - 1);
	if (strcmp(decided(), name) != 0)
		fail_msg("%u groups of %u rules: all.example decided by %s, not %s", groups, r,
			decided(), name);
	for (unsigned g = 0; g < groups; g++) {
		for (unsigned k = 0; k < r; k++) {
			snprintf(name, sizeof(name), "g%ur%u.example", g, k);
			enum query_action a = ask(name, DNS_TYPE_A);
			name[strlen(name) - 8] = 0;
			if (strcmp(decided(), name) != 0 ||
			    a != (k % 2 ? QUERY_FORWARD : QUERY_SEND))
				fail_msg("%u groups of %u rules: %s.example decided by %s", groups, r,
					name, decided());
		}
	}
}

static void
test_rule_and_group_counts(void **state)
{
	(void)state;
	static const unsigned rules[] = { 1, 15, 16, 17, 64 };
	static const unsigned groups[] = { 1, 16, 17 };
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		check_rules_of(1, rules[i]);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		check_rules_of(groups[i], 3);
}

/* ---- no allocation on the answer path ---- */

static void
test_no_allocations(void **state)
{
	(void)state;
	world("FirewallDomainLists:\n"
		"  - {Id: rslvr-fdl-1, Domains: [bad.example, '*.evil.example', www.corp.internal]}\n"
		"  - {Id: rslvr-fdl-2, Domains: [garden-me.example]}\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: b, Priority: 1, FirewallDomainListId: rslvr-fdl-1, Action: BLOCK, BlockResponse: NXDOMAIN}\n"
		"      - {Name: o, Priority: 2, FirewallDomainListId: rslvr-fdl-2, Action: BLOCK, BlockResponse: OVERRIDE, BlockOverrideDomain: garden.corp.internal}\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n");
	static const char *const names[] = { "bad.example", "x.evil.example", "alias.corp.internal",
		"garden-me.example", "garden.corp.internal", "ok.example", "ext.corp.internal",
		"kms.us-east-2.amazonaws.com" };
	static const char *const expect[] = { "-", "-", "-", "CNAME garden.corp.internal./0 A 10.0.9.9",
		"A 10.0.9.9", NULL, "CNAME edge.cdn.example./300", NULL };
	uint8_t msg[1024];
	static const char *const chain[] = { "x.evil.example" };
	struct query_info out;
	unsigned long before = n_allocs;
	unsigned wrong = 0;
	for (unsigned i = 0; i < 1000; i++) {
		size_t k = i % 8;
		ask(names[k], i % 5 ? DNS_TYPE_A : DNS_TYPE_AAAA);
		if (i % 5 && expect[k] && strcmp(expect[k], "-") != 0 &&
		    strcmp(answers(), expect[k]) != 0)
			wrong++;
		if (expect[k] && strcmp(expect[k], "-") == 0 && rcode() != DNS_RCODE_NXDOMAIN)
			wrong++;
		if (k == 5 && fx.qi.fw_chain) {		/* a forwarded reply's chain */
			size_t len = forwarded_reply(msg, "ok.example", chain, 2);
			wrong += !firewall_forwarded(&fx.env, fx.snap, &fx.qi, &out, false, msg,
				sizeof(msg), &len);
		}
	}
	assert_int_equal(n_allocs - before, 0);
	assert_int_equal(wrong, 0);
	void *volatile p = malloc(1);		/* the counter does count */
	assert_int_equal(n_allocs - before, 1);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_groups_then_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_swapped_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_ends_evaluation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_nxdomain_nodata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qtype, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_names_and_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_block_inspected_or_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_walled_garden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_firewall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_and_group_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_allocations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
