# tests/integration/test_policies.py - Route 53 routing policies in private hosted zones, against the real dnsd.
"""Weighted, failover, multivalue answer, latency, geolocation,
geoproximity and IP-based record sets and alias records that evaluate
target health, in private hosted zones, as the Route 53 Developer Guide
describes them; each test names its page. dnsd runs with one listener bound
to each VPC (--listen 127.0.0.1:0=VPC-ID): a query on it comes from inside
that VPC, whose Region decides latency, geolocation and geoproximity
records; IP-based records answer by the address a query comes from, so the
clients send from several 127.x addresses (all local on Linux's `lo`).
Health checks come from get-health-check-status output and Dnsd Health
entries, and change at runtime through a reload.
"""
import json
import random

import dns.message
import dns.query
import dns.rcode
import pytest

from tests.integration.harness import Dnsd, World, addresses, dig, rcode, run_dnsd

ZONE_ID = "Z0123456789ABCDEFGHIJ"
HC = "abcdef11-2222-3333-4444-55555500000{}".format
CIDR_ID = "c8c02a84-aaaa-4d5c-bbbb-0123456789ab"

# (VPC id, Region, CIDR)
VPCS = [("vpc-0aaaaaaaaaaaaaaa1", "us-east-1", "10.1.0.0/16"),
        ("vpc-0aaaaaaaaaaaaaaa2", "eu-west-2", "10.2.0.0/16"),
        ("vpc-0aaaaaaaaaaaaaaa3", "ap-southeast-2", "10.3.0.0/16"),
        ("vpc-0aaaaaaaaaaaaaaa4", "us-west-2", "10.4.0.0/16"),
        ("vpc-0aaaaaaaaaaaaaaa5", "eu-central-1", "10.5.0.0/16"),
        ("vpc-0aaaaaaaaaaaaaaa6", "us-east-2", "10.6.0.0/16")]


def rrset(name, set_id, value, ttl=60, rtype="A", **policy):
    rs = {"Name": name, "Type": rtype, "SetIdentifier": set_id, "TTL": ttl,
          "ResourceRecords": [{"Value": v} for v in ([value] if isinstance(value, str) else value)]}
    rs.update(policy)
    return rs


def world(sets, extra=None, vpcs=VPCS, vpc_file=True):
    """Definitions: the VPCs (unless extra defines them), one private hosted
    zone with `sets`, and any extra files {name: object}."""
    w = World()
    if vpc_file:
        w.write("vpcs.json", json.dumps({"Vpcs": [
            {"VpcId": v, "CidrBlock": c, "Region": r, "EnableDnsSupport": True,
             "EnableDnsHostnames": True} for v, r, c in vpcs]}))
    w.write("list-hosted-zones.json", json.dumps({"HostedZones": [
        {"Id": f"/hostedzone/{ZONE_ID}", "Name": "corp.example.", "CallerReference": "x",
         "Config": {"PrivateZone": True}, "ResourceRecordSetCount": len(sets) + 2}]}))
    w.write(f"get-hosted-zone-{ZONE_ID}.json", json.dumps({
        "HostedZone": {"Id": f"/hostedzone/{ZONE_ID}", "Name": "corp.example.",
                       "CallerReference": "x", "Config": {"PrivateZone": True}},
        "VPCs": [{"VPCRegion": r, "VPCId": v} for v, r, _ in vpcs]}))
    w.write(f"list-resource-record-sets-{ZONE_ID}.json",
            json.dumps({"ResourceRecordSets": sets}, indent=1))
    for name, obj in (extra or {}).items():
        w.write(name, obj if isinstance(obj, str) else json.dumps(obj))
    return w


def status(ok, n=8):
    """get-health-check-status output: ok of n checkers report Success."""
    return {"HealthCheckObservations": [
        {"Region": "us-east-1", "IPAddress": f"15.177.2.{i}",
         "StatusReport": {"Status": "Success: HTTP Status Code 200, OK" if i < ok else
                          "Failure: Connection timed out.",
                          "CheckedTime": "2024-05-01T10:00:00.000Z"}} for i in range(n)]}


def start(w, vpcs=VPCS):
    return Dnsd(zones=w.dir, listen=[f"127.0.0.1:0={v}" for v, _, _ in vpcs])


