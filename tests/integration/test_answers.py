# tests/integration/test_answers.py - what the real dnsd answers: vpce names, private DNS, views, health.
"""Answers of the real dnsd binary, checked against the AWS behaviour in
/work/shared/docs/aws-dns-facts.md (the __facts_sN suffix names the section).

Most tests query the shipped example world in zones/ (the AWS CLI capture in
zones/prod-capture/ plus the hand-written YAML); others write a small world
of their own. Forwarded queries go to a dead loopback upstream (SERVFAIL) or
to a stub upstream on loopback that answers 192.0.2.53, so a forwarded
answer can be told from a local one.
"""
import json
import os
import re
import socket
import threading

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from tests.integration.harness import ZONES, Dnsd, World, addresses, dig, kdig, rcode, run_dnsd

CAPTURE = os.path.join(ZONES, "prod-capture")
STAGING = "vpc-0b2c3d4e5f6a70819"

# The CloudWatch endpoint of the capture (facts §1, the PrivateLink guide's example).
CW = "vpce-099deb00b40f00e22-lj2wisx3.monitoring.us-east-2.vpce.amazonaws.com"
CW_ZONAL = {
    "us-east-2a": ("vpce-099deb00b40f00e22-lj2wisx3-us-east-2a.monitoring.us-east-2.vpce.amazonaws.com",
                   "10.0.1.42"),
    "us-east-2b": ("vpce-099deb00b40f00e22-lj2wisx3-us-east-2b.monitoring.us-east-2.vpce.amazonaws.com",
                   "10.0.2.17"),
    "us-east-2c": ("vpce-099deb00b40f00e22-lj2wisx3-us-east-2c.monitoring.us-east-2.vpce.amazonaws.com",
                   "10.0.3.88"),
}
# In the order of the endpoint's NetworkInterfaceIds.
CW_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
KMS_V4 = ["10.0.1.61", "10.0.2.61", "10.0.3.61"]
KMS_V6 = ["2600:1f16:1234:5601::61", "2600:1f16:1234:5602::61", "2600:1f16:1234:5603::61"]
S3_ADDRS = ["10.0.1.91", "10.0.2.91", "10.0.3.91"]

R53_NS = ["ns-1536.awsdns-00.co.uk.", "ns-0.awsdns-00.com.", "ns-1024.awsdns-00.org.",
          "ns-512.awsdns-00.net."]
STUB_ADDR = "192.0.2.53"


# ---- helpers ----

def start_dnsd(**kw):
    """Dnsd(**kw): dnsd on port 0 picks a port free for both UDP and TCP."""
    return Dnsd(**kw)


def check_flags(msg, rd=True):
    """A resolver's reply: QR and RA set, RD echoed, never AA or TC."""
    assert msg.flags & dns.flags.QR
    assert msg.flags & dns.flags.RA
    assert bool(msg.flags & dns.flags.RD) == rd
    assert not msg.flags & dns.flags.AA
    assert not msg.flags & dns.flags.TC


def rrsets_of(msg, rdtype, section="answer"):
    t = dns.rdatatype.from_text(rdtype)
    return [r for r in getattr(msg, section) if r.rdtype == t]


def check_addresses(msg, name, rdtype="A", expect=None, ttl=60):
    """NOERROR with one RRset of rdtype owned by name; returns its addresses
    in the order of the answer (expect is compared as a set)."""
    assert rcode(msg) == "NOERROR", msg
    check_flags(msg)
    sets = rrsets_of(msg, rdtype)
    assert len(sets) == 1, msg
    rrset = sets[0]
    assert rrset.name == dns.name.from_text(name)
    assert rrset.ttl == ttl
    got = [r.address for r in rrset]
    if expect is not None:
        assert sorted(got) == sorted(expect)
    return got


def check_soa(rrset, apex, ttl=900, minimum=86400):
    """Route 53's SOA for a private hosted zone (dnsd's hidden zones)."""
    assert rrset.rdtype == dns.rdatatype.SOA
    assert rrset.name == dns.name.from_text(apex)
    assert rrset.ttl == ttl
    assert len(rrset) == 1
    soa = rrset[0]
    assert soa.mname == dns.name.from_text("ns-1536.awsdns-00.co.uk.")
    assert soa.rname == dns.name.from_text("awsdns-hostmaster.amazon.com.")
    assert (soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum) == \
        (1, 7200, 900, 1209600, minimum)


def check_negative(msg, apex, rc="NXDOMAIN", ttl=900, minimum=86400):
    """NXDOMAIN or NODATA: empty answer, the zone's SOA alone in authority."""
    assert rcode(msg) == rc, msg
    check_flags(msg)
    assert msg.answer == []
    assert len(msg.authority) == 1, msg
    check_soa(msg.authority[0], apex, ttl, minimum)


def check_forwarded_dead(msg):
    """Forwarded to the dead upstream: SERVFAIL with nothing in it."""
    assert rcode(msg) == "SERVFAIL", msg
    assert msg.answer == [] and msg.authority == []


def rotations(seq):
    return [list(seq[i:]) + list(seq[:i]) for i in range(len(seq))]


def endpoint_names(zones):
    """{vpce-id: {"regional": name, "zonal": {az: name}}} from `dnsd --check`,
    for endpoints whose 8-character suffix dnsd generates."""
    out = run_dnsd(["--check", "--zones", zones])
    assert out.returncode == 0, out.stderr
    names = {}
    rx = re.compile(r"^(?:\*\.)?(vpce-[0-9a-f]+)-([a-z0-9]{8})(-[a-z]+-[a-z]+-\d[a-z])?\.(\S+)\.\s")
    for line in out.stdout.splitlines():
        m = rx.match(line)
        if not m:
            continue
        vid, sfx, az, rest = m.groups()
        ep = names.setdefault(vid, {"regional": None, "zonal": {}})
        name = f"{vid}-{sfx}{az or ''}.{rest}"
        if az:
            ep["zonal"][az[1:]] = name
        else:
            ep["regional"] = name
    return names


