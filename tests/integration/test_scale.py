# tests/integration/test_scale.py - many VPCs, and random topologies, against the real dnsd.
"""Issue 12: with 16 or more VPCs a use-after-free in the zone builder lost
most VPCs' zones while `--check` said "ok". These tests load worlds of
1, 15, 16, 17, 64 and 300 VPCs (crossing the builder's growth boundaries)
and random topologies, start the real dnsd inside a network namespace of
their own, and ask from an address inside each VPC (as an instance
there would) for every endpoint's private, regional and zonal names and
for every hosted-zone name, comparing each answer with the model in
worlds.py:

- a private DNS name answers its endpoint's addresses in its own VPC only
  (AWS PrivateLink guide, "Private DNS names": the hidden private hosted
  zone is associated with the endpoint's VPC);
- regional and zonal `vpce-…` names answer in every VPC (they are public);
- elsewhere a name is forwarded (to a fake upstream that says so).
"""
import os
import re
import tempfile

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from .harness import Dnsd, run_dnsd
from .netns import Netns
from .test_forward import FakeUpstream, answer_a
from . import worlds

RECURSION = "192.0.2.53"    # what the default upstream answers
RULE_TARGET = "192.0.2.54"  # what a FORWARD rule's target answers


@pytest.fixture(scope="module")
def ns():
    with Netns() as n:
        yield n


@pytest.fixture(scope="module")
def upstreams(ns):
    with ns.inside():
        rec = FakeUpstream(answer_a(RECURSION))
        rule = FakeUpstream(answer_a(RULE_TARGET))
    yield rec, rule
    rec.stop()
    rule.stop()


def ask(dnsd, src, name, rdtype="A", timeout=3):
    q = dns.message.make_query(name, rdtype)
    try:
        return dns.query.udp(q, dnsd.host, port=dnsd.port, source=src, timeout=timeout)
    except dns.exception.Timeout:
        return None


def outcome(r):
    """A reply as the model states outcomes."""
    if r is None:
        return ("drop",)
    if r.rcode() == dns.rcode.NXDOMAIN:
        return ("nxdomain",)
    if r.rcode() != dns.rcode.NOERROR:
        return ("rcode", dns.rcode.to_text(r.rcode()))
    addrs = sorted(rr.address for rrset in r.answer if rrset.rdtype == dns.rdatatype.A
                   for rr in rrset)
    if addrs == [RECURSION]:
        return ("forward", None)
    if addrs == [RULE_TARGET]:
        return ("forward", "rule")
    return ("addrs", addrs)


def expected(world, vpc, name):
    e = world.expect(vpc, name)
    return ("forward", "rule") if e[0] == "forward" and e[1] else e


def names_to_ask(world, vpc, rnd=None):
    """Every endpoint name of the VPC, another VPC's names, zone names."""
    names = set()
    for e in vpc.endpoints:
        names |= {e.private_name, e.regional, "x." + e.private_name}
        names |= {e.zonal(az) for _, az, _, _ in e.enis}
    for s in worlds.SERVICES:
        names.add(f"{s}.{worlds.REGION}.amazonaws.com")
    for z in world.zones:
        names |= set(z.records) | set(z.routed) | {"nope." + z.name}
    for r in world.rules:
        names.add("host." + r.domain)
    others = [e for v in world.vpcs if v is not vpc for e in v.endpoints]
    if rnd:
        others = rnd.sample(others, min(len(others), 6))
    for e in others[:6]:
        names |= {e.regional, e.zonal(e.enis[0][1])}
    for v in [vpc] + [v for v in world.vpcs if v is not vpc][:2]:
        for i in v.instances[:4]:
            names |= {i.ip_name, i.resource_name}
            if i.public:
                names.add(i.public_name)
    return sorted(names)


def check_world(ns, world, upstreams, form="cli", every_vpc=True, rnd=None):
    rec, rule = upstreams
    for r in world.rules:
        if r.target:
            r.target = ("127.0.0.1", rule.port)
    d = tempfile.mkdtemp(prefix="dnsd-scale-")
    world.write(d, form)
    mismatches = []
    with Dnsd(zones=d, upstream=(rec.addr,), wrap=ns.wrap, timeout=60) as dnsd, ns.inside():
        vpcs = world.vpcs if every_vpc else rnd.sample(world.vpcs, min(8, len(world.vpcs)))
        for vpc in vpcs:
            names = names_to_ask(world, vpc, rnd)
            if not vpc.dns_support:     # every query is dropped: ask a few, briefly
                names = names[:3]
            for name in names:
                got = outcome(ask(dnsd, vpc.client, name, timeout=3 if vpc.dns_support else 0.3))
                want = expected(world, vpc, name)
                if got != want:
                    mismatches.append(f"{vpc.id} ({vpc.client}) {name}: got {got}, want {want}")
    run = run_dnsd(["--check", "--zones", d], timeout=120)
    os.system(f"rm -rf {d}")
    assert not mismatches, f"{len(mismatches)} wrong answers, first:\n" + "\n".join(mismatches[:20])
    return run


