# tests/integration/test_dns64.py - DNS64 for clients in subnets with EnableDns64, against the real dnsd.
"""Amazon VPC User Guide, "DNS64 and NAT64": with DNS64 on a subnet, "the
Route 53 Resolver looks up the DNS record for the service you queried for"
and, "if the record contains an IPv6 address, it returns the original
record"; "if there is no IPv6 address associated with the destination in
the DNS record, the Route 53 Resolver synthesizes one by prepending the
well-known /96 prefix, defined in RFC6052 (64:ff9b::/96), to the IPv4
address in the record". It "applies to all the AWS resources within that
subnet": here, every client whose address (IPv4 or IPv6) is in the subnet.
The synthesized records' TTL is at most the negative TTL of the AAAA
answer (RFC 6147 §5.1.7). Queries come from inside the VPC, in a network
namespace of the test's own (netns.py); forwarded names go to a fake
upstream on loopback.
"""
import ipaddress
import threading

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from .harness import Dnsd, World
from .netns import Netns
from .test_forward import FakeUpstream

VPC = "vpc-0000000000000d064"
DNS64_V6, DNS64_V4 = "fd00:64:0:1::10", "10.64.1.10"    # in the subnet with DNS64
PLAIN_V6, PLAIN_V4 = "fd00:64:0:2::10", "10.64.2.10"    # in the one without

WORLD = f"""\
Vpcs:
  - VpcId: {VPC}
    CidrBlock: 10.64.0.0/16
    Ipv6CidrBlockAssociationSet: [{{Ipv6CidrBlock: "fd00:64::/56"}}]
    EnableDnsHostnames: true
    Region: us-east-2
    Subnets:
      - {{SubnetId: subnet-000000000000d0641, AvailabilityZone: us-east-2a, CidrBlock: 10.64.1.0/24,
         Ipv6CidrBlockAssociationSet: [{{Ipv6CidrBlock: "fd00:64:0:1::/64"}}], EnableDns64: true}}
      - {{SubnetId: subnet-000000000000d0642, AvailabilityZone: us-east-2b, CidrBlock: 10.64.2.0/24,
         Ipv6CidrBlockAssociationSet: [{{Ipv6CidrBlock: "fd00:64:0:2::/64"}}]}}
    VpcEndpoints:
      - ServiceName: com.amazonaws.us-east-2.sqs
        NetworkInterfaces:
          - {{SubnetId: subnet-000000000000d0641, PrivateIpAddress: 10.64.1.100}}
          - {{SubnetId: subnet-000000000000d0642, PrivateIpAddress: 10.64.2.100}}
HostedZones:
  - Name: corp.internal.
    VPCIds: [{VPC}]
    ResourceRecordSets:
      - {{Name: v4.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.64.9.1}}, {{Value: 10.64.9.2}}]}}
      - {{Name: dual.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.64.9.3}}]}}
      - {{Name: dual.corp.internal., Type: AAAA, TTL: 300, ResourceRecords: [{{Value: "fd00:64:0:9::3"}}]}}
      - {{Name: alias.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: v4.corp.internal.}}]}}
      - {{Name: "*.wild.corp.internal.", Type: A, TTL: 30, ResourceRecords: [{{Value: 10.64.9.9}}]}}
      - {{Name: txt.corp.internal., Type: TXT, TTL: 30, ResourceRecords: [{{Value: '"no address"'}}]}}
      - Name: many.corp.internal.
        Type: A
        TTL: 60
        ResourceRecords: [{", ".join("{Value: 10.64.8.%d}" % i for i in range(1, 31))}]
"""


def upstream_handler(sock, q, wire, peer):
    """v4only.example: A only (AAAA NODATA, SOA MINIMUM 30); dual.example:
    both; chain.example: a CNAME to v4only.example; anything else NXDOMAIN."""
    name = q.question[0].name.to_text().lower()
    qtype = q.question[0].rdtype
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    soa = dns.rrset.from_text("example.", 900, "IN", "SOA",
                              "ns.example. hostmaster.example. 1 7200 900 1209600 30")
    base = name.split(".", 1)[1] if name.startswith("chain.") else name
    if name.startswith("chain."):
        r.answer.append(dns.rrset.from_text(q.question[0].name, 120, "IN", "CNAME", "v4only.example."))
        base = "v4only.example."
    if base == "v4only.example." and qtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text("v4only.example." if name != base else q.question[0].name,
                                            300, "IN", "A", "192.0.2.7"))
    elif base == "dual.example." and qtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "A", "192.0.2.8"))
    elif base == "dual.example." and qtype == dns.rdatatype.AAAA:
        r.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "AAAA", "2001:db8::8"))
    elif base in ("v4only.example.", "dual.example."):
        r.authority.append(soa)
    else:
        r.set_rcode(dns.rcode.NXDOMAIN)
        r.authority.append(soa)
    sock.sendto(r.to_wire(), peer)


@pytest.fixture(scope="module")
def env():
    with Netns() as ns:
        with ns.inside():
            up = FakeUpstream(upstream_handler)
        with World({"w.yaml": WORLD}) as w:
            with Dnsd(zones=w.dir, wrap=ns.wrap, upstream=(up.addr,),
                      listen=("127.0.0.1:0", "[::1]:0", "127.0.0.2:0=" + VPC)) as d:
                yield ns, d, up
        up.stop()