def capture_world(edit=None, skip=()):
    """A copy of the unmodified AWS CLI capture; edit(docs) may change it."""
    w = World()
    docs = {}
    for f in sorted(os.listdir(CAPTURE)):
        if f in skip:
            continue
        with open(os.path.join(CAPTURE, f)) as fh:
            docs[f] = json.load(fh)
    if edit:
        edit(docs)
    for f, doc in docs.items():
        w.write(f, json.dumps(doc, indent=4))
    return w


class StubUpstream:
    """A loopback upstream that answers every A query with 192.0.2.53 and
    every other type with NODATA, and remembers the names it was asked."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.spec = f"127.0.0.1:{self.port}"
        self.asked = []
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                wire, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            if self.stopping:
                return
            try:
                q = dns.message.from_wire(wire)
            except Exception:
                continue
            qname = q.question[0].name
            self.asked.append(qname.to_text().lower())
            r = dns.message.make_response(q)
            r.flags |= dns.flags.RA
            if q.question[0].rdtype == dns.rdatatype.A:
                r.answer.append(dns.rrset.from_text(qname, 300, "IN", "A", STUB_ADDR))
            self.sock.sendto(r.to_wire(), peer)

    def close(self):
        # wake the reader with an empty datagram, then close
        self.stopping = True
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"", ("127.0.0.1", self.port))
        self.thread.join(2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_forwarded_to_stub(msg, stub, name):
    assert rcode(msg) == "NOERROR", msg
    assert addresses(msg) == [STUB_ADDR]
    assert name.lower().rstrip(".") + "." in stub.asked


@pytest.fixture(scope="module")
def shipped():
    """dnsd on zones/: 127.0.0.1 (default VPC: prod) and a listener bound to staging."""
    with start_dnsd(listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}")) as d:
        yield d


@pytest.fixture(scope="module")
def shipped_names():
    return endpoint_names(ZONES)


# ---- interface endpoint names (facts §1) ----

def test_regional_name_answers_every_eni_rotating_by_one__facts_s1():
    with start_dnsd() as d:
        seen = [check_addresses(d.query(CW, "A"), CW, expect=CW_ADDRS) for _ in range(4)]
    # response k starts at ENI k mod 3, in the order of NetworkInterfaceIds
    assert seen[:3] == rotations(CW_ADDRS)
    assert seen[3] == seen[0]


def test_regional_name_rotation_with_dig__facts_s1():
    with start_dnsd() as d:
        outs = [dig("+short", CW, "A", port=d.port).split() for _ in range(3)]
    assert outs == rotations(CW_ADDRS)


def test_zonal_name_answers_only_its_az_eni__facts_s1(shipped):
    for az, (name, addr) in CW_ZONAL.items():
        for _ in range(3):
            check_addresses(shipped.query(name, "A"), name, expect=[addr])


def test_zonal_names_with_kdig__facts_s1(shipped):
    for az, (name, addr) in CW_ZONAL.items():
        out = kdig("+short", name, "A", port=shipped.port)
        assert out.split() == [addr]


def test_ipv4_endpoint_name_has_no_aaaa__facts_s3(shipped):
    r = shipped.query(CW, "AAAA")
    # NODATA from dnsd's public endpoint zone: its SOA carries the 60 s TTL
    check_negative(r, "us-east-2.vpce.amazonaws.com", rc="NOERROR", ttl=60, minimum=60)


def test_absent_vpce_name_is_forwarded__facts_s1(shipped):
    # a name dnsd holds no endpoint for is somebody else's: ask upstream
    check_forwarded_dead(shipped.query(
        "vpce-0123456789abcdef0-abcdefgh.monitoring.us-east-2.vpce.amazonaws.com", "A"))
    check_forwarded_dead(shipped.query(
        "vpce-099deb00b40f00e22-lj2wisx3-us-east-2d.monitoring.us-east-2.vpce.amazonaws.com", "A"))


def test_endpoint_names_are_public_in_every_view__facts_s1(shipped, shipped_names):
    staging_ep = shipped_names["vpce-0f1e2d3c4b5a69788"]["regional"]
    staging_listener = shipped.addrs[1]
    # prod's names from the staging VPC, staging's names from prod
    check_addresses(shipped.query(CW, "A", addr=staging_listener), CW, expect=CW_ADDRS)
    name, addr = CW_ZONAL["us-east-2b"]
    check_addresses(shipped.query(name, "A", addr=staging_listener), name, expect=[addr])
    a = check_addresses(shipped.query(staging_ep, "A"), staging_ep)
    b = check_addresses(shipped.query(staging_ep, "A", addr=staging_listener), staging_ep)
    assert sorted(a) == sorted(b) and len(a) == 2


def test_endpoint_with_only_subnet_ids_gets_stable_addresses_in_its_subnets__facts_s1(
        shipped, shipped_names):
    ep = shipped_names["vpce-0f1e2d3c4b5a69788"]
    assert sorted(ep["zonal"]) == ["us-east-2a", "us-east-2b"]
    subnets = {"us-east-2a": "10.1.1.", "us-east-2b": "10.1.2."}
    regional = check_addresses(shipped.query(ep["regional"], "A"), ep["regional"])
    zonal = []
    for az, name in ep["zonal"].items():
        (addr,) = check_addresses(shipped.query(name, "A"), name)
        assert addr.startswith(subnets[az])
        # AWS reserves the first four and the last address of a subnet
        assert 4 <= int(addr.rsplit(".", 1)[1]) <= 254
        zonal.append(addr)
    assert sorted(regional) == sorted(zonal)
    # the same addresses on the next start
    with start_dnsd() as d:
        again = check_addresses(d.query(ep["regional"], "A"), ep["regional"])
    assert sorted(again) == sorted(regional)


# ---- private DNS (facts §2) ----

def test_private_dns_name_answers_the_eni_addresses__facts_s2(shipped):
    for name in ("monitoring.us-east-2.amazonaws.com", "monitoring.us-east-2.api.aws",
                 "monitoring-fips.us-east-2.amazonaws.com", "monitoring-fips.us-east-2.api.aws"):
        check_addresses(shipped.query(name, "A"), name, expect=CW_ADDRS)


def test_private_dns_name_rotates_like_the_regional_name__facts_s1():
    name = "monitoring.us-east-2.amazonaws.com"
    with start_dnsd() as d:
        seen = [check_addresses(d.query(name, "A"), name) for _ in range(3)]
    assert seen == rotations(CW_ADDRS)


def test_private_dns_off_is_not_answered_locally__facts_s2():
    def off(docs):
        docs["describe-vpc-endpoints.json"]["VpcEndpoints"][0]["PrivateDnsEnabled"] = False

    with capture_world(off) as w, StubUpstream() as stub, \
            start_dnsd(zones=w.dir, upstream=(stub.spec,)) as d:
        name = "monitoring.us-east-2.amazonaws.com"
        check_forwarded_to_stub(d.query(name, "A"), stub, name)
        # no hidden zone: a name below it is the upstream's business too
        check_forwarded_to_stub(d.query("x." + name, "A"), stub, "x." + name)
        # the endpoint's own names still answer locally
        check_addresses(d.query(CW, "A"), CW, expect=CW_ADDRS)
        assert CW + "." not in stub.asked


def test_private_dns_off_forwards_to_dead_upstream_as_servfail__facts_s2():
    def off(docs):
        docs["describe-vpc-endpoints.json"]["VpcEndpoints"][0]["PrivateDnsEnabled"] = False

    with capture_world(off) as w, start_dnsd(zones=w.dir) as d:
        check_forwarded_dead(d.query("monitoring.us-east-2.amazonaws.com", "A"))
        check_addresses(d.query(CW, "A"), CW, expect=CW_ADDRS)


def test_private_dns_needs_enable_dns_hostnames__facts_s2():
    # without the describe-vpc-attribute capture, enableDnsHostnames takes
    # its default: false outside default VPCs
    with capture_world(skip=("describe-vpc-attribute-enableDnsHostnames.json",)) as w, \
            StubUpstream() as stub, start_dnsd(zones=w.dir, upstream=(stub.spec,)) as d:
        name = "monitoring.us-east-2.amazonaws.com"
        check_forwarded_to_stub(d.query(name, "A"), stub, name)
        check_addresses(d.query(CW, "A"), CW, expect=CW_ADDRS)


def test_private_dns_needs_enable_dns_support__facts_s2():
    def support_off(docs):
        docs["describe-vpc-attribute-enableDnsSupport.json"]["EnableDnsSupport"]["Value"] = False

    # with enableDnsSupport off the Resolver does not serve the VPC at all
    # (VPC User Guide, "DNS attributes for your VPC": queries to the Amazon
    # DNS server succeed only when it is on): no answer, not even for the
    # public endpoint names; every client here is the one VPC's
    with capture_world(support_off) as w, start_dnsd(zones=w.dir) as d:
        for name in ("monitoring.us-east-2.amazonaws.com", CW):
            q = dns.message.make_query(name, "A")
            assert d.raw(q.to_wire(), timeout=0.5) is None


def test_missing_name_in_hidden_zone_is_nxdomain_with_its_soa__facts_s2(shipped):
    for name, apex in (("nope.monitoring.us-east-2.amazonaws.com", "monitoring.us-east-2.amazonaws.com"),
                       ("a.b.ssm.us-east-2.amazonaws.com", "ssm.us-east-2.amazonaws.com"),
                       ("x.monitoring-fips.us-east-2.api.aws", "monitoring-fips.us-east-2.api.aws")):
        check_negative(shipped.query(name, "A"), apex)


def test_missing_type_in_hidden_zone_is_nodata_with_its_soa__facts_s2(shipped):
    check_negative(shipped.query("monitoring.us-east-2.amazonaws.com", "AAAA"),
                   "monitoring.us-east-2.amazonaws.com", rc="NOERROR")
    check_negative(shipped.query("ssm.us-east-2.amazonaws.com", "TXT"),
                   "ssm.us-east-2.amazonaws.com", rc="NOERROR")


def test_hidden_zone_apex_answers_soa_and_ns__facts_s2(shipped):
    apex = "monitoring.us-east-2.amazonaws.com"
    r = shipped.query(apex, "SOA")
    assert rcode(r) == "NOERROR"
    check_flags(r)
    assert len(r.answer) == 1 and r.authority == []
    check_soa(r.answer[0], apex)
    r = shipped.query(apex, "NS")
    assert rcode(r) == "NOERROR"
    check_flags(r)
    assert len(r.answer) == 1
    ns = r.answer[0]
    assert ns.rdtype == dns.rdatatype.NS and ns.name == dns.name.from_text(apex)
    assert sorted(rd.target.to_text() for rd in ns) == sorted(R53_NS)
    assert ns.ttl == 172800


def test_private_name_of_another_vpc_is_forwarded__facts_s2(shipped):
    # prod's hidden zones are associated with prod only
    staging = shipped.addrs[1]
    for name in ("ssm.us-east-2.amazonaws.com", "kms.us-east-2.amazonaws.com",
                 "nope.ssm.us-east-2.amazonaws.com", "api.partner-payments.example.com"):
        check_forwarded_dead(shipped.query(name, "A", addr=staging))


def test_listener_bound_to_staging_vpc_sees_its_private_dns_off__facts_s2(shipped, shipped_names):
    staging = shipped.addrs[1]
    # staging's CloudWatch endpoint has PrivateDnsEnabled: false
    check_forwarded_dead(shipped.query("monitoring.us-east-2.amazonaws.com", "A", addr=staging))
    # the same name answers locally for the default listener (prod)
    check_addresses(shipped.query("monitoring.us-east-2.amazonaws.com", "A"),
                    "monitoring.us-east-2.amazonaws.com", expect=CW_ADDRS)
    ep = shipped_names["vpce-0f1e2d3c4b5a69788"]["regional"]
    check_addresses(shipped.query(ep, "A", addr=staging), ep)


# ---- dual stack (facts §3) ----

def test_dualstack_endpoint_answers_aaaa_and_a__facts_s3(shipped, shipped_names):
    ep = shipped_names["vpce-0e2f3a4b5c6d7e8f9"]
    check_addresses(shipped.query(ep["regional"], "AAAA"), ep["regional"], "AAAA", expect=KMS_V6)
    check_addresses(shipped.query(ep["regional"], "A"), ep["regional"], "A", expect=KMS_V4)
    for i, az in enumerate(("us-east-2a", "us-east-2b", "us-east-2c")):
        name = ep["zonal"][az]
        check_addresses(shipped.query(name, "AAAA"), name, "AAAA", expect=[KMS_V6[i]])
        check_addresses(shipped.query(name, "A"), name, "A", expect=[KMS_V4[i]])
    name = "kms.us-east-2.amazonaws.com"
    check_addresses(shipped.query(name, "AAAA"), name, "AAAA", expect=KMS_V6)
    check_addresses(shipped.query(name, "A"), name, "A", expect=KMS_V4)


def test_dualstack_aaaa_with_dig_and_kdig__facts_s3(shipped):
    name = "kms.us-east-2.amazonaws.com"
    assert sorted(dig("+short", name, "AAAA", port=shipped.port).split()) == sorted(KMS_V6)
    assert sorted(kdig("+short", name, "AAAA", port=shipped.port).split()) == sorted(KMS_V6)


DUALSTACK_WORLD = """\
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.0.0.0/16
    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: "2600:1f16:aaaa:ff00::/56"}]
    EnableDnsHostnames: true
    Subnets:
      - SubnetId: subnet-0aaaaaaaaaaaaaaa1
        AvailabilityZone: us-east-2a
        CidrBlock: 10.0.1.0/24
        Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: "2600:1f16:aaaa:ff01::/64"}]
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.kms
        IpAddressType: dualstack
        DnsOptions: {DnsRecordIpType: %s}
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.61, Ipv6Address: "2600:1f16:aaaa:ff01::61"}
"""


def dualstack_names(rtype):
    with World({"w.yaml": DUALSTACK_WORLD % rtype}) as w:
        names = endpoint_names(w.dir)["vpce-0aaaaaaaaaaaaaaa1"]
        with start_dnsd(zones=w.dir) as d:
            out = {}
            for kind, name in (("regional", names["regional"]),
                               ("zonal", names["zonal"]["us-east-2a"]),
                               ("private", "kms.us-east-2.amazonaws.com")):
                out[kind] = tuple(bool(addresses(d.query(name, t), t)) for t in ("A", "AAAA"))
    return out


@pytest.mark.parametrize("rtype, expect", [
    ("ipv4", {"regional": (True, False), "zonal": (True, False), "private": (True, False)}),
    ("ipv6", {"regional": (False, True), "zonal": (False, True), "private": (False, True)}),
    ("dualstack", {"regional": (True, True), "zonal": (True, True), "private": (True, True)}),
    # service-defined: AAAA for the endpoint's own names only
    ("service-defined", {"regional": (True, True), "zonal": (True, True), "private": (True, False)}),
])
def test_dns_record_ip_type_picks_a_and_aaaa__facts_s3(rtype, expect):
    assert dualstack_names(rtype) == expect


IPV6_ONLY_WORLD = """\
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.0.0.0/16
    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: "2600:1f16:aaaa:ff00::/56"}]
    EnableDnsHostnames: true
    Subnets:
      - SubnetId: subnet-0aaaaaaaaaaaaaaa2
        AvailabilityZone: us-east-2b
        Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: "2600:1f16:aaaa:ff02::/64"}]
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.kms
        IpAddressType: ipv6
        SubnetIds: [subnet-0aaaaaaaaaaaaaaa2]