def ask(d, name, vpc=0, rtype="A", source=None, tcp=False):
    q = dns.message.make_query(name, rtype)
    host, port = d.addrs[vpc]
    if tcp:
        return dns.query.tcp(q, host, port=port, timeout=3, source=source)
    return dns.query.udp(q, host, port=port, timeout=3, source=source)


def counts(d, name, n, vpc=0):
    seen = {}
    for _ in range(n):
        for a in addresses(ask(d, name, vpc)):
            seen[a] = seen.get(a, 0) + 1
    return seen


def chi_square(observed, expected):
    return sum((observed.get(k, 0) - e) ** 2 / e for k, e in expected.items())


# chi-square critical values at p = 0.001 by degrees of freedom
CHI2_001 = {1: 10.83, 2: 13.82, 3: 16.27}


# ---- weighted (Developer Guide, "Weighted routing", "Values specific for weighted records") ----

def test_weighted_split_follows_the_weights__routing_policy_weighted():
    sets = [rrset("w.corp.example.", "a", "10.0.0.1", Weight=10),
            rrset("w.corp.example.", "b", "10.0.0.2", Weight=30),
            rrset("w.corp.example.", "c", "10.0.0.3", Weight=60),
            rrset("w.corp.example.", "off", "10.0.0.9", Weight=0)]
    with world(sets) as w, start(w) as d:
        seen = counts(d, "w.corp.example.", 3000)
        assert "10.0.0.9" not in seen, "a weight-0 set is answered only when all are 0"
        assert sum(seen.values()) == 3000
        expect = {"10.0.0.1": 300, "10.0.0.2": 900, "10.0.0.3": 1800}
        assert chi_square(seen, expect) < CHI2_001[2], seen
        # over TCP too, with dig
        out = dig("+short", "w.corp.example.", "A", port=d.addrs[0][1])
        assert out.strip() in expect


def test_weighted_all_zero_share_equally__routing_policy_weighted():
    sets = [rrset("z.corp.example.", f"s{i}", f"10.0.1.{i}", Weight=0) for i in range(1, 4)]
    with world(sets) as w, start(w) as d:
        seen = counts(d, "z.corp.example.", 1500)
        assert chi_square(seen, {f"10.0.1.{i}": 500 for i in range(1, 4)}) < CHI2_001[2], seen


def test_weighted_health_checks__health_checks_how_route_53_chooses_records():
    """Unhealthy sets stop being answered; with every nonzero-weight set
    unhealthy the zero-weight ones are considered; none healthy: all."""
    sets = [rrset("h.corp.example.", "a", "10.0.2.1", Weight=50, HealthCheckId=HC(1)),
            rrset("h.corp.example.", "b", "10.0.2.2", Weight=50, HealthCheckId=HC(2)),
            rrset("h.corp.example.", "z", "10.0.2.9", Weight=0, HealthCheckId=HC(3))]
    extra = {f"get-health-check-status-{HC(1)}.json": status(0)}
    with world(sets, extra) as w, start(w) as d:
        assert counts(d, "h.corp.example.", 200) == {"10.0.2.2": 200}
        w.write(f"get-health-check-status-{HC(2)}.json", json.dumps(status(1)))  # 12.5%
        assert "reloaded" in d.reload()
        assert counts(d, "h.corp.example.", 100) == {"10.0.2.9": 100}
        w.write(f"get-health-check-status-{HC(3)}.json", json.dumps(status(0)))
        assert "reloaded" in d.reload()
        seen = counts(d, "h.corp.example.", 400)
        assert set(seen) == {"10.0.2.1", "10.0.2.2"}, "none healthy: all are, weight 0 aside"


# ---- failover (Developer Guide, "Failover routing", "Configuring failover in a private hosted zone") ----

