# tests/integration/test_firewall.py - Route 53 Resolver DNS Firewall against the real dnsd.
"""DNS Firewall (issue 10 item 1), read from `aws route53resolver
list-firewall-*` output and queried with dnspython and dig.

Each test names the page of the Route 53 Developer Guide whose behaviour
it checks; "HOW" is "How Route 53 Resolver DNS Firewall works" (its
section "How Route 53 Resolver DNS Firewall filters DNS queries").

    127.0.0.1    a client in the prod VPC (the default VPC)
    127.0.0.2    a client in the staging VPC (listener bound to it)
    127.0.0.53   the prod VPC's inbound resolver endpoint (--inbound-port)
    127.0.2.1    the fake internet (--upstream): A 192.0.2.99 for a name,
                 CNAME chains for site*.example and trusted.example.com
    127.0.2.2    the on-premises DNS of corp.example. (a FORWARD rule)
"""
import json
import os
import signal
import subprocess
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from tests.integration.harness import Dnsd, World, addresses, dig, rcode, run_dnsd
from tests.integration.test_resolver import (PROD, STAGING, FakeUpstream, free_port,
                                             shipped_world)

INBOUND_HOST = "127.0.0.53"
INTERNET_A = "192.0.2.99"
CDN_A = "192.0.2.98"

# ---- the world: AWS CLI output, one file per command, as a capture keeps it ----

LIST_IDS = {
    "block": "rslvr-fdl-0b10c4ed0example",
    "nodata": "rslvr-fdl-0d0da7a00example",
    "garden": "rslvr-fdl-0ga4de400example",
    "v6": "rslvr-fdl-0a4a4a600example",
    "alert": "rslvr-fdl-0a1e47000example",
    "trust": "rslvr-fdl-07a05700example",
    "managed": "rslvr-fdl-2c46f2ecfexample",
}
DOMAINS = {
    "block": ["blocked.example.com.", "*.malware.example.", "secret.corp.internal.",
              "ip-10-0-7-9.us-east-2.compute.internal.", "monitoring.us-east-2.amazonaws.com.",
              "secret.corp.example.", "evil-cdn.example."],
    "nodata": ["NoData.Example.COM."],
    "garden": ["gambling.example.", "*.gambling.example."],
    "v6": ["v4only.example.com."],
    "alert": ["watched.example.com."],
    "trust": ["trusted.example.com."],
}
PROD_GROUP = "rslvr-frg-0b0d0000example"
STAGING_GROUP = "rslvr-frg-05ta91n9example"

RULES_PROD = [
    # Priority, Name, list, action fields
    (10, "allow-trusted", "trust", {"Action": "ALLOW",
                                    "FirewallDomainRedirectionAction": "TRUST_REDIRECTION_DOMAIN"}),
    (20, "block-bad", "block", {"Action": "BLOCK", "BlockResponse": "NXDOMAIN"}),
    (30, "nodata", "nodata", {"Action": "BLOCK", "BlockResponse": "NODATA"}),
    (40, "walled-garden", "garden", {"Action": "BLOCK", "BlockResponse": "OVERRIDE",
                                     "BlockOverrideDomain": "garden.corp.internal.",
                                     "BlockOverrideDnsType": "CNAME", "BlockOverrideTtl": 60}),
    (50, "no-v6", "v6", {"Action": "BLOCK", "BlockResponse": "NXDOMAIN", "Qtype": "AAAA"}),
    (60, "watch", "alert", {"Action": "ALERT"}),
    (70, "malware-managed", "managed", {"Action": "BLOCK", "BlockResponse": "NODATA"}),
]


def rules_doc(group, rules):
    out = []
    for prio, name, lst, fields in rules:
        r = {"FirewallRuleGroupId": group, "FirewallDomainListId": LIST_IDS[lst], "Name": name,
             "Priority": prio, "CreatorRequestId": "AWSConsole.%d" % prio,
             "CreationTime": "2024-05-25T21:44:00.346093Z",
             "ModificationTime": "2024-05-25T21:44:00.346093Z"}
        r.update(fields)
        out.append(r)
    return json.dumps({"FirewallRules": out}, indent=4)