"""


def test_ipv6_only_endpoint_answers_aaaa_only__facts_s3():
    with World({"w.yaml": IPV6_ONLY_WORLD}) as w, start_dnsd(zones=w.dir) as d:
        names = endpoint_names(w.dir)["vpce-0aaaaaaaaaaaaaaa1"]
        assert sorted(names["zonal"]) == ["us-east-2b"]
        found = set()
        for name in (names["regional"], names["zonal"]["us-east-2b"], "kms.us-east-2.amazonaws.com"):
            (addr,) = check_addresses(d.query(name, "AAAA"), name, "AAAA")
            # derived from the IPv6-only subnet
            assert addr.startswith("2600:1f16:aaaa:ff02:")
            found.add(addr)
            r = d.query(name, "A")
            assert rcode(r) == "NOERROR" and r.answer == [] and len(r.authority) == 1
        assert len(found) == 1


# ---- endpoint services (facts §5) ----

def test_endpoint_service_private_name_is_cname_to_regional_name__facts_s5(shipped, shipped_names):
    regional = shipped_names["vpce-0d804b1c2d3e4f5a6"]["regional"]
    assert regional.endswith(".vpce-svc-0e7555fb6441987e1.us-east-2.vpce.amazonaws.com")
    r = shipped.query("api.partner-payments.example.com", "A")
    assert rcode(r) == "NOERROR"
    check_flags(r)
    assert len(r.answer) == 2
    cname, a = r.answer
    assert cname.rdtype == dns.rdatatype.CNAME and cname.ttl == 60
    assert cname.name == dns.name.from_text("api.partner-payments.example.com")
    assert [rd.target for rd in cname] == [dns.name.from_text(regional)]
    assert a.rdtype == dns.rdatatype.A and a.ttl == 60
    assert a.name == dns.name.from_text(regional)
    assert sorted(rd.address for rd in a) == ["10.0.1.101", "10.0.3.101"]


def test_endpoint_service_cname_target_rotates__facts_s1_s5():
    with start_dnsd() as d:
        seen = [addresses(d.query("api.partner-payments.example.com", "A")) for _ in range(3)]
    assert seen == [["10.0.1.101", "10.0.3.101"], ["10.0.3.101", "10.0.1.101"],
                    ["10.0.1.101", "10.0.3.101"]]


def test_endpoint_service_cname_chain_with_kdig__facts_s5(shipped, shipped_names):
    regional = shipped_names["vpce-0d804b1c2d3e4f5a6"]["regional"]
    out = kdig("+noall", "+answer", "api.partner-payments.example.com", "A", port=shipped.port)
    rows = [l.split() for l in out.splitlines() if l and not l.startswith(";")]
    assert rows[0] == ["api.partner-payments.example.com.", "60", "IN", "CNAME", regional + "."]
    assert sorted(tuple(r) for r in rows[1:]) == [
        (regional + ".", "60", "IN", "A", "10.0.1.101"),
        (regional + ".", "60", "IN", "A", "10.0.3.101")]


def test_endpoint_service_cname_for_aaaa_ends_in_nodata__facts_s5(shipped, shipped_names):
    regional = shipped_names["vpce-0d804b1c2d3e4f5a6"]["regional"]
    r = shipped.query("api.partner-payments.example.com", "AAAA")
    assert rcode(r) == "NOERROR"
    assert len(r.answer) == 1 and r.answer[0].rdtype == dns.rdatatype.CNAME
    assert [rd.target for rd in r.answer[0]] == [dns.name.from_text(regional)]
    assert len(r.authority) == 1
    check_soa(r.authority[0], "us-east-2.vpce.amazonaws.com", ttl=60, minimum=60)
    r = shipped.query("x.api.partner-payments.example.com", "A")
    check_negative(r, "api.partner-payments.example.com")


# ---- API Gateway (facts §4) ----

def test_execute_api_wildcard_answers_every_api_id__facts_s4(shipped):
    for name in ("a1b2c3d4e5.execute-api.us-east-2.amazonaws.com",
                 "0123456789.execute-api.us-east-2.amazonaws.com",
                 "deep.er.execute-api.us-east-2.amazonaws.com"):
        check_addresses(shipped.query(name, "A"), name, expect=["10.0.1.81", "10.0.2.81"])
    # the wildcard does not cover the apex, which has SOA and NS only
    check_negative(shipped.query("execute-api.us-east-2.amazonaws.com", "A"),
                   "execute-api.us-east-2.amazonaws.com", rc="NOERROR")
    check_negative(shipped.query("a1b2c3d4e5.execute-api.us-east-2.amazonaws.com", "AAAA"),
                   "execute-api.us-east-2.amazonaws.com", rc="NOERROR")


def test_execute_api_wildcard_is_private_to_its_vpc__facts_s4(shipped):
    check_forwarded_dead(shipped.query("a1b2c3d4e5.execute-api.us-east-2.amazonaws.com", "A",
                                       addr=shipped.addrs[1]))


# ---- S3 (facts §3) ----

def test_s3_bucket_vpce_name_answers_through_the_wildcard__facts_s3(shipped, shipped_names):
    ep = shipped_names["vpce-0e25b8cdd720f900e"]
    regional = ep["regional"]
    for label in ("bucket", "accesspoint", "control", "my-bucket.bucket"):
        name = f"{label}.{regional}"
        out = dig("+noall", "+answer", name, "A", port=shipped.port)
        rows = [l.split() for l in out.splitlines() if l.strip()]
        assert sorted(r[4] for r in rows) == S3_ADDRS
        assert {(r[0], r[1], r[2], r[3]) for r in rows} == {(name + ".", "60", "IN", "A")}
    for i, az in enumerate(("us-east-2a", "us-east-2b", "us-east-2c")):
        name = "bucket." + ep["zonal"][az]
        check_addresses(shipped.query(name, "A"), name, expect=[S3_ADDRS[i]])


def test_s3_endpoint_name_without_a_label_has_no_address__facts_s3(shipped, shipped_names):
    # the "*." owner: the bare vpce name exists only as the wildcard's parent
    regional = shipped_names["vpce-0e25b8cdd720f900e"]["regional"]
    check_negative(shipped.query(regional, "A"), "us-east-2.vpce.amazonaws.com",
                   rc="NOERROR", ttl=60, minimum=60)


def test_s3_private_dns_covers_service_and_bucket_names__facts_s3(shipped):
    for name in ("s3.us-east-2.amazonaws.com", "my-bucket.s3.us-east-2.amazonaws.com",
                 "s3-control.us-east-2.amazonaws.com",
                 "111122223333.s3-control.us-east-2.amazonaws.com",
                 "s3-accesspoint.us-east-2.amazonaws.com",
                 "ap-111122223333.s3-accesspoint.us-east-2.amazonaws.com"):
        check_addresses(shipped.query(name, "A"), name, expect=S3_ADDRS)


GATEWAY_WORLD = """\
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.s3
        VpcEndpointType: Gateway
        RouteTableIds: [rtb-0aaaaaaaaaaaaaaa1]
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2
        ServiceName: com.amazonaws.us-east-2.dynamodb
        VpcEndpointType: Gateway
        RouteTableIds: [rtb-0aaaaaaaaaaaaaaa1]
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3
        ServiceName: com.amazonaws.us-east-2.ssm
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.51}
"""


def test_gateway_endpoints_change_no_dns__facts_s6():
    with World({"w.yaml": GATEWAY_WORLD}) as w, StubUpstream() as stub, \
            start_dnsd(zones=w.dir, upstream=(stub.spec,)) as d:
        for name in ("s3.us-east-2.amazonaws.com", "bucket.s3.us-east-2.amazonaws.com",
                     "dynamodb.us-east-2.amazonaws.com"):
            check_forwarded_to_stub(d.query(name, "A"), stub, name)
        check_addresses(d.query("ssm.us-east-2.amazonaws.com", "A"),
                        "ssm.us-east-2.amazonaws.com", expect=["10.0.1.51"])
        # and no gateway endpoint name exists under vpce.amazonaws.com
        out = run_dnsd(["--check", "--zones", w.dir])
        assert "vpce-0aaaaaaaaaaaaaaa1" not in out.stdout
        assert "vpce-0aaaaaaaaaaaaaaa2" not in out.stdout


S3_INBOUND_WORLD = GATEWAY_WORLD + """\
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa4
        ServiceName: com.amazonaws.us-east-2.s3
        DnsEntries:
          - {DnsName: "*.vpce-0aaaaaaaaaaaaaaa4-s3s3s3s3.s3.us-east-2.vpce.amazonaws.com"}
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.91}
"""


def test_s3_private_dns_defaults_to_inbound_only_beside_a_gateway__facts_s3():
    # PrivateDnsOnlyForInboundResolverEndpoint defaults to true when the VPC
    # has an S3 gateway endpoint: VPC clients keep the public S3 names
    with World({"w.yaml": S3_INBOUND_WORLD}) as w, StubUpstream() as stub, \
            start_dnsd(zones=w.dir, upstream=(stub.spec,)) as d:
        for name in ("s3.us-east-2.amazonaws.com", "bucket.s3.us-east-2.amazonaws.com"):
            check_forwarded_to_stub(d.query(name, "A"), stub, name)
        name = "bucket.vpce-0aaaaaaaaaaaaaaa4-s3s3s3s3.s3.us-east-2.vpce.amazonaws.com"
        check_addresses(d.query(name, "A"), name, expect=["10.0.1.91"])


def test_names_outside_every_zone_are_forwarded(shipped):
    with StubUpstream() as stub, start_dnsd(upstream=(stub.spec,)) as d:
        for name in ("example.org", "amazonaws.com", "us-east-2.amazonaws.com",
                     "sqs.us-east-2.amazonaws.com", "monitoring.us-west-2.amazonaws.com",
                     "us-east-2.vpce.amazonaws.com", "vpce.amazonaws.com",
                     "partner-payments.example.com"):
            check_forwarded_to_stub(d.query(name, "A"), stub, name)
        # answered locally, never asked upstream
        for name in (CW, "monitoring.us-east-2.amazonaws.com", "nope.monitoring.us-east-2.amazonaws.com"):
            d.query(name, "A")
            assert name + "." not in stub.asked


# ---- the unmodified AWS CLI capture ----

def test_unmodified_aws_cli_capture_loads_and_answers__facts_s8():
    with start_dnsd(zones=CAPTURE) as d:
        check_addresses(d.query(CW, "A"), CW, expect=CW_ADDRS)
        for name, addr in CW_ZONAL.values():
            check_addresses(d.query(name, "A"), name, expect=[addr])
        # one VPC: it is every outside client's VPC, so its private DNS answers
        check_addresses(d.query("monitoring.us-east-2.amazonaws.com", "A"),
                        "monitoring.us-east-2.amazonaws.com", expect=CW_ADDRS)
        check_negative(d.query("nope.monitoring.us-east-2.amazonaws.com", "A"),
                       "monitoring.us-east-2.amazonaws.com")
        # the shipped YAML is not loaded: no ssm endpoint here
        check_forwarded_dead(d.query("ssm.us-east-2.amazonaws.com", "A"))
    assert "started: 1 VPC, 1 endpoint from" in d.log()


# ---- views (one per VPC) ----

VIEWS_WORLD = """\
Dnsd:
  DefaultVpc: vpc-0bbbbbbbbbbbbbbb2
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 127.0.10.0/24
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 127.0.10.0/26}
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.monitoring
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 127.0.10.42}
  - VpcId: vpc-0bbbbbbbbbbbbbbb2
    CidrBlock: 10.2.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0bbbbbbbbbbbbbbb1, AvailabilityZone: us-east-2a, CidrBlock: 10.2.1.0/24}
    VpcEndpoints:
      - VpcEndpointId: vpce-0bbbbbbbbbbbbbbb1
        ServiceName: com.amazonaws.us-east-2.ssm
        NetworkInterfaces:
          - {SubnetId: subnet-0bbbbbbbbbbbbbbb1, PrivateIpAddress: 10.2.1.51}
  - VpcId: vpc-0ccccccccccccccc3
    CidrBlock: 127.0.10.128/25
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0ccccccccccccccc1, AvailabilityZone: us-east-2a, CidrBlock: 127.0.10.128/26}
    VpcEndpoints:
      - VpcEndpointId: vpce-0ccccccccccccccc1
        ServiceName: com.amazonaws.us-east-2.monitoring
        NetworkInterfaces:
          - {SubnetId: subnet-0ccccccccccccccc1, PrivateIpAddress: 127.0.10.142}