def test_failover_follows_the_primary_health_check_at_runtime__routing_policy_failover():
    sets = [rrset("db.corp.example.", "primary", "10.0.3.1", Failover="PRIMARY",
                  HealthCheckId=HC(1)),
            rrset("db.corp.example.", "secondary", "10.0.3.2", Failover="SECONDARY")]
    extra = {f"get-health-check-status-{HC(1)}.json": status(8)}
    with world(sets, extra) as w, start(w) as d:
        for vpc in range(len(VPCS)):
            assert addresses(ask(d, "db.corp.example.", vpc)) == ["10.0.3.1"]
        # the health check fails: the next query after the reload gets the secondary
        w.write(f"get-health-check-status-{HC(1)}.json", json.dumps(status(1)))
        assert "reloaded" in d.reload()
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.2"]
        # an override layered over the status (a Dnsd Health entry) brings it back
        w.write("dnsd.yaml", f"Dnsd:\n  Health:\n    - {{HealthCheckId: {HC(1)}, Healthy: true}}\n")
        assert "reloaded" in d.reload()
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.1"]


def test_failover_follows_dnsd_control_health_check__routing_policy_failover():
    """dnsd-control health check ID up|down|clear: layered over the status
    the definitions give, kept across reloads until cleared; the next query
    after the reply sees it."""
    sets = [rrset("db.corp.example.", "primary", "10.0.3.1", Failover="PRIMARY",
                  HealthCheckId=HC(1)),
            rrset("db.corp.example.", "secondary", "10.0.3.2", Failover="SECONDARY")]
    extra = {f"get-health-check-status-{HC(1)}.json": status(8)}
    with world(sets, extra) as w, start(w) as d:
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.1"]
        out = d.ctl_ok("health", "check", HC(1), "down")
        assert out.startswith(f"ok: check {HC(1)} down: unhealthy")
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.2"]
        assert "reloaded" in d.reload()             # kept across a reload
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.2"]
        show = d.ctl_ok("health", "show")
        assert f"check {HC(1)} down" in show and f"{HC(1)}: unhealthy" in show
        d.ctl_ok("health", "check", HC(1), "clear")  # back to the status: 8 of 8 succeed
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.1"]
        bad = d.ctl("health", "check", "no-such-check", "down")
        assert bad.returncode == 1
        assert "Route 53 health check 'no-such-check' is not in the definitions" in bad.stderr


def test_failover_both_unhealthy_answers_the_primary__health_checks_how_route_53_chooses_records():
    sets = [rrset("db.corp.example.", "p", "10.0.3.1", Failover="PRIMARY", HealthCheckId=HC(1)),
            rrset("db.corp.example.", "s", "10.0.3.2", Failover="SECONDARY", HealthCheckId=HC(2))]
    extra = {f"get-health-check-status-{HC(1)}.json": status(0),
             f"get-health-check-status-{HC(2)}.json": status(0)}
    with world(sets, extra) as w, start(w) as d:
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.1"]


def test_failover_from_list_health_checks_inverted_and_calculated__dns_failover_determining_health():
    """A CALCULATED health check of two children, one Inverted (no data:
    unhealthy), HealthThreshold 2: unhealthy, so the secondary answers."""
    checks = {"HealthChecks": [
        {"Id": HC(1), "CallerReference": "1", "HealthCheckVersion": 1,
         "HealthCheckConfig": {"Type": "CALCULATED", "HealthThreshold": 2,
                               "ChildHealthChecks": [HC(2), HC(3)]}},
        {"Id": HC(2), "CallerReference": "2", "HealthCheckVersion": 1,
         "HealthCheckConfig": {"Type": "HTTP", "IPAddress": "192.0.2.1", "Port": 80}},
        {"Id": HC(3), "CallerReference": "3", "HealthCheckVersion": 1,
         "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.2", "Port": 22,
                               "Inverted": True}}],
        "IsTruncated": False, "MaxItems": "100", "Marker": ""}
    sets = [rrset("db.corp.example.", "p", "10.0.3.1", Failover="PRIMARY", HealthCheckId=HC(1)),
            rrset("db.corp.example.", "s", "10.0.3.2", Failover="SECONDARY")]
    with world(sets, {"list-health-checks.json": checks}) as w, start(w) as d:
        assert addresses(ask(d, "db.corp.example.")) == ["10.0.3.2"]


# ---- multivalue answer (Developer Guide, "Multivalue answer routing") ----