def firewall_files(domains=DOMAINS, fail_open=None, healthy=None):
    files = {}
    lists = [{"Id": LIST_IDS[k], "Arn": "arn:aws:route53resolver:us-east-2:111122223333:"
              "firewall-domain-list/" + LIST_IDS[k], "Name": k, "CreatorRequestId": k}
             for k in LIST_IDS if k != "managed"]
    lists.append({"Id": LIST_IDS["managed"], "Name": "AWSManagedDomainsMalwareDomainList",
                  "CreatorRequestId": "AWSManagedDomainsMalwareDomainList",
                  "ManagedOwnerName": "Route 53 Resolver DNS Firewall"})
    files["firewall/list-firewall-domain-lists.json"] = json.dumps(
        {"FirewallDomainLists": lists}, indent=4)
    for k, names in domains.items():
        # list-firewall-domains prints no list id: it is in the file name
        files[f"firewall/list-firewall-domains-{LIST_IDS[k]}.json"] = json.dumps(
            {"Domains": names}, indent=4)
    files["firewall/list-firewall-rule-groups.json"] = json.dumps({"FirewallRuleGroups": [
        {"Id": PROD_GROUP, "Name": "prod-egress", "OwnerId": "111122223333",
         "CreatorRequestId": "prod", "ShareStatus": "NOT_SHARED"},
        {"Id": STAGING_GROUP, "Name": "staging-watch", "OwnerId": "111122223333",
         "CreatorRequestId": "staging", "ShareStatus": "NOT_SHARED"}]}, indent=4)
    files[f"firewall/list-firewall-rules-{PROD_GROUP}.json"] = rules_doc(PROD_GROUP, RULES_PROD)
    files[f"firewall/list-firewall-rules-{STAGING_GROUP}.json"] = rules_doc(
        STAGING_GROUP, [(100, "alert-bad", "block", {"Action": "ALERT"})])
    files["firewall/list-firewall-rule-group-associations.json"] = json.dumps(
        {"FirewallRuleGroupAssociations": [
            {"Id": "rslvr-frgassoc-0prod0000example", "FirewallRuleGroupId": PROD_GROUP,
             "VpcId": PROD, "Name": "prod", "Priority": 101, "MutationProtection": "DISABLED",
             "Status": "COMPLETE", "StatusMessage": ""},
            {"Id": "rslvr-frgassoc-0stag0000example", "FirewallRuleGroupId": STAGING_GROUP,
             "VpcId": STAGING, "Name": "staging", "Priority": 200,
             "MutationProtection": "DISABLED", "Status": "COMPLETE", "StatusMessage": ""}]},
        indent=4)
    config = {"Id": "rslvr-fc-0prod00000example", "ResourceId": PROD, "OwnerId": "111122223333",
              "FirewallFailOpen": fail_open or "DISABLED"}
    if healthy is not None:
        config["Healthy"] = healthy
    files["firewall/list-firewall-configs.json"] = json.dumps({"FirewallConfigs": [
        config, {"Id": "rslvr-fc-0other0000example", "ResourceId": "vpc-0ffff0000000000aa",
                 "OwnerId": "111122223333", "FirewallFailOpen": "DISABLED"}]}, indent=4)
    return files


def resolver_yaml(corp_port):
    return f"""\
HostedZones:
  - Name: corp.internal.
    VPCIds: [{PROD}, {STAGING}]
    ResourceRecordSets:
      - {{Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.200}}]}}
      - {{Name: secret.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.201}}]}}
      - {{Name: hop.corp.internal., Type: CNAME, TTL: 300, ResourceRecords: [{{Value: secret.corp.internal.}}]}}
      - {{Name: alias.corp.internal., Type: CNAME, TTL: 300, ResourceRecords: [{{Value: www.corp.internal.}}]}}
      - {{Name: garden.corp.internal., Type: A, TTL: 60, ResourceRecords: [{{Value: 10.0.9.9}}]}}
ResolverEndpoints:
  - {{Id: rslvr-in-0f1e2d3c4b5a69788, Direction: INBOUND, HostVPCId: {PROD},
     IpAddresses: [{{Ip: {INBOUND_HOST}}}]}}
ResolverRules:
  - {{DomainName: corp.example., RuleType: FORWARD, TargetIps: [{{Ip: 127.0.2.2, Port: {corp_port}}}],
     VPCIds: [{PROD}, {STAGING}]}}
"""


