/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_defs_firewall.c - the DNS Firewall reader: domain lists, rule groups, rules, associations, configs, and file:line errors. */
#include "config.h"
#include "defs_fixture.h"

/* AWS CLI output as the aws-cli examples print it (awscli/examples/
 * route53resolver/list-firewall-*.rst), with the VPC of the fixture. */
static const char lists_doc[] =
	"{\n"
	"    \"FirewallDomainLists\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-fdl-2c46f2ecfexample\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-west-2:123456789012:firewall-domain-list/rslvr-fdl-2c46f2ecfexample\",\n"
	"            \"Name\": \"AWSManagedDomainsMalwareDomainList\",\n"
	"            \"CreatorRequestId\": \"AWSManagedDomainsMalwareDomainList\",\n"
	"            \"ManagedOwnerName\": \"Route 53 Resolver DNS Firewall\"\n"
	"        },\n"
	"        {\n"								/* 10 */
	"            \"Id\": \"rslvr-fdl-42b60677cexample\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-west-2:123456789111:firewall-domain-list/rslvr-fdl-42b60677cexample\",\n"
	"            \"Name\": \"test\",\n"
	"            \"CreatorRequestId\": \"my-request-id\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char domains_doc[] =
	"{\n"
	"    \"Domains\": [\n"
	"        \"test1.com.\",\n"
	"        \"TEST2.com.\",\n"
	"        \"*.test3.com.\"\n"
	"    ]\n"
	"}\n";

static const char groups_doc[] =
	"{\n"
	"    \"FirewallRuleGroups\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-frg-47f93271fexample\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-west-2:123456789012:firewall-rule-group/rslvr-frg-47f93271fexample\",\n"
	"            \"Name\": \"test\",\n"
	"            \"OwnerId\": \"123456789012\",\n"
	"            \"CreatorRequestId\": \"my-request-id\",\n"
	"            \"ShareStatus\": \"NOT_SHARED\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char rules_doc[] =
	"{\n"
	"    \"FirewallRules\": [\n"
	"        {\n"
	"            \"FirewallRuleGroupId\": \"rslvr-frg-47f93271fexample\",\n"
	"            \"FirewallDomainListId\": \"rslvr-fdl-42b60677cexample\",\n"
	"            \"Name\": \"allow-rule\",\n"
	"            \"Priority\": 101,\n"
	"            \"Action\": \"ALLOW\",\n"
	"            \"CreatorRequestId\": \"d81e3fb7-020b-415e-939f-EXAMPLE11111\",\n"
	"            \"CreationTime\": \"2021-05-25T21:44:00.346093Z\",\n"	/* 10 */
	"            \"ModificationTime\": \"2021-05-25T21:44:00.346093Z\"\n"
	"        },\n"
	"        {\n"
	"            \"FirewallRuleGroupId\": \"rslvr-frg-47f93271fexample\",\n"
	"            \"FirewallDomainListId\": \"rslvr-fdl-2c46f2ecfexample\",\n"
	"            \"Name\": \"block-malware\",\n"
	"            \"Priority\": 200,\n"
	"            \"Action\": \"BLOCK\",\n"
	"            \"BlockResponse\": \"OVERRIDE\",\n"
	"            \"BlockOverrideDomain\": \"Walled-Garden.example.\",\n"	/* 20 */
	"            \"BlockOverrideDnsType\": \"CNAME\",\n"
	"            \"BlockOverrideTtl\": 300,\n"
	"            \"FirewallDomainRedirectionAction\": \"TRUST_REDIRECTION_DOMAIN\",\n"
	"            \"Qtype\": \"TYPE28\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char assocs_doc[] =
	"{\n"
	"    \"FirewallRuleGroupAssociations\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-frgassoc-57e8873d7example\",\n"
	"            \"Arn\": \"arn:aws:route53resolver:us-west-2:123456789012:firewall-rule-group-association/rslvr-frgassoc-57e8873d7example\",\n"
	"            \"FirewallRuleGroupId\": \"rslvr-frg-47f93271fexample\",\n"
	"            \"VpcId\": \"vpc-1\",\n"
	"            \"Name\": \"test-association\",\n"
	"            \"Priority\": 101,\n"
	"            \"MutationProtection\": \"DISABLED\",\n"
	"            \"Status\": \"UPDATING\",\n"
	"            \"StatusMessage\": \"Creating Firewall Rule Group Association\",\n"
	"            \"CreatorRequestId\": \"2ca1a304-32b3-4f5f-bc4c-EXAMPLE11111\",\n"
	"            \"CreationTime\": \"2021-05-25T21:47:48.755768Z\",\n"
	"            \"ModificationTime\": \"2021-05-25T21:47:48.755768Z\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static const char configs_doc[] =
	"{\n"
	"    \"FirewallConfigs\": [\n"
	"        {\n"
	"            \"Id\": \"rslvr-fc-86016850cexample\",\n"
	"            \"ResourceId\": \"vpc-1\",\n"
	"            \"OwnerId\": \"123456789012\",\n"
	"            \"FirewallFailOpen\": \"ENABLED\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static struct topo_fw_list *