def test_multivalue_up_to_eight_healthy_at_random__routing_policy_multivalue():
    sets = [rrset("m.corp.example.", f"m{i}", f"10.0.4.{i}", MultiValueAnswer=True,
                  HealthCheckId=HC(i % 10)) for i in range(1, 15)]
    # health checks 1 and 2 fail: sets 1, 2, 11 and 12 are out; 10 healthy remain
    extra = {f"get-health-check-status-{HC(1)}.json": status(0),
             f"get-health-check-status-{HC(2)}.json": status(0)}
    healthy = {f"10.0.4.{i}" for i in range(1, 15) if i % 10 not in (1, 2)}
    with world(sets, extra) as w, start(w) as d:
        seen = {}
        combos = set()
        for _ in range(600):
            got = addresses(ask(d, "m.corp.example."))
            assert len(got) == 8 and len(set(got)) == 8
            assert set(got) <= healthy
            combos.add(frozenset(got))
            for a in got:
                seen[a] = seen.get(a, 0) + 1
        assert set(seen) == healthy
        assert len(combos) > 5, "different answers to different queries"
        assert chi_square(seen, {a: 600 * 8 / 10 for a in healthy}) < 27.88  # df 9, p 0.001


def test_multivalue_few_or_none_healthy__routing_policy_multivalue():
    sets = [rrset("m.corp.example.", f"m{i}", f"10.0.5.{i}", MultiValueAnswer=True,
                  HealthCheckId=HC(1)) for i in range(1, 11)]
    sets += [rrset("m.corp.example.", "plain", "10.0.5.99", MultiValueAnswer=True)]
    with world(sets, {f"get-health-check-status-{HC(1)}.json": status(0)}) as w, start(w) as d:
        # only the set without a health check is healthy: it alone answers
        assert addresses(ask(d, "m.corp.example.")) == ["10.0.5.99"]
        w.write(f"get-health-check-status-{HC(1)}.json", json.dumps(status(8)))
        assert "reloaded" in d.reload()
        assert len(addresses(ask(d, "m.corp.example."))) == 8


def test_multivalue_all_unhealthy_answers_up_to_eight_unhealthy__routing_policy_multivalue():
    sets = [rrset("m.corp.example.", f"m{i}", f"10.0.6.{i}", MultiValueAnswer=True,
                  HealthCheckId=HC(1)) for i in range(1, 7)]
    with world(sets, {f"get-health-check-status-{HC(1)}.json": status(0)}) as w, start(w) as d:
        assert sorted(addresses(ask(d, "m.corp.example."))) == [f"10.0.6.{i}" for i in range(1, 7)]


# ---- latency (Developer Guide, "Latency-based routing in private hosted zones") ----

LATENCY = [rrset("api.corp.example.", "use1", "10.1.9.1", Region="us-east-1", HealthCheckId=HC(1)),
           rrset("api.corp.example.", "euw1", "10.2.9.1", Region="eu-west-1"),
           rrset("api.corp.example.", "apne1", "10.3.9.1", Region="ap-northeast-1")]


def test_latency_answers_the_region_nearest_the_vpcs__routing_policy_latency_phz():
    with world(LATENCY) as w, start(w) as d:
        want = {0: "10.1.9.1",     # us-east-1: the same Region
                1: "10.2.9.1",     # eu-west-2 (London): Ireland is nearest
                2: "10.3.9.1",     # ap-southeast-2 (Sydney): Tokyo
                3: "10.1.9.1",     # us-west-2: Virginia before Ireland and Tokyo
                4: "10.2.9.1",     # eu-central-1: Ireland
                5: "10.1.9.1"}     # us-east-2: Virginia
        for vpc, addr in want.items():
            assert addresses(ask(d, "api.corp.example.", vpc)) == [addr], VPCS[vpc]


def test_latency_unhealthy_gives_the_next_nearest__routing_policy_latency_phz():
    with world(LATENCY, {f"get-health-check-status-{HC(1)}.json": status(0)}) as w, start(w) as d:
        assert addresses(ask(d, "api.corp.example.", 0)) == ["10.2.9.1"]   # Virginia -> Ireland
        # Oregon: Ireland (7,300 km) before Tokyo (8,000 km), by great-circle distance
        assert addresses(ask(d, "api.corp.example.", 3)) == ["10.2.9.1"]
        assert addresses(ask(d, "api.corp.example.", 2)) == ["10.3.9.1"]   # Sydney: Tokyo still