def internet(q, peer):
    """The fake internet. site*.example and trusted.example.com answer
    through evil-cdn.example, a CNAME chain; everything else A 192.0.2.99."""
    qname, qtype = q.question[0].name, q.question[0].rdtype
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    first = qname.labels[0].lower()
    if first.startswith(b"site") or qname.to_text().lower() == "trusted.example.com.":
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "CNAME", "evil-cdn.example."))
        if qtype == dns.rdatatype.A:
            r.answer.append(dns.rrset.from_text("evil-cdn.example.", 300, "IN", "A", CDN_A))
    elif qtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "A", INTERNET_A))
    elif qtype == dns.rdatatype.AAAA:
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "AAAA", "2001:db8::99"))
    return r


def corp(q, peer):
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    if q.question[0].rdtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "A", "192.0.2.10"))
    return r


class Env:
    pass


@pytest.fixture(scope="module")
def env():
    e = Env()
    e.internet = FakeUpstream(internet, host="127.0.2.1")
    e.corp = FakeUpstream(corp, host="127.0.2.2")
    files = firewall_files()
    files["resolver.yaml"] = resolver_yaml(e.corp.port)
    e.world = shipped_world(files)
    e.inbound = (INBOUND_HOST, free_port(INBOUND_HOST))
    try:
        e.dnsd = Dnsd(zones=e.world.dir, listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}"),
                      upstream=(e.internet.spec,),
                      args=["--inbound-port", str(e.inbound[1])])
    except Exception:
        e.internet.stop()
        e.corp.stop()
        e.world.cleanup()
        raise
    e.prod = e.dnsd.addrs[0]
    e.staging = e.dnsd.addrs[1]
    yield e
    try:
        e.dnsd.stop()
    finally:
        e.internet.stop()
        e.corp.stop()
        e.world.cleanup()


def ask(env, name, rdtype="A", addr=None, tcp=False):
    return env.dnsd.query(name, rdtype, addr=addr or env.prod, tcp=tcp)


def answer_text(m):
    """The answer section as 'name TTL TYPE data' lines, lowercase."""
    return [f"{rr.name.to_text().lower()} {rr.ttl} {dns.rdatatype.to_text(rr.rdtype)} "
            f"{r.to_text().lower()}" for rr in m.answer for r in rr]


# ---- block responses and actions ("Rule actions in DNS Firewall") ----

def test_block_nxdomain__rule_actions(env):
    for tcp in (False, True):
        m = ask(env, "blocked.example.com.", tcp=tcp)
        assert rcode(m) == "NXDOMAIN" and not m.answer and not m.authority, m
        assert m.flags & dns.flags.RA and m.flags & dns.flags.RD and not m.flags & dns.flags.AA
    out = dig("+noall", "+comments", "BLOCKED.Example.Com", port=env.prod[1])
    assert "status: NXDOMAIN" in out, out
    # a blocked query never goes out ("Block – ... block it from going to
    # its intended destination")
    assert env.internet.records("blocked.example.com.") == []


def test_block_nodata__rule_actions(env):
    m = ask(env, "nodata.example.com.", "AAAA")
    assert rcode(m) == "NOERROR" and not m.answer, m
    assert env.internet.records("nodata.example.com.") == []


def test_block_override_cname_to_walled_garden__rule_actions(env):
    m = ask(env, "www.Gambling.example.", "A")
    assert rcode(m) == "NOERROR"
    # the CNAME with BlockOverrideTtl, followed to the garden's address
    assert answer_text(m) == ["www.gambling.example. 60 CNAME garden.corp.internal.",
                              "garden.corp.internal. 60 A 10.0.9.9"], m
    assert m.question[0].name.to_text() == "www.Gambling.example."    # the client's case
    out = dig("+noall", "+answer", "gambling.example", port=env.prod[1])
    assert "CNAME\tgarden.corp.internal." in out and "10.0.9.9" in out, out


def test_alert_answers_as_usual_and_block_is_per_vpc__how_it_works(env):
    # watched.example.com: ALERT in prod, answered
    assert addresses(ask(env, "watched.example.com.")) == [INTERNET_A]
    # blocked.example.com: prod's group blocks it, staging's only alerts
    assert rcode(ask(env, "blocked.example.com.")) == "NXDOMAIN"
    assert addresses(ask(env, "blocked.example.com.", addr=env.staging)) == [INTERNET_A]


def test_first_match_decides_allow_over_later_block__how_it_works(env):
    # trusted.example.com is ALLOWed at priority 10; the BLOCK of its chain
    # target evil-cdn.example (priority 20) does not apply: TRUST_REDIRECTION_DOMAIN
    m = ask(env, "trusted.example.com.")
    assert answer_text(m) == ["trusted.example.com. 300 CNAME evil-cdn.example.",
                              f"evil-cdn.example. 300 A {CDN_A}"], m