"""

MON = "monitoring.us-east-2.amazonaws.com"
SSM = "ssm.us-east-2.amazonaws.com"


def query_from(d, name, rdtype, source, addr=None):
    host, port = addr or d.addrs[0]
    q = dns.message.make_query(name, rdtype)
    return dns.query.udp(q, host, port=port, timeout=3, source=source)


def test_client_address_inside_a_vpc_cidr_selects_that_vpc():
    with World({"w.yaml": VIEWS_WORLD}) as w, start_dnsd(zones=w.dir) as d:
        # 127.0.10.5 is in vpc-…1 (127.0.10.0/24)
        check_addresses(query_from(d, MON, "A", "127.0.10.5"), MON, expect=["127.0.10.42"])
        check_forwarded_dead(query_from(d, SSM, "A", "127.0.10.5"))
        # the longest VPC block wins: 127.0.10.200 is in vpc-…3 (127.0.10.128/25)
        check_addresses(query_from(d, MON, "A", "127.0.10.200"), MON, expect=["127.0.10.142"])
        # 127.0.0.1 is in no VPC: the DefaultVpc (vpc-…2)
        check_addresses(query_from(d, SSM, "A", "127.0.0.1"), SSM, expect=["10.2.1.51"])
        check_forwarded_dead(query_from(d, MON, "A", "127.0.0.1"))


def test_listener_bound_to_a_vpc_overrides_the_client_address():
    listen = ("127.0.0.1:0", "127.0.0.2:0=vpc-0aaaaaaaaaaaaaaa1", "127.0.0.3:0=vpc-0bbbbbbbbbbbbbbb2")
    with World({"w.yaml": VIEWS_WORLD}) as w, start_dnsd(zones=w.dir, listen=listen) as d:
        in_a, in_b = d.addrs[1], d.addrs[2]
        assert in_a[0] == "127.0.0.2" and in_b[0] == "127.0.0.3"
        check_addresses(d.query(MON, "A", addr=in_a), MON, expect=["127.0.10.42"])
        check_forwarded_dead(d.query(SSM, "A", addr=in_a))
        # a client inside vpc-…1's CIDR, asking on vpc-…2's listener, is in vpc-…2
        check_addresses(query_from(d, SSM, "A", "127.0.10.5", addr=in_b), SSM,
                        expect=["10.2.1.51"])
        check_forwarded_dead(query_from(d, MON, "A", "127.0.10.5", addr=in_b))
        # over TCP the listener decides as well
        check_addresses(d.query(MON, "A", addr=in_a, tcp=True), MON, expect=["127.0.10.42"])


def test_ipv6_client_address_inside_a_vpc_ipv6_block_selects_that_vpc():
    text = VIEWS_WORLD.replace(
        "    CidrBlock: 127.0.10.0/24\n",
        "    CidrBlock: 127.0.10.0/24\n    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: '::1/128'}]\n")
    listen = ("127.0.0.1:0", "[::1]:0", "[::1]:0=vpc-0bbbbbbbbbbbbbbb2")
    with World({"w.yaml": text}) as w, start_dnsd(zones=w.dir, listen=listen) as d:
        v6, v6_bound = d.addrs[1], d.addrs[2]
        assert v6[0] == "::1" and v6_bound[0] == "::1"
        # ::1 is inside vpc-…1's IPv6 block
        check_addresses(d.query(MON, "A", addr=v6), MON, expect=["127.0.10.42"])
        check_forwarded_dead(d.query(SSM, "A", addr=v6))
        # unless the listener says otherwise
        check_addresses(d.query(SSM, "A", addr=v6_bound), SSM, expect=["10.2.1.51"])
        check_forwarded_dead(d.query(MON, "A", addr=v6_bound))
        # and 127.0.0.1 is in no VPC: the default
        check_addresses(d.query(SSM, "A"), SSM, expect=["10.2.1.51"])


NO_DEFAULT_WORLD = VIEWS_WORLD.replace("Dnsd:\n  DefaultVpc: vpc-0bbbbbbbbbbbbbbb2\n", "")


def test_outside_client_without_default_vpc_gets_public_names_only():
    with World({"w.yaml": NO_DEFAULT_WORLD}) as w, start_dnsd(zones=w.dir) as d:
        names = endpoint_names(w.dir)
        check_forwarded_dead(d.query(MON, "A"))
        check_forwarded_dead(d.query(SSM, "A"))
        for vid, addr in (("vpce-0aaaaaaaaaaaaaaa1", "127.0.10.42"),
                          ("vpce-0bbbbbbbbbbbbbbb1", "10.2.1.51")):
            name = names[vid]["regional"]
            check_addresses(d.query(name, "A"), name, expect=[addr])
        # a client inside a VPC still gets its private DNS
        check_addresses(query_from(d, MON, "A", "127.0.10.5"), MON, expect=["127.0.10.42"])


def test_vpc_with_is_default_is_the_outside_clients_vpc():
    text = NO_DEFAULT_WORLD.replace("  - VpcId: vpc-0bbbbbbbbbbbbbbb2\n",
                                    "  - VpcId: vpc-0bbbbbbbbbbbbbbb2\n    IsDefault: true\n")
    with World({"w.yaml": text}) as w, start_dnsd(zones=w.dir) as d:
        check_addresses(d.query(SSM, "A"), SSM, expect=["10.2.1.51"])
        check_forwarded_dead(d.query(MON, "A"))


# ---- health and ENI status (facts §1 round robin) ----

HEALTH_WORLD = """\
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa2, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa3, AvailabilityZone: us-east-2c, CidrBlock: 10.0.3.0/24}
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.ssm
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.51%s}
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa2, PrivateIpAddress: 10.0.2.51%s}
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa3, PrivateIpAddress: 10.0.3.51%s}
"""


def health_answers(a="", b="", c=""):
    """(regional, private, {az: zonal}) address lists for the world above."""
    with World({"w.yaml": HEALTH_WORLD % (a, b, c)}) as w, start_dnsd(zones=w.dir) as d:
        names = endpoint_names(w.dir)["vpce-0aaaaaaaaaaaaaaa1"]
        regional = check_addresses(d.query(names["regional"], "A"), names["regional"])
        private = check_addresses(d.query(SSM, "A"), SSM)
        zonal = {az: check_addresses(d.query(n, "A"), n) for az, n in names["zonal"].items()}
    return sorted(regional), sorted(private), zonal


ALL_ZONAL = {"us-east-2a": ["10.0.1.51"], "us-east-2b": ["10.0.2.51"], "us-east-2c": ["10.0.3.51"]}


def test_unhealthy_eni_is_left_out_of_regional_and_private_names__facts_s1():
    regional, private, zonal = health_answers(b=", Healthy: false")
    assert regional == private == ["10.0.1.51", "10.0.3.51"]
    # a zonal name always answers its own ENI
    assert zonal == ALL_ZONAL


def test_eni_not_in_use_is_left_out__facts_s8():
    regional, private, zonal = health_answers(a=", Status: available", c=", Status: detaching")
    assert regional == private == ["10.0.2.51"]
    assert zonal == ALL_ZONAL


def test_when_no_eni_is_healthy_every_eni_is_answered__facts_s1():
    regional, private, zonal = health_answers(", Healthy: false", ", Healthy: false",
                                              ", Status: available")
    assert regional == private == ["10.0.1.51", "10.0.2.51", "10.0.3.51"]
    assert zonal == ALL_ZONAL


def test_rotation_runs_over_healthy_enis_only__facts_s1():
    with World({"w.yaml": HEALTH_WORLD % ("", ", Healthy: false", "")}) as w, \
            start_dnsd(zones=w.dir) as d:
        seen = [check_addresses(d.query(SSM, "A"), SSM) for _ in range(3)]
    assert seen == [["10.0.1.51", "10.0.3.51"], ["10.0.3.51", "10.0.1.51"],
                    ["10.0.1.51", "10.0.3.51"]]


PENDING_WORLD = """\
Vpcs:
  - VpcId: vpc-0aaaaaaaaaaaaaaa1
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.ssm
        State: pendingAcceptance
        DnsEntries:
          - {DnsName: vpce-0aaaaaaaaaaaaaaa1-abcd1234.ssm.us-east-2.vpce.amazonaws.com}
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.51}
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2
        ServiceName: com.amazonaws.us-east-2.kms
        State: available
        DnsEntries:
          - {DnsName: vpce-0aaaaaaaaaaaaaaa2-wxyz9876.kms.us-east-2.vpce.amazonaws.com}
        NetworkInterfaces:
          - {SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.61}