fw_list(struct fx *f, const char *id)
{
	struct topo_fw_list *l = strmap_get(&f->t->fw.list_by_id, id);
	if (!l)
		fail_msg("no domain list %s", id);
	return l;
}

static const struct topo_fw_rule *
fw_rule(struct fx *f, const char *name)
{
	for (const struct topo_fw_rule *r = f->t->fw.rules; r; r = r->next)
		if (r->name && strcmp(r->name, name) == 0)
			return r;
	fail_msg("no firewall rule %s", name);
	return NULL;
}

/* Route 53 Developer Guide, "Managing your own domain lists": the CLI's
 * trailing dot and upper case normalised; "*." kept as a wildcard. */
static void
test_firewall_aws_output(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "fw/list-firewall-domain-lists.json", lists_doc), 0);
	assert_int_equal(load(f, "fw/list-firewall-domains-rslvr-fdl-42b60677cexample.json",
		domains_doc), 0);
	assert_int_equal(load(f, "fw/list-firewall-rule-groups.json", groups_doc), 0);
	assert_int_equal(load(f, "fw/list-firewall-rules.json", rules_doc), 0);
	assert_int_equal(load(f, "fw/list-firewall-rule-group-associations.json", assocs_doc), 0);
	assert_int_equal(load(f, "fw/list-firewall-configs.json", configs_doc), 0);
	assert_int_equal(resolve(f), 0);
	assert_no_errors(f);
	/* the managed list's contents are not listed by AWS: said once */
	assert_msg(f, "fw/list-firewall-domain-lists.json:3: warning: firewall domain list "
		"rslvr-fdl-2c46f2ecfexample is managed by Route 53 Resolver DNS Firewall");
	struct topo_fw_list *l = fw_list(f, "rslvr-fdl-42b60677cexample");
	assert_int_equal(l->n_domains, 3);
	assert_int_equal(l->n_parts, 1);
	const struct topo_fw_domain *d = l->parts[0]->d;
	assert_memory_equal(d[0].wire, "\005test1\003com", 11);
	assert_false(d[0].wildcard);
	assert_memory_equal(d[1].wire, "\005test2\003com", 11);
	assert_memory_equal(d[2].wire, "\005test3\003com", 11);
	assert_true(d[2].wildcard);

	const struct topo_fw_rule *allow = fw_rule(f, "allow-rule");
	assert_int_equal(allow->priority, 101);
	assert_int_equal(allow->action, FW_ALLOW);
	assert_true(allow->inspect);		/* left out: INSPECT_REDIRECTION_DOMAIN */
	assert_int_equal(allow->qtype, 0);
	assert_ptr_equal(allow->list, l);
	const struct topo_fw_rule *block = fw_rule(f, "block-malware");
	assert_int_equal(block->action, FW_BLOCK);
	assert_int_equal(block->block, FW_BLOCK_OVERRIDE);
	assert_string_equal(block->override_domain, "walled-garden.example.");
	assert_int_equal(block->override_ttl, 300);
	assert_false(block->inspect);
	assert_int_equal(block->qtype, 28);

	const struct topo_fw_assoc *a = f->t->fw.assocs;
	assert_non_null(a);
	assert_true(a->active);			/* UPDATING: being set up, in effect */
	assert_int_equal(a->priority, 101);
	assert_string_equal(a->group->id, "rslvr-frg-47f93271fexample");
	assert_true(f->t->fw.configs->fail_open);
	assert_false(f->t->fw.configs->impaired);
}