def test_qtype_limits_a_rule__rule_settings(env):
    assert rcode(ask(env, "v4only.example.com.", "AAAA")) == "NXDOMAIN"
    assert addresses(ask(env, "v4only.example.com.", "A")) == [INTERNET_A]


def test_wildcard_and_exact_specifications__managing_domain_lists(env):
    assert rcode(ask(env, "a.malware.example.")) == "NXDOMAIN"
    assert rcode(ask(env, "x.y.MALWARE.example.")) == "NXDOMAIN"
    # "*.malware.example" holds the names below it, not malware.example
    assert addresses(ask(env, "malware.example.")) == [INTERNET_A]
    # "blocked.example.com" is that name only
    assert addresses(ask(env, "www.blocked.example.com.")) == [INTERNET_A]
    # the list entry "NoData.Example.COM." matches in any case
    assert rcode(ask(env, "NODATA.example.com.", "A")) == "NOERROR"
    assert not ask(env, "nodata.example.com.", "A").answer


def test_managed_list_without_domains_matches_nothing(env):
    assert addresses(ask(env, "malware-from-aws.example.")) == [INTERNET_A]
    assert "is managed by Route 53 Resolver DNS Firewall: AWS does not list its domains" in \
        env.dnsd.log()


# ---- where the firewall sits ("Using DNS Firewall to filter outbound DNS
# traffic": private hosted zones, VPC endpoint names, EC2 names; HOW:
# queries from the VPC's inbound endpoints; before Resolver rules) ----

def test_private_zone_endpoint_and_ec2_names_are_filtered__resolver_dns_firewall(env):
    assert rcode(ask(env, "secret.corp.internal.")) == "NXDOMAIN"
    assert addresses(ask(env, "www.corp.internal.")) == ["10.0.1.200"]
    # the CloudWatch endpoint's private DNS name (the hidden zone)
    assert rcode(ask(env, "monitoring.us-east-2.amazonaws.com.")) == "NXDOMAIN"
    assert sorted(addresses(ask(env, "kms.us-east-2.amazonaws.com."))) == \
        ["10.0.1.61", "10.0.2.61", "10.0.3.61"]
    # an autodefined EC2 name
    assert rcode(ask(env, "ip-10-0-7-9.us-east-2.compute.internal.")) == "NXDOMAIN"
    assert addresses(ask(env, "ip-10-0-7-8.us-east-2.compute.internal.")) == ["10.0.7.8"]
    # staging has no rule blocking them: its own answers
    assert addresses(ask(env, "secret.corp.internal.", addr=env.staging)) == ["10.0.1.201"]


def test_forwarding_rule_names_filtered_before_forwarding__how_it_works(env):
    before = len(env.corp.records())
    assert rcode(ask(env, "secret.corp.example.")) == "NXDOMAIN"
    assert env.corp.records("secret.corp.example.") == []
    assert addresses(ask(env, "www.corp.example.")) == ["192.0.2.10"]
    assert len(env.corp.records()) == before + 1


def test_inbound_endpoint_queries_are_filtered__how_it_works(env):
    # "DNS queries that pass through Resolver endpoints from on-premises
    # resources into that same VPC" are filtered too
    m = env.dnsd.query("blocked.example.com.", "A", addr=env.inbound)
    assert rcode(m) == "NXDOMAIN", m
    m = env.dnsd.query("www.gambling.example.", "A", addr=env.inbound)
    assert answer_text(m)[0] == "www.gambling.example. 60 CNAME garden.corp.internal."
    assert addresses(env.dnsd.query("www.corp.internal.", "A", addr=env.inbound)) == \
        ["10.0.1.200"]


# ---- redirection chains (FirewallDomainRedirectionAction, "Rule settings
# in DNS Firewall": inspect every domain of the chain, or trust it) ----

def test_chain_inside_private_zone_is_inspected__rule_settings(env):
    # hop.corp.internal -> secret.corp.internal (blocked)
    assert rcode(ask(env, "hop.corp.internal.")) == "NXDOMAIN"
    m = ask(env, "alias.corp.internal.")
    assert answer_text(m) == ["alias.corp.internal. 300 CNAME www.corp.internal.",
                              "www.corp.internal. 300 A 10.0.1.200"]
    # staging's rules do not block secret: the chain is answered
    m = ask(env, "hop.corp.internal.", addr=env.staging)
    assert addresses(m) == ["10.0.1.201"]