# ---- geolocation (Developer Guide, "Geolocation routing in private hosted zones") ----

GEO = [rrset("geo.corp.example.", "va", "10.9.0.1", GeoLocation={"CountryCode": "US",
                                                                "SubdivisionCode": "VA"},
             HealthCheckId=HC(1)),
       rrset("geo.corp.example.", "us", "10.9.0.2", GeoLocation={"CountryCode": "US"}),
       rrset("geo.corp.example.", "eu", "10.9.0.3", GeoLocation={"ContinentCode": "EU"}),
       rrset("geo.corp.example.", "gb", "10.9.0.4", GeoLocation={"CountryCode": "GB"}),
       rrset("geo.corp.example.", "any", "10.9.0.9", GeoLocation={"CountryCode": "*"})]


def test_geolocation_uses_the_vpcs_region__routing_policy_geo_phz():
    """"if your resource is in us-east-1, you can specify North America,
    United States, or Virginia" (Values specific for geolocation records):
    the VPC's Region is placed the same way."""
    with world(GEO) as w, start(w) as d:
        want = {0: "10.9.0.1",   # us-east-1: Virginia
                1: "10.9.0.4",   # eu-west-2: United Kingdom before Europe
                2: "10.9.0.9",   # ap-southeast-2: the default location
                3: "10.9.0.2",   # us-west-2: United States (Oregon has no record)
                4: "10.9.0.3",   # eu-central-1: Europe
                5: "10.9.0.2"}   # us-east-2: United States
        for vpc, addr in want.items():
            assert addresses(ask(d, "geo.corp.example.", vpc)) == [addr], VPCS[vpc]


def test_geolocation_unhealthy_falls_back_to_the_larger_region__values_specific_geo():
    with world(GEO, {f"get-health-check-status-{HC(1)}.json": status(0)}) as w, start(w) as d:
        assert addresses(ask(d, "geo.corp.example.", 0)) == ["10.9.0.2"]


def test_geolocation_without_default_is_no_answer__values_specific_geo():
    with world(GEO[:4]) as w, start(w) as d:
        r = ask(d, "geo.corp.example.", 2)
        assert rcode(r) == "NOERROR" and not r.answer
        assert r.authority and r.authority[0].rdtype == dns.rdatatype.SOA


# ---- geoproximity (Developer Guide, "Geoproximity routing in private hosted zones") ----

def test_geoproximity_nearest_with_bias__routing_policy_geoproximity_phz():
    def sets(bias):
        return [rrset("gp.corp.example.", "east", "10.8.0.1",
                      GeoProximityLocation={"AWSRegion": "us-east-1"}),
                rrset("gp.corp.example.", "west", "10.8.0.2",
                      GeoProximityLocation={"AWSRegion": "us-west-2", "Bias": bias}),
                rrset("gp.corp.example.", "seattle", "10.8.0.3",
                      GeoProximityLocation={"Coordinates": {"Latitude": "47.61",
                                                            "Longitude": "-122.33"},
                                            "Bias": -50})]
    with world(sets(0)) as w, start(w) as d:
        assert addresses(ask(d, "gp.corp.example.", 5)) == ["10.8.0.1"]   # Ohio: Virginia
        assert addresses(ask(d, "gp.corp.example.", 3)) == ["10.8.0.2"]   # Oregon itself
    # bias 90: Oregon's distance from Ohio counts a tenth: nearer than Virginia
    with world(sets(90)) as w, start(w) as d:
        assert addresses(ask(d, "gp.corp.example.", 5)) == ["10.8.0.2"]


# ---- IP-based (Developer Guide, "IP-based routing") ----