/* The hand-written forms: Domains in a list, FirewallRules in a group,
 * rules without FirewallRuleGroupId there, Healthy in a config. */
static void
test_firewall_hand_written(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"FirewallDomainLists:\n"
		"  - {Id: rslvr-fdl-1, Name: bad, Domains: [bad.example, '*.evil.example', '*']}\n"
		"FirewallRuleGroups:\n"
		"  - Id: rslvr-frg-1\n"
		"    FirewallRules:\n"
		"      - {Name: r1, Priority: 1, Action: BLOCK, BlockResponse: nxdomain,\n"
		"         FirewallDomainListId: rslvr-fdl-1, Qtype: aaaa}\n"
		"      - {Name: r2, Priority: '2', Action: ALERT, FirewallDomainListId: rslvr-fdl-2,\n"
		"         FirewallRuleGroupId: rslvr-frg-2}\n"
		"FirewallRuleGroupAssociations:\n"		/* 10 */
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-2, Priority: 100}\n"
		"FirewallConfigs:\n"
		"  - {ResourceId: vpc-2, Healthy: false}\n";
	assert_int_equal(load(f, "hand.yaml", doc), -1);
	assert_msg(f, "hand.yaml:9: error: firewall rule r2 is written in firewall rule group "
		"rslvr-frg-1 but says FirewallRuleGroupId rslvr-frg-2");
	assert_int_equal(f->d.errors, 1);
	struct topo_fw_list *l = fw_list(f, "rslvr-fdl-1");
	assert_int_equal(l->n_domains, 3);
	assert_true(l->parts[0]->d[2].wildcard);
	assert_int_equal(l->parts[0]->d[2].len, 1);	/* "*": below the root */
	const struct topo_fw_rule *r1 = fw_rule(f, "r1");
	assert_string_equal(r1->group_id, "rslvr-frg-1");
	assert_int_equal(r1->block, FW_BLOCK_NXDOMAIN);
	assert_int_equal(r1->qtype, 28);
	assert_int_equal(fw_rule(f, "r2")->priority, 2);
	assert_true(f->t->fw.configs->impaired);
	assert_false(f->t->fw.configs->fail_open);
}

/* list-firewall-domains prints no list id: FirewallDomainListId in the
 * document or the id in the file name says which list; else an error. */
static void
test_firewall_domains_placed(void **state)
{
	struct fx *f = *state;
	static const char list[] = "FirewallDomainLists: [{Id: rslvr-fdl-abc123, Name: x}]\n";
	static const char by_key[] = "FirewallDomainListId: rslvr-fdl-abc123\nDomains: [a.example]\n";
	static const char nowhere[] = "\n\nDomains: [c.example]\n";
	static const char unknown[] = "FirewallDomainListId: rslvr-fdl-nope\nDomains: [d.example]\n";
	static const char stray[] = "FirewallDomainListId: rslvr-fdl-abc123\n";
	assert_int_equal(load(f, "domains-first.yaml", by_key), 0);	/* the list comes later */
	assert_int_equal(load(f, "lists.yaml", list), 0);
	assert_int_equal(load(f, "dir/rslvr-fdl-abc123.yaml", "Domains: [b.example]\n"), 0);
	assert_int_equal(load(f, "x/domains.yaml", nowhere), 0);
	assert_int_equal(load(f, "rslvr-fdl-abc123-old/y.yaml", nowhere), 0);
	assert_int_equal(load(f, "unknown.yaml", unknown), 0);
	assert_int_equal(load(f, "stray.yaml", stray), 0);
	assert_int_equal(resolve(f), -1);
	assert_int_equal(fw_list(f, "rslvr-fdl-abc123")->n_domains, 2);
	assert_msg(f, "x/domains.yaml:3: error: cannot tell which firewall domain list these "
		"domains belong to: add FirewallDomainListId: … to the document or put the list "
		"id (rslvr-fdl-…) in the file name");
	/* only the file name counts, not its directory */
	assert_msg(f, "rslvr-fdl-abc123-old/y.yaml:3: error: cannot tell");
	assert_msg(f, "unknown.yaml:2: error: domains of firewall domain list rslvr-fdl-nope "
		"(from the FirewallDomainListId), which is not defined");
	assert_msg(f, "stray.yaml:1: warning: FirewallDomainListId says which domain list "
		"Domains belong to; there are none here, ignored");
	assert_int_equal(f->d.errors, 3);
}