def test_chain_in_forwarded_reply_is_inspected_per_client__rule_settings(env):
    # site1.example -> evil-cdn.example (blocked in prod), from the fake internet
    m = ask(env, "site1.example.")
    assert rcode(m) == "NXDOMAIN" and not m.answer, m
    assert len(env.internet.records("site1.example.")) == 1
    # the same reply, now from the cache, for a staging client: answered
    m = ask(env, "site1.example.", addr=env.staging)
    assert answer_text(m)[0] == "site1.example. 300 CNAME evil-cdn.example."
    assert addresses(m) == [CDN_A]
    # and prod again, from the cache: blocked again
    assert rcode(ask(env, "site1.example.")) == "NXDOMAIN"
    assert len(env.internet.records("site1.example.")) == 1
    # over TCP, and with EDNS
    m = env.dnsd.send(dns.message.make_query("site2.example.", "A", use_edns=0), tcp=True)
    assert rcode(m) == "NXDOMAIN" and m.edns == 0


# ---- --check prints the rules in evaluation order ----

def test_check_prints_each_vpcs_rules(env):
    out = run_dnsd(["--check", "--zones", env.world.dir])
    assert out.returncode == 0, out.stderr
    lines = [l for l in out.stdout.splitlines() if "DNS Firewall" in l or l.startswith(";   group")]
    assert f"; DNS Firewall of {PROD}: fails closed; rules in evaluation order:" in lines
    assert (f";   group {PROD_GROUP} (priority 101) rule walled-garden (priority 40): BLOCK "
            "OVERRIDE -> garden.corp.internal. list rslvr-fdl-0ga4de400example (2 domains), "
            "every type, redirections inspected") in lines, "\n".join(lines)
    assert (f";   group {PROD_GROUP} (priority 101) rule allow-trusted (priority 10): ALLOW list "
            f"{LIST_IDS['trust']} (1 domains), every type, redirections trusted") in lines
    assert (f";   group {PROD_GROUP} (priority 101) rule no-v6 (priority 50): BLOCK NXDOMAIN list "
            f"{LIST_IDS['v6']} (1 domains), TYPE28 only, redirections inspected") in lines
    # a config for a VPC the definitions do not describe: a warning, not an error
    assert "firewall config of vpc-0ffff0000000000aa, a VPC the definitions do not describe" \
        in out.stderr


# ---- fail open or closed ("DNS Firewall VPC configuration") ----

@pytest.mark.parametrize("fail_open", ["DISABLED", "ENABLED"])
def test_firewall_failing_fails_closed_or_open__vpc_configuration(fail_open):
    internet_up = FakeUpstream(internet, host="127.0.2.3")
    files = firewall_files(fail_open=fail_open, healthy=False)
    files["resolver.yaml"] = resolver_yaml(9)
    w = shipped_world(files)
    try:
        with Dnsd(zones=w.dir, listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}"),
                  upstream=(internet_up.spec,)) as d:
            m = d.query("blocked.example.com.", "A")
            www = d.query("www.corp.internal.", "A")
            if fail_open == "DISABLED":
                # closed: "blocks any queries ... and sends a SERVFAIL DNS response"
                assert rcode(m) == "SERVFAIL" and rcode(www) == "SERVFAIL"
            else:
                # open: "allows queries through": no filtering at all
                assert addresses(m) == [INTERNET_A]
                assert addresses(www) == ["10.0.1.200"]
            # staging's firewall is healthy: filtered as usual (alert only)
            assert addresses(d.query("blocked.example.com.", "A", addr=d.addrs[1])) == \
                [INTERNET_A]
    finally:
        internet_up.stop()
        w.cleanup()


# ---- definitions: errors with file:line, reloads ----

def check_errors(files, expected):
    """--check on the shipped zones plus files: exit 1, and each expected
    message as file:line: error: ..."""
    w = shipped_world(files)
    try:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 1, out
        for rel, line, text in expected:
            want = f"{os.path.join(w.dir, rel)}:{line}: error: {text}"
            assert want in out.stderr, out.stderr
        for line in out.stderr.splitlines():
            if "error:" in line:
                assert line.split(":")[1].isdigit(), line   # file:line: error: ...
    finally:
        w.cleanup()