def test_ip_based_by_client_address__routing_policy_ipbased():
    collections = {"CidrCollections": [{"Arn": f"arn:aws:route53:::cidrcollection/{CIDR_ID}",
                                        "Id": CIDR_ID, "Name": "clients", "Version": 1}]}
    blocks = {"CidrBlocks": [{"CidrBlock": "127.0.1.0/24", "LocationName": "site-a"},
                             {"CidrBlock": "127.0.2.0/24", "LocationName": "site-b"},
                             {"CidrBlock": "127.0.0.0/8", "LocationName": "lo"}]}
    sets = [rrset("ip.corp.example.", "a", "10.7.0.1",
                  CidrRoutingConfig={"CollectionId": CIDR_ID, "LocationName": "site-a"}),
            rrset("ip.corp.example.", "b", "10.7.0.2",
                  CidrRoutingConfig={"CollectionId": CIDR_ID, "LocationName": "site-b"}),
            rrset("ip.corp.example.", "lo", "10.7.0.3",
                  CidrRoutingConfig={"CollectionId": CIDR_ID, "LocationName": "lo"}),
            rrset("ip.corp.example.", "rest", "10.7.0.9",
                  CidrRoutingConfig={"CollectionId": CIDR_ID, "LocationName": "*"})]
    extra = {"list-cidr-collections.json": collections,
             f"list-cidr-blocks-{CIDR_ID}.json": blocks}
    with world(sets, extra) as w, start(w) as d:
        assert "IP-based records in a private hosted zone" in d.log()
        for source, want in (("127.0.1.5", "10.7.0.1"), ("127.0.2.200", "10.7.0.2"),
                             ("127.0.3.1", "10.7.0.3"), ("127.0.0.1", "10.7.0.3")):
            for tcp in (False, True):
                got = addresses(ask(d, "ip.corp.example.", source=source, tcp=tcp))
                assert got == [want], (source, tcp)
    # without the "lo" location, other loopback clients get the default
    with world([s for s in sets if s["SetIdentifier"] != "lo"], extra) as w, start(w) as d:
        assert addresses(ask(d, "ip.corp.example.", source="127.0.3.1")) == ["10.7.0.9"]
        assert addresses(ask(d, "ip.corp.example.", source="127.0.1.1")) == ["10.7.0.1"]


# ---- aliases that evaluate target health (Developer Guide, "How health checks work in
# ---- complex Amazon Route 53 configurations"; API Reference, AliasTarget) ----

def test_failover_alias_evaluates_the_target_groups_health__dns_failover_complex_configs():
    """A failover alias whose primary is a weighted group: healthy while one
    of its records is; the alias itself answers as the group does."""
    sets = [rrset("pool.corp.example.", "a", "10.6.0.1", Weight=1, HealthCheckId=HC(1)),
            rrset("pool.corp.example.", "b", "10.6.0.2", Weight=1, HealthCheckId=HC(2)),
            rrset("backup.corp.example.", "x", "10.6.0.9", Weight=1),
            {"Name": "svc.corp.example.", "Type": "A", "SetIdentifier": "p", "Failover": "PRIMARY",
             "AliasTarget": {"HostedZoneId": ZONE_ID, "DNSName": "pool.corp.example.",
                             "EvaluateTargetHealth": True}},
            {"Name": "svc.corp.example.", "Type": "A", "SetIdentifier": "s",
             "Failover": "SECONDARY",
             "AliasTarget": {"HostedZoneId": ZONE_ID, "DNSName": "backup.corp.example.",
                             "EvaluateTargetHealth": True}}]
    extra = {f"get-health-check-status-{HC(1)}.json": status(0)}
    with world(sets, extra) as w, start(w) as d:
        assert counts(d, "svc.corp.example.", 50) == {"10.6.0.2": 50}
        w.write(f"get-health-check-status-{HC(2)}.json", json.dumps(status(0)))
        assert "reloaded" in d.reload()
        assert counts(d, "svc.corp.example.", 50) == {"10.6.0.9": 50}


def test_alias_to_weighted_records_answers_by_weight__resource_record_sets_choosing_alias():
    sets = [rrset("pool.corp.example.", "a", "10.6.1.1", Weight=1),
            rrset("pool.corp.example.", "b", "10.6.1.2", Weight=3),
            {"Name": "www.corp.example.", "Type": "A",
             "AliasTarget": {"HostedZoneId": ZONE_ID, "DNSName": "pool.corp.example.",
                             "EvaluateTargetHealth": False}}]
    with world(sets) as w, start(w) as d:
        seen = counts(d, "www.corp.example.", 2000)
        assert chi_square(seen, {"10.6.1.1": 500, "10.6.1.2": 1500}) < CHI2_001[1], seen