/* Each domain specification as AWS allows it ("Managing your own domain
 * lists"), or file:line and why. */
static void
test_firewall_domain_specs(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"FirewallDomainListId: rslvr-fdl-x\n"
		"Domains:\n"
		"  - a-b.Example.COM\n"
		"  - '*'\n"
		"  - '*.x.example.'\n"
		"  - under_score.example\n"		/* 6 */
		"  - '*example.com'\n"
		"  - 'a.*.example'\n"
		"  - 'a..example'\n"
		"  - {x: 1}\n"				/* 10 */
		"  - " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n"
		"  - 'é.example'\n";
	assert_int_equal(load(f, "l.yaml", "FirewallDomainLists: [{Id: rslvr-fdl-x}]\n"), 0);
	assert_int_equal(load(f, "d.yaml", doc), -1);
	assert_msg(f, "d.yaml:6: error: list-firewall-domains output: 'under_score.example' is "
		"not a domain specification DNS Firewall accepts: only letters, digits, '-', '.' "
		"and a leading '*' are allowed");
	assert_msg(f, "d.yaml:7: error: list-firewall-domains output: '*example.com' is not a "
		"domain specification DNS Firewall accepts: a wildcard is '*' alone or '*.' and a "
		"domain");
	assert_msg(f, "d.yaml:8: error: list-firewall-domains output: 'a.*.example' is not a "
		"domain specification DNS Firewall accepts: '*' may only start it");
	assert_msg(f, "d.yaml:9: error: list-firewall-domains output: 'a..example'");
	assert_msg(f, "d.yaml:10: error: list-firewall-domains output: Domains holds a mapping "
		"where a domain belongs");
	assert_msg(f, "d.yaml:11: error: list-firewall-domains output: 'aaaa");
	assert_msg(f, "d.yaml:12: error: list-firewall-domains output: 'é.example'");
	assert_int_equal(f->d.errors, 7);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(fw_list(f, "rslvr-fdl-x")->n_domains, 3);
}

/* Rules: priorities unique in a group, one rule per list in a group,
 * known groups and lists, every action's settings. */