"""


def test_endpoint_pending_acceptance_has_public_names_only__facts_s5():
    # AWS PrivateLink guide, "Interface endpoint lifecycle": pendingAcceptance
    # waits for the provider; private DNS can only be enabled once accepted
    # (terraform-provider-aws#37628), the regional and zonal names exist
    # (README "Endpoint states"; test_ec2_world.py has every state)
    with World({"w.yaml": PENDING_WORLD}) as w, start_dnsd(zones=w.dir) as d:
        name = "vpce-0aaaaaaaaaaaaaaa1-abcd1234.ssm.us-east-2.vpce.amazonaws.com"
        check_addresses(d.query(name, "A"), name, expect=["10.0.1.51"])
        check_forwarded_dead(d.query(SSM, "A"))
        # the available one beside it answers, with the suffix from its DnsEntries
        name = "vpce-0aaaaaaaaaaaaaaa2-wxyz9876.kms.us-east-2.vpce.amazonaws.com"
        check_addresses(d.query(name, "A"), name, expect=["10.0.1.61"])
        check_addresses(d.query("kms.us-east-2.amazonaws.com", "A"),
                        "kms.us-east-2.amazonaws.com", expect=["10.0.1.61"])


# ---- the query name's case (0x20) ----

def raw_reply(d, name, rdtype):
    q = dns.message.make_query(name, rdtype)
    wire = q.to_wire()
    reply = d.raw(wire, timeout=3)
    assert reply is not None
    return wire, reply, dns.message.from_wire(reply)


def question_bytes(wire):
    """The question section (name, type, class) of a message without compression."""
    end = 12
    while wire[end]:
        end += wire[end] + 1
    return wire[12:end + 5]


def test_query_name_case_is_echoed_in_question_and_answer_owner(shipped, shipped_names):
    s3 = shipped_names["vpce-0e25b8cdd720f900e"]["regional"]
    s3_mixed = "BuCkEt." + s3.replace("vpce-", "VpCe-").replace(".s3.", ".S3.")
    for name, rdtype in (("MoNiToRiNg.us-east-2.AmAzOnAwS.cOm", "A"),
                         ("VPCE-099deb00b40f00e22-LJ2WISX3.Monitoring.us-east-2.vpce.amazonaws.com", "A"),
                         ("AbCdEf1234.ExEcUtE-aPi.us-east-2.amazonaws.com", "A"),
                         (s3_mixed, "A"),
                         ("KMS.us-east-2.amazonaws.com", "AAAA")):
        wire, reply, msg = raw_reply(shipped, name, rdtype)
        assert rcode(msg) == "NOERROR"
        # the question comes back byte for byte
        assert question_bytes(reply) == question_bytes(wire)
        assert msg.question[0].name.to_text() == name + "."
        assert len(msg.answer) == 1
        # dnspython keeps the wire's case in the owner it parsed
        assert msg.answer[0].name.to_text() == name + "."
        assert len(msg.answer[0]) >= 1


def test_query_name_case_is_echoed_in_cname_owner_and_negative_answers(shipped):
    name = "API.Partner-Payments.Example.COM"
    wire, reply, msg = raw_reply(shipped, name, "A")
    assert question_bytes(reply) == question_bytes(wire)
    assert msg.answer[0].rdtype == dns.rdatatype.CNAME
    assert msg.answer[0].name.to_text() == name + "."
    name = "NoPe.MONITORING.us-east-2.amazonaws.com"
    wire, reply, msg = raw_reply(shipped, name, "A")
    assert rcode(msg) == "NXDOMAIN"
    assert question_bytes(reply) == question_bytes(wire)
    # the SOA owner is the zone apex, whatever case it is written in
    assert msg.authority[0].name == dns.name.from_text("monitoring.us-east-2.amazonaws.com")


# ---- transport and flags ----

def test_tcp_answers_like_udp(shipped):
    for name, rdtype, expect in ((CW_ZONAL["us-east-2c"][0], "A", ["10.0.3.88"]),
                                 ("kms.us-east-2.amazonaws.com", "AAAA", KMS_V6),
                                 ("monitoring.us-east-2.amazonaws.com", "A", CW_ADDRS)):
        check_addresses(shipped.query(name, rdtype, tcp=True), name, rdtype, expect=expect)
    out = kdig("+tcp", "+short", CW_ZONAL["us-east-2a"][0], "A", port=shipped.port)
    assert out.split() == ["10.0.1.42"]


def test_local_answer_echoes_rd_clear(shipped):
    r = shipped.query(CW_ZONAL["us-east-2a"][0], "A", flags=0)
    assert rcode(r) == "NOERROR"
    check_flags(r, rd=False)
    assert addresses(r) == ["10.0.1.42"]