def test_bad_definitions_are_file_line_errors():
    rules_file = f"firewall/list-firewall-rules-{PROD_GROUP}.json"
    files = firewall_files()
    files["resolver.yaml"] = resolver_yaml(9)
    rules = json.loads(files[rules_file])
    rules["FirewallRules"][1]["Priority"] = 10            # allow-trusted's
    rules["FirewallRules"][4]["FirewallDomainListId"] = "rslvr-fdl-0nope"
    files[rules_file] = json.dumps(rules, indent=4)
    files["firewall/extra-domains.json"] = '{"Domains": ["x.example."]}\n'
    # each rule is 11 or 12 lines: rule n starts at its "{" line
    starts = [i + 1 for i, l in enumerate(files[rules_file].splitlines()) if l == "        {"]
    check_errors(files, [
        (rules_file, starts[1], f"firewall rule group {PROD_GROUP} has two rules with "
         f"Priority 10 (the other at"),
        (rules_file, starts[4], "firewall rule: FirewallDomainListId rslvr-fdl-0nope is not "
         "defined (list-firewall-domain-lists)"),
        ("firewall/extra-domains.json", 1, "cannot tell which firewall domain list these "
         "domains belong to"),
    ])
    # read errors: an OVERRIDE without its domain, a Qtype AWS does not know
    files = firewall_files()
    files["resolver.yaml"] = resolver_yaml(9)
    rules = json.loads(files[rules_file])
    rules["FirewallRules"][3].pop("BlockOverrideDomain")
    rules["FirewallRules"][4]["Qtype"] = "AXFR"
    files[rules_file] = json.dumps(rules, indent=4)
    qtype_line = [i + 1 for i, l in enumerate(files[rules_file].splitlines()) if "AXFR" in l][0]
    starts = [i + 1 for i, l in enumerate(files[rules_file].splitlines()) if l == "        {"]
    check_errors(files, [
        (rules_file, starts[3], "firewall rule walled-garden: BlockResponse OVERRIDE needs a "
         "BlockOverrideDomain"),
        (rules_file, qtype_line, "firewall rule no-v6: Qtype 'AXFR' is not a query type"),
    ])


def test_reload_applies_new_domains_and_keeps_old_rules_on_errors():
    files = firewall_files()
    files["resolver.yaml"] = resolver_yaml(9)
    w = shipped_world(files)
    internet_up = FakeUpstream(internet, host="127.0.2.4")
    domains_file = f"firewall/list-firewall-domains-{LIST_IDS['block']}.json"
    try:
        with Dnsd(zones=w.dir, upstream=(internet_up.spec,)) as d:
            assert addresses(d.query("newly-bad.example.", "A")) == [INTERNET_A]
            w.write(domains_file, json.dumps({"Domains": DOMAINS["block"] + ["newly-bad.example."]}))
            assert "reloaded: " in d.reload()
            assert rcode(d.query("newly-bad.example.", "A")) == "NXDOMAIN"
            # a broken reload (a domain AWS would refuse) keeps the rules in force
            w.write(domains_file, json.dumps({"Domains": ["bad_name.example."]}))
            line = d.reload()
            assert "reload failed" in line, line
            assert "is not a domain specification DNS Firewall accepts" in d.log()
            assert rcode(d.query("newly-bad.example.", "A")) == "NXDOMAIN"
    finally:
        internet_up.stop()
        w.cleanup()


# ---- size: a 100,000-domain list as list-firewall-domains prints it ----

def test_100000_domain_list_loads_and_filters():
    n = 100000
    domains = dict(DOMAINS)
    domains["block"] = [f"d{i}.bulk{i % 97}.example." if i % 5 else f"*.w{i}.example."
                        for i in range(n)]
    files = firewall_files(domains)
    files["resolver.yaml"] = resolver_yaml(9)
    w = shipped_world(files)
    internet_up = FakeUpstream(internet, host="127.0.2.5")
    try:
        t0 = time.monotonic()
        with Dnsd(zones=w.dir, upstream=(internet_up.spec,), timeout=60) as d:
            started = time.monotonic() - t0
            for i in (1, 2, 4999, 50001, n - 1):
                assert rcode(d.query(f"d{i}.bulk{i % 97}.example.", "A")) == "NXDOMAIN", i
            for i in (0, 5, 99995):
                assert rcode(d.query(f"host.w{i}.example.", "A")) == "NXDOMAIN", i
                assert addresses(d.query(f"w{i}.example.", "A")) == [INTERNET_A]
            assert addresses(d.query(f"d1.bulk2.example.", "A")) == [INTERNET_A]
            assert started < 30, started
    finally:
        internet_up.stop()
        w.cleanup()