static void
test_firewall_rule_errors(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"FirewallDomainLists: [{Id: rslvr-fdl-1}, {Id: rslvr-fdl-2}, {Id: rslvr-fdl-3},\n"
		"  {Id: rslvr-fdl-f}, {Id: rslvr-fdl-g}, {Id: rslvr-fdl-h}, {Id: rslvr-fdl-i}, {Id: rslvr-fdl-j}, {Id: rslvr-fdl-k}, {Id: rslvr-fdl-l}, {Id: rslvr-fdl-m}, {Id: rslvr-fdl-n}, {Id: rslvr-fdl-o}, {Id: rslvr-fdl-p}, {Id: rslvr-fdl-q}, {Id: rslvr-fdl-r}, {Id: rslvr-fdl-s}, {Id: rslvr-fdl-t}, {Id: rslvr-fdl-u}]\n"
		"FirewallRuleGroups: [{Id: rslvr-frg-1}]\n"
		"FirewallRules:\n"
		"  - {Name: a, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-1, Priority: 5, Action: ALLOW}\n"
		"  - {Name: b, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-2, Priority: 5, Action: ALLOW}\n"
		"  - {Name: c, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-1, Priority: 6, Action: ALLOW}\n"
		"  - {Name: d, FirewallRuleGroupId: rslvr-frg-9, FirewallDomainListId: rslvr-fdl-3, Priority: 1, Action: ALLOW}\n"
		"  - {Name: e, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-9, Priority: 7, Action: ALLOW}\n"
		"  - {Name: f, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-f, Priority: 8, Action: BLOCK, BlockResponse: OVERRIDE}\n"
		"  - {Name: g, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-g, Priority: 9, Action: BLOCK}\n"	/* 11 */
		"  - {Name: h, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-h, Priority: 10, Action: DENY}\n"
		"  - {Name: i, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-i, Priority: 11, Action: ALLOW, Qtype: TYPE0}\n"
		"  - {Name: j, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-j, Priority: x, Action: ALLOW}\n"
		"  - {Name: k, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-k, Priority: 13, Action: BLOCK, BlockResponse: OVERRIDE, BlockOverrideDomain: w.example, BlockOverrideDnsType: A}\n"
		"  - {Name: l, FirewallRuleGroupId: rslvr-frg-1, Priority: 14, Action: ALLOW}\n"
		"  - {Name: m, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-m, Priority: 15, Action: BLOCK, BlockResponse: REFUSED}\n"
		"  - {Name: n, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-n, Priority: 16, Action: ALLOW, FirewallDomainRedirectionAction: FOLLOW}\n"
		"  - {Name: o, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-o, Priority: 17, Action: BLOCK, BlockResponse: OVERRIDE, BlockOverrideDomain: 'bad name.example'}\n"
		"  - {Name: p, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-p, Priority: 18, Action: ALERT, BlockResponse: NODATA}\n"
		"  - {Name: q, FirewallDomainListId: rslvr-fdl-q, Priority: 19, Action: ALLOW}\n"	/* 21 */
		"  - {Name: r, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-r, Priority: 20, Action: ALLOW, Qtype: TYPE65536}\n"
		"  - {Name: s, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-s, Priority: 21, Action: ALLOW, Qtype: HINFO}\n"
		"  - {Name: t, FirewallRuleGroupId: rslvr-frg-1, FirewallThreatProtectionId: rslvr-ftp-1, Priority: 22, Action: BLOCK, BlockResponse: NODATA}\n"
		"  - {Name: u, FirewallRuleGroupId: rslvr-frg-1, FirewallDomainListId: rslvr-fdl-u, Priority: 23, Action: BLOCK, BlockResponse: OVERRIDE, BlockOverrideDomain: w.example, BlockOverrideTtl: -1}\n";
	load(f, "rules.yaml", doc);
	resolve(f);
	const char *const want[] = {
		"rules.yaml:6: error: firewall rule group rslvr-frg-1 has two rules with Priority 5 "
		"(the other at rules.yaml:5): priorities are unique in a group",
		"rules.yaml:7: error: firewall rule group rslvr-frg-1 uses domain list rslvr-fdl-1 in "
		"two rules (the other at rules.yaml:5): a group has one rule per list",
		"rules.yaml:8: error: firewall rule: FirewallRuleGroupId rslvr-frg-9 is not defined "
		"(list-firewall-rule-groups)",
		"rules.yaml:9: error: firewall rule: FirewallDomainListId rslvr-fdl-9 is not defined "
		"(list-firewall-domain-lists)",
		"rules.yaml:10: error: firewall rule f: BlockResponse OVERRIDE needs a "
		"BlockOverrideDomain (the CNAME target blocked queries get)",
		"rules.yaml:11: error: firewall rule g: a BLOCK rule needs a BlockResponse (NODATA, "
		"NXDOMAIN or OVERRIDE)",
		"rules.yaml:12: error: firewall rule h: Action 'DENY' is not ALLOW, BLOCK or ALERT",
		"rules.yaml:13: error: firewall rule i: Qtype 'TYPE0' is not a query type DNS "
		"Firewall takes",
		"rules.yaml:14: error: a firewall rule: Priority must be a whole number from 0 to "
		"2147483647",
		"rules.yaml:15: error: firewall rule k: BlockOverrideDnsType 'A' is not CNAME",
		"rules.yaml:16: error: firewall rule l has no FirewallDomainListId",
		"rules.yaml:17: error: firewall rule m: BlockResponse 'REFUSED' is not NODATA, "
		"NXDOMAIN or OVERRIDE",
		"rules.yaml:18: error: firewall rule n: FirewallDomainRedirectionAction 'FOLLOW' is "
		"not INSPECT_REDIRECTION_DOMAIN or TRUST_REDIRECTION_DOMAIN",
		"rules.yaml:19: error: firewall rule o: BlockOverrideDomain 'bad name.example' is "
		"not a domain name",
		"rules.yaml:20: warning: firewall rule p: a block response on an ALERT rule does "
		"nothing",
		"rules.yaml:21: error: a firewall rule has no FirewallRuleGroupId",
		"rules.yaml:22: error: firewall rule r: Qtype 'TYPE65536' is not a query type",
		"rules.yaml:23: error: firewall rule s: Qtype 'HINFO' is not a query type",
		"rules.yaml:24: warning: firewall rule t is a DNS Firewall Advanced rule "
		"(FirewallThreatProtectionId): dnsd cannot detect threats, so it never matches",
		"rules.yaml:25: error: firewall rule u: BlockOverrideTtl must be a whole number from "
		"0 to 2147483647",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_msg(f, want[i]);
	assert_int_equal(f->d.errors, 18);
}

/* Associations ("Managing associations between your VPC and Route 53
 * Resolver DNS Firewall rule group"): known group and VPC, a group once
 * per VPC, distinct priorities per VPC; DELETING ones no longer count. */
static void
test_firewall_assoc_errors(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"FirewallRuleGroups: [{Id: rslvr-frg-1}, {Id: rslvr-frg-2}, {Id: rslvr-frg-3}]\n"
		"FirewallRuleGroupAssociations:\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-2, VpcId: vpc-1, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 200}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-3, VpcId: vpc-1, Priority: 101, Status: DELETING}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-9, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-9, VpcId: vpc-2, Priority: 101}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-2, Priority: 101, Status: GONE}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-2, VpcId: vpc-2}\n"		/* 10 */
		"  - {FirewallRuleGroupId: rslvr-frg-3, VpcId: vpc-2, Priority: 102}\n"
		"  - {FirewallRuleGroupId: rslvr-frg-2, VpcId: vpc-2, Priority: 103}\n";
	load(f, "assoc.yaml", doc);
	assert_int_equal(resolve(f), -1);
	assert_msg(f, "assoc.yaml:4: error: firewall rule groups rslvr-frg-2 and rslvr-frg-1 "
		"(assoc.yaml:3) are both associated with vpc-1 at Priority 101: a VPC's rule groups "
		"need distinct priorities");
	assert_msg(f, "assoc.yaml:5: error: firewall rule group rslvr-frg-1 is associated with "
		"vpc-1 twice (the other at assoc.yaml:3)");
	assert_msg(f, "assoc.yaml:7: error: firewall rule group association: VPC vpc-9 is not "
		"defined");
	assert_msg(f, "assoc.yaml:8: error: firewall rule group association: FirewallRuleGroupId "
		"rslvr-frg-9 is not defined");
	assert_msg(f, "assoc.yaml:9: error: a firewall rule group association: Status 'GONE' is "
		"not COMPLETE, UPDATING or DELETING");
	assert_msg(f, "assoc.yaml:10: error: a firewall rule group association has no Priority");
	assert_int_equal(f->d.errors, 6);
}

/* Configs ("DNS Firewall VPC configuration"): one per VPC; the other
 * VPCs of the account are left out with a warning. */
static void
test_firewall_config_errors(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"FirewallConfigs:\n"
		"  - {ResourceId: vpc-1, FirewallFailOpen: DISABLED}\n"
		"  - {ResourceId: vpc-1, FirewallFailOpen: ENABLED}\n"
		"  - {ResourceId: vpc-31e92222, FirewallFailOpen: ENABLED}\n"
		"  - {ResourceId: vpc-2, FirewallFailOpen: SOMETIMES}\n"
		"  - {ResourceId: vpc-2, FirewallFailOpen: USE_LOCAL_RESOURCE_SETTING, Healthy: maybe}\n";
	load(f, "configs.yaml", doc);
	resolve(f);
	assert_msg(f, "configs.yaml:3: error: VPC vpc-1 has two firewall configs (the other at "
		"configs.yaml:2)");
	assert_msg(f, "configs.yaml:4: warning: firewall config of vpc-31e92222, a VPC the "
		"definitions do not describe: ignored");
	assert_msg(f, "configs.yaml:5: error: a firewall config: FirewallFailOpen 'SOMETIMES' is "
		"not ENABLED, DISABLED or USE_LOCAL_RESOURCE_SETTING");
	assert_msg(f, "configs.yaml:6: error: a firewall config: Healthy must be true or false");
	assert_int_equal(f->d.errors, 3);
}

/* A list's domains in many documents (list-firewall-domains pages of
 * 100, or NextToken pages): 1 to 9 parts cross the growth at 4 and 8. */
static void
test_firewall_domains_in_pages(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "l.yaml", "FirewallDomainLists: [{Id: rslvr-fdl-p, "
		"Domains: [p0.example]}]\n"), 0);
	for (unsigned i = 1; i <= 8; i++) {
		char name[64], doc[128];
		snprintf(name, sizeof(name), "page%u-rslvr-fdl-p.json", i);
		snprintf(doc, sizeof(doc), "{\"Domains\": [\"p%u.example.\", \"q%u.example.\"], "
			"\"NextToken\": \"t%u\"}\n", i, i, i);
		assert_int_equal(load(f, name, doc), 0);
	}
	assert_int_equal(resolve(f), 0);
	assert_no_errors(f);
	struct topo_fw_list *l = fw_list(f, "rslvr-fdl-p");
	assert_int_equal(l->n_parts, 9);
	assert_int_equal(l->n_domains, 17);
	assert_memory_equal(l->parts[8]->d[1].wire, "\002q8\007example", 12);
}