def ask(env, src, name, rdtype="AAAA", tcp=False, **kw):
    ns, d, _ = env
    host, port = d.addrs[1] if ":" in src else d.addrs[0]
    q = dns.message.make_query(name, rdtype, **kw)
    with ns.inside():
        if tcp:
            return dns.query.tcp(q, host, port=port, source=src, timeout=5)
        return dns.query.udp(q, host, port=port, source=src, timeout=5, ignore_trailing=True)


def aaaa(r):
    return sorted(x.address for rr in r.answer if rr.rdtype == dns.rdatatype.AAAA for x in rr)


def ttls(r, rdtype=dns.rdatatype.AAAA):
    return {rr.ttl for rr in r.answer if rr.rdtype == rdtype}


def syn(*v4):
    return sorted(str(ipaddress.IPv6Address("64:ff9b::" + a)) for a in v4)


@pytest.mark.parametrize("src", [DNS64_V6, DNS64_V4])
def test_a_only_names_get_synthesized_aaaa__vpc_dns64_and_nat64(env, src):
    r = ask(env, src, "v4.corp.internal")
    assert r.rcode() == dns.rcode.NOERROR
    assert aaaa(r) == syn("10.64.9.1", "10.64.9.2")
    assert ttls(r) == {300}          # min(A TTL 300, the zone's negative TTL 900)
    assert not any(rr.rdtype == dns.rdatatype.A for rr in r.answer)
    # the endpoint's private name and an EC2 name (A only) too
    assert aaaa(ask(env, src, "sqs.us-east-2.amazonaws.com")) == syn("10.64.1.100", "10.64.2.100")
    assert aaaa(ask(env, src, "ip-10-64-1-5.us-east-2.compute.internal")) == syn("10.64.1.5")
    # a wildcard, and a CNAME chain that ends in A records
    assert aaaa(ask(env, src, "x.wild.corp.internal")) == syn("10.64.9.9")
    r = ask(env, src, "alias.corp.internal")
    assert [rr.rdtype for rr in r.answer][0] == dns.rdatatype.CNAME
    assert aaaa(r) == syn("10.64.9.1", "10.64.9.2")


def test_real_aaaa_records_are_returned_as_they_are(env):
    assert aaaa(ask(env, DNS64_V6, "dual.corp.internal")) == ["fd00:64:0:9::3"]


def test_no_address_at_all_stays_nodata_or_nxdomain(env):
    r = ask(env, DNS64_V6, "txt.corp.internal")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer and r.authority
    r = ask(env, DNS64_V6, "nope.corp.internal")
    assert r.rcode() == dns.rcode.NXDOMAIN


@pytest.mark.parametrize("src", [PLAIN_V6, PLAIN_V4])
def test_other_subnets_see_no_change(env, src):
    r = ask(env, src, "v4.corp.internal")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert aaaa(ask(env, src, "dual.corp.internal")) == ["fd00:64:0:9::3"]
    r = ask(env, src, "v4only.example")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer


def test_a_queries_are_not_changed(env):
    r = ask(env, DNS64_V6, "v4.corp.internal", "A")
    assert sorted(x.address for rr in r.answer for x in rr) == ["10.64.9.1", "10.64.9.2"]


def test_round_robin_goes_on(env):
    firsts = {next(x.address for rr in ask(env, DNS64_V6, "v4.corp.internal").answer for x in rr)
              for _ in range(4)}
    assert firsts == set(syn("10.64.9.1", "10.64.9.2"))


def test_too_large_for_udp_is_truncated_then_whole_over_tcp(env):
    r = ask(env, DNS64_V6, "many.corp.internal")     # 30 AAAA records: 840 bytes, > 512
    assert r.flags & dns.flags.TC and not r.answer
    r = ask(env, DNS64_V6, "many.corp.internal", tcp=True)
    assert aaaa(r) == syn(*["10.64.8.%d" % i for i in range(1, 31)])
    r = ask(env, DNS64_V6, "many.corp.internal", use_edns=0, payload=4096)
    assert len(aaaa(r)) == 30 and not r.flags & dns.flags.TC  # within --edns-size 1232


def test_forwarded_a_only_name_is_synthesized_from_an_a_query(env):
    _, _, up = env
    before = len(up.records())
    r = ask(env, DNS64_V6, "v4only.example")
    assert r.rcode() == dns.rcode.NOERROR
    assert aaaa(r) == syn("192.0.2.7")
    assert ttls(r) == {30}           # min(A TTL 300, negative TTL min(900, 30))
    assert r.question[0].rdtype == dns.rdatatype.AAAA
    asked = [(n.to_text().lower()) for _, _, n, _, _, _ in up.records()[before:]]
    assert asked.count("v4only.example.") >= 1
    # through a CNAME chain upstream
    r = ask(env, DNS64_V4, "chain.example")
    assert [rr.rdtype for rr in r.answer][0] == dns.rdatatype.CNAME
    assert aaaa(r) == syn("192.0.2.7")


def test_forwarded_aaaa_and_nxdomain_pass_as_they_are(env):
    assert aaaa(ask(env, DNS64_V6, "dual.example")) == ["2001:db8::8"]
    assert ask(env, DNS64_V6, "nope.example").rcode() == dns.rcode.NXDOMAIN


def test_vpc_bound_listener_is_no_subnet(env):
    """A client placed in the VPC by a listener, not by an address of the
    subnet, is in no subnet: no DNS64 (dnsd's choice, README)."""
    ns, d, _ = env
    q = dns.message.make_query("v4.corp.internal", "AAAA")
    with ns.inside():
        r = dns.query.udp(q, "127.0.0.2", port=d.addrs[2][1], timeout=5)
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