ENDPOINT_WORLD = {
    "endpoint.yaml": """Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.1.0.0/16
    Region: us-east-1
    EnableDnsSupport: true
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-1a, CidrBlock: 10.1.1.0/24}
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa2, AvailabilityZone: us-east-1b, CidrBlock: 10.1.2.0/24}
    VpcEndpoints:
      - VpcEndpointId: vpce-0123456789abcdef0
        ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0e7555fb6441987e1
        DnsEntries: [{DnsName: vpce-0123456789abcdef0-abcd1234.vpce-svc-0e7555fb6441987e1.us-east-1.vpce.amazonaws.com}]
        NetworkInterfaces:
          - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa1, SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.1.1.10}
          - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa2, SubnetId: subnet-0aaaaaaaaaaaaaaa2, PrivateIpAddress: 10.1.2.10}
ServiceDetails:
  - ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0e7555fb6441987e1
    ServiceType: [{ServiceType: Interface}]
    BaseEndpointDnsNames: [vpce-svc-0e7555fb6441987e1.us-east-1.vpce.amazonaws.com]
"""}
ZONAL = "vpce-0123456789abcdef0-abcd1234-us-east-1{}.vpce-svc-0e7555fb6441987e1.us-east-1.vpce.amazonaws.com."


def test_failover_alias_to_endpoint_zonal_names_follows_eni_health__routing_to_vpc_interface_endpoint():
    """Failover aliases to an interface endpoint's zonal names with
    EvaluateTargetHealth: a zonal name is healthy while its AZ's ENI is
    (dnsd's reading: AWS calls endpoints highly available and says no
    more)."""
    sets = [{"Name": "svc.corp.example.", "Type": "A", "SetIdentifier": "a", "Failover": "PRIMARY",
             "AliasTarget": {"HostedZoneId": "Z7HUB22UULQXV", "DNSName": ZONAL.format("a"),
                             "EvaluateTargetHealth": True}},
            {"Name": "svc.corp.example.", "Type": "A", "SetIdentifier": "b",
             "Failover": "SECONDARY",
             "AliasTarget": {"HostedZoneId": "Z7HUB22UULQXV", "DNSName": ZONAL.format("b"),
                             "EvaluateTargetHealth": True}}]
    with world(sets, ENDPOINT_WORLD, VPCS[:1], vpc_file=False) as w, start(w, VPCS[:1]) as d:
        assert addresses(ask(d, "svc.corp.example.")) == ["10.1.1.10"]
        w.write("health.yaml", "Dnsd:\n  Health:\n    - {AvailabilityZone: us-east-1a, Healthy: false}\n")
        assert "reloaded" in d.reload()
        assert addresses(ask(d, "svc.corp.example.")) == ["10.1.2.10"]


# ---- sizes: record sets across growth boundaries, thousands under ASan ----

@pytest.mark.parametrize("n", [1, 15, 16, 17, 300, 2000])
def test_weighted_and_multivalue_sizes(n):
    sets = [rrset("w.corp.example.", f"w{i}", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
                  Weight=255) for i in range(n)]
    sets += [rrset("m.corp.example.", f"m{i}", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
                   MultiValueAnswer=True) for i in range(n)]
    valid = {s["ResourceRecords"][0]["Value"] for s in sets}
    with world(sets) as w, start(w) as d:
        seen = set()
        for _ in range(200):
            got = addresses(ask(d, "w.corp.example."))
            assert len(got) == 1 and got[0] in valid
            seen.add(got[0])
            mv = addresses(ask(d, "m.corp.example."))
            assert len(mv) == min(n, 8) and set(mv) <= valid and len(set(mv)) == len(mv)
        assert len(seen) >= min(n, 20)
        assert ("AWS allows 100 with the same name and type" in d.log()) == (n > 100)


# ---- errors through the binary ----