/* Unknown fields warn (a typo would otherwise pass); get-* output reads. */
static void
test_firewall_get_forms_and_unknown_fields(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
		"{\"FirewallRuleGroup\": {\"Id\": \"rslvr-frg-g\", \"Name\": \"g\", \"RuleCount\": 1,\n"
		" \"Status\": \"COMPLETE\", \"Colour\": \"red\"}}\n";
	static const char doc2[] =
		"{\"FirewallDomainList\": {\"Id\": \"rslvr-fdl-g\", \"DomainCount\": 0, \"Status\": "
		"\"COMPLETE\"}}\n";
	static const char doc3[] =
		"{\"FirewallRuleGroupAssociation\": {\"FirewallRuleGroupId\": \"rslvr-frg-g\", "
		"\"VpcId\": \"vpc-2\", \"Priority\": 9000, \"Status\": \"COMPLETE\"}}\n";
	static const char doc4[] =
		"{\"FirewallConfig\": {\"Id\": \"rslvr-fc-1\", \"ResourceId\": \"vpc-2\", "
		"\"FirewallFailOpen\": \"ENABLED\"}}\n";
	assert_int_equal(load(f, "g.json", doc), 0);
	assert_int_equal(load(f, "g2.json", doc2), 0);
	assert_int_equal(load(f, "g3.json", doc3), 0);
	assert_int_equal(load(f, "g4.json", doc4), 0);
	assert_int_equal(resolve(f), 0);
	assert_msg(f, "g.json:2:24: warning: unknown field 'Colour' in a firewall rule group, ignored");
	assert_msg(f, "g2.json:1: warning: firewall domain list rslvr-fdl-g has no domains");
	assert_int_equal(f->t->fw.n_groups, 1);
	assert_int_equal(f->t->fw.assocs->priority, 9000);
	assert_true(f->t->fw.configs->fail_open);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_firewall_aws_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_hand_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_domains_placed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_domain_specs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_rule_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_assoc_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_domains_in_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_get_forms_and_unknown_fields, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