def check_summary(run, world):
    """--check names every VPC and endpoint it read, and what it serves."""
    assert run.returncode == 0, run.stderr
    m = re.search(r"ok: (\d+) VPCs?, (\d+) endpoints?, (\d+) zones?, (\d+) names?, (\d+) records?",
                  run.stderr)
    assert m, run.stderr
    vpcs, endpoints, zones, names, records = map(int, m.groups())
    assert vpcs == len(world.vpcs)
    assert endpoints == len(world.endpoints())
    # every hidden zone and every served endpoint name is among the exported zones
    out = run.stdout
    for e in world.endpoints():
        if not e.serves:
            continue
        assert f"\n{e.regional}." in out
        if e.private_dns and e.vpc.private_dns_on and e.serves_private:
            assert f"; zone {e.private_name}. view {e.vpc.id} kind private" in out
    assert zones == out.count("\n; zone ")
    exported_records = sum(1 for line in out.splitlines()
                           if line and not line.startswith((";", "$")))
    # export adds each public zone's SOA, which is not one of its names
    assert records == exported_records - out.count(" kind public ")


@pytest.mark.parametrize("n_vpcs", [1, 15, 16, 17, 64, 300])
def test_every_endpoint_answers_in_its_vpc(ns, upstreams, n_vpcs):
    """issue 12: 16+ VPCs lost their zones; every VPC's names must answer there."""
    world = worlds.vpcs_with_endpoints(n_vpcs)
    run = check_world(ns, world, upstreams)
    check_summary(run, world)


@pytest.mark.parametrize("form", ["cli", "yaml"])
def test_many_endpoints_in_many_vpcs(ns, upstreams, form):
    """17 VPCs x 8 services, as CLI JSON and as hand-written YAML."""
    world = worlds.vpcs_with_endpoints(17, services=worlds.SERVICES, extra_every=0)
    check_summary(check_world(ns, world, upstreams, form), world)


@pytest.mark.parametrize("seed", range(24))
def test_random_topology(ns, upstreams, seed):
    """Random VPCs, endpoints (states, private DNS, AZs), DNS attributes,
    private hosted zones and Resolver rules, in random order: every name
    answers as the model says in every VPC asked."""
    import random
    world = worlds.random_world(seed, target=("127.0.0.1", 0))
    rnd = random.Random(seed)
    run = check_world(ns, world, upstreams, form=rnd.choice(("cli", "yaml")),
                      every_vpc=len(world.vpcs) <= 8, rnd=rnd)
    check_summary(run, world)


@pytest.mark.parametrize("cidr,zones", [
    ("10.5.0.0/16", ["5.10.in-addr.arpa."]),
    ("10.5.16.0/20", [f"{k}.5.10.in-addr.arpa." for k in range(16, 32)]),
    ("10.5.2.0/23", ["2.5.10.in-addr.arpa.", "3.5.10.in-addr.arpa."]),
    ("10.5.3.0/24", ["3.5.10.in-addr.arpa."]),
    ("10.5.3.64/26", ["3.5.10.in-addr.arpa."]),
    ("10.5.3.16/28", ["3.5.10.in-addr.arpa."]),
])
def test_reverse_zones_of_a_vpc_block(cidr, zones):
    """Route 53 "autodefined rules" for reverse DNS are "the most generic
    rules possible given the CIDR block range" (AWS knowledge center, "How
    do I use and override auto-defined reverse DNS rules with Amazon Route
    53 Resolver?"): a block longer than /24 gets its one /24 zone, not 256
    zones (the length difference used to wrap around)."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "vpc.yaml"), "w") as f:
            f.write(f"Vpcs:\n  - {{VpcId: vpc-0000000000000a001, CidrBlock: {cidr}, "
                    "EnableDnsHostnames: true, Region: us-east-2}\n")
        run = run_dnsd(["--check", "--zones", d])
    assert run.returncode == 0, run.stderr
    got = re.findall(r"; zone (\S+) view \S+ kind ec2-reverse", run.stdout)
    private = {"10.in-addr.arpa.", "168.192.in-addr.arpa.", "254.169.254.169.in-addr.arpa."} | \
        {f"{k}.172.in-addr.arpa." for k in range(16, 32)}
    assert sorted(set(got) - private) == sorted(zones)
    assert len(got) == len(set(got))