def test_policy_errors_stop_the_load_with_file_and_line():
    sets = [rrset("x.corp.example.", "a", "10.0.0.1", Weight=1, Failover="PRIMARY"),
            rrset("y.corp.example.", "a", "10.0.0.1", Weight=300)]
    with world(sets) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 1
        path = f"{w.dir}/list-resource-record-sets-{ZONE_ID}.json"
        with open(path) as f:
            lines = f.read().split("\n")
        # a record set's line is its "{": the line before its Name (0-based
        # index); a bad value's is its own
        x = next(i for i, l in enumerate(lines) if '"Name": "x.corp.example."' in l)
        y = next(i for i, l in enumerate(lines) if '"Weight": 300' in l) + 1
        assert f"{path}:{x}: error: record set x.corp.example. A has both Weight and Failover" \
            in out.stderr
        assert f"{path}:{y}: error: record set y.corp.example. A: Weight is more than Route 53 " \
               "allows, an integer between 0 and 255: 300" in out.stderr


def test_check_prints_the_alternatives():
    sets = [rrset("w.corp.example.", "blue", "10.0.0.1", Weight=10),
            rrset("w.corp.example.", "green", "10.0.0.2", Weight=30)]
    with world(sets) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 0, out.stderr
        assert "; weighted alternative 1 of 2 (SetIdentifier blue, weight 10): each query " \
               "gets one\nw.corp.example.\t60\tIN\tA\t10.0.0.1\n" in out.stdout


# ---- the shipped example world (zones/route53/, zones/apigateway/) ----

def test_shipped_world_routing_policies():
    """zones/route53/apps-internal.yaml: weighted 90:10, failover with a
    healthy primary (its get-health-check-status has 8 of 8 Success),
    multivalue, latency from us-east-2, an alias to the CloudWatch endpoint;
    zones/apigateway/: the private API's alias name."""
    from tests.integration.harness import ZONES
    with Dnsd(zones=ZONES) as d:
        seen = counts(d, "api.apps.internal.", 1000)
        assert chi_square(seen, {"10.0.1.200": 900, "10.0.2.200": 100}) < CHI2_001[1], seen
        assert addresses(ask(d, "db.apps.internal.")) == ["10.0.1.50"]
        assert sorted(addresses(ask(d, "cache.apps.internal."))) == ["10.0.1.61", "10.0.2.61",
                                                                    "10.0.3.61"]
        assert addresses(ask(d, "app.apps.internal.")) == ["10.0.1.70"]
        assert sorted(addresses(ask(d, "metrics.apps.internal."))) == ["10.0.1.42", "10.0.2.17",
                                                                      "10.0.3.88"]
        alias = "a1b2c3d4e5-vpce-01234567abcdef012.execute-api.us-east-2.amazonaws.com."
        assert sorted(addresses(ask(d, alias))) == ["10.0.1.81", "10.0.2.81"]


def test_weighted_cname_alternatives_each_meet_the_dns_firewall__routing_policy_weighted():
    """The answer path picks the alternative before DNS Firewall looks at
    the CNAME chain: only the queries that get the blocked target are
    blocked (Route 53 Developer Guide, "Weighted routing"; "Route 53
    Resolver DNS Firewall")."""
    sets = [rrset("c.corp.example.", "bad", "x.corp.example.", rtype="CNAME", Weight=1),
            rrset("c.corp.example.", "good", "y.corp.example.", rtype="CNAME", Weight=1),
            rrset("x.corp.example.", "x", "10.5.0.1", Weight=1),
            rrset("y.corp.example.", "y", "10.5.0.2", Weight=1)]
    fw = (f"FirewallDomainLists: [{{Id: rslvr-fdl-1, Domains: [x.corp.example]}}]\n"
          f"FirewallRuleGroups: [{{Id: rslvr-frg-1, FirewallRules: [{{Name: b, Priority: 1,\n"
          f"  FirewallDomainListId: rslvr-fdl-1, Action: BLOCK, BlockResponse: NXDOMAIN}}]}}]\n"
          f"FirewallRuleGroupAssociations: [{{FirewallRuleGroupId: rslvr-frg-1, "
          f"VpcId: {VPCS[0][0]}, Priority: 101}}]\n")
    with world(sets, {"firewall.yaml": fw}) as w, start(w) as d:
        blocked = answered = 0
        for _ in range(400):
            r = ask(d, "c.corp.example.")
            if rcode(r) == "NXDOMAIN":
                blocked += 1
            else:
                assert addresses(r) == ["10.5.0.2"], r
                answered += 1
        assert blocked > 140 and answered > 140, (blocked, answered)
