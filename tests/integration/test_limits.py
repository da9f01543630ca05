# tests/integration/test_limits.py - no silent caps in the loader: counts and lengths across the old limits.
"""Definitions at sizes that crossed fixed limits of the loader (issue 13),
each at the boundary (N-1, N, N+1) and far past it, through the real dnsd:
`dnsd --check` and queries with dnspython. Under the ASan build `make check`
runs the same tests against the sanitized binary (the harness fails a test
on any sanitizer report).
"""
import json
import os
import shutil
import tempfile

import pytest

from tests.integration.harness import Dnsd, World, addresses, run_dnsd
from tests.integration.test_definitions import diags, records, zone_blocks

EP = "vpce-0123456789abcdef0"
PRIVATE = "monitoring.us-east-2.amazonaws.com."


def check(zones):
    return run_dnsd(["--check", "--zones", zones])


def block(stdout, apex, kind="private"):
    """The records of the one zone block with this apex and kind."""
    found = [b for b in zone_blocks(stdout, autodefined=True) if b[0] == apex and b[2] == kind]
    assert len(found) == 1, [b[:3] for b in zone_blocks(stdout, autodefined=True)]
    return records(found[0][4])


# ---- ENIs found by their Description ----

def described_world(n, subnet_ids=()):
    """One endpoint that lists no NetworkInterfaceIds and n ENIs whose
    Description names it, as describe-network-interfaces prints them."""
    vpc = {"Vpcs": [{
        "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Region": "us-east-2",
        "EnableDnsSupport": True, "EnableDnsHostnames": True,
        "Subnets": [
            {"SubnetId": "subnet-a", "AvailabilityZone": "us-east-2a", "CidrBlock": "10.0.0.0/20"},
            {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-2b", "CidrBlock": "10.0.16.0/20"}],
        "VpcEndpoints": [{"VpcEndpointId": EP, "ServiceName": "com.amazonaws.us-east-2.monitoring",
                          "SubnetIds": list(subnet_ids)}]}]}
    enis = {"NetworkInterfaces": [{
        "NetworkInterfaceId": "eni-%017x" % i, "SubnetId": "subnet-a", "Status": "in-use",
        "Description": f"VPC Endpoint Interface {EP}", "InterfaceType": "vpc_endpoint",
        "PrivateIpAddress": eni_addr(i)} for i in range(n)]}
    return World({"vpc.json": json.dumps(vpc), "enis.json": json.dumps(enis)})


def eni_addr(i):
    return "10.0.%d.%d" % (1 + i // 200, 1 + i % 200)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 20, 64, 300, 1000])
def test_every_eni_named_by_description_answers__ec2_requester_managed_eni(n):
    # EC2 User Guide, "Requester-managed network interfaces": an endpoint's
    # ENIs carry Description "VPC Endpoint Interface vpce-…". The list
    # was sized ENIs + ids + subnets + 8: 20 such ENIs answered 8 addresses.
    with described_world(n) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        got = [r[4] for r in block(out.stdout, PRIVATE) if r[0] == PRIVATE and r[3] == "A"]
        assert got == [eni_addr(i) for i in range(n)]


@pytest.mark.parametrize("n", [8, 9, 300])
def test_every_eni_named_by_description_with_a_subnet_id(n):
    # SubnetIds names a subnet no ENI is in: dnsd adds one for it, after
    # all n described ones (the room was one short of that before)
    with described_world(n, ["subnet-b"]) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        got = [r[4] for r in block(out.stdout, PRIVATE) if r[0] == PRIVATE and r[3] == "A"]
        assert got[:n] == [eni_addr(i) for i in range(n)] and len(got) == n + 1
        assert got[n].startswith("10.0.")


@pytest.mark.parametrize("n", [9, 20, 300])
def test_every_eni_named_by_description_in_the_answer(n):
    with described_world(n) as w, Dnsd(zones=w.dir) as d:
        got = addresses(d.query(PRIVATE, "A", tcp=True))
        assert sorted(got) == sorted(eni_addr(i) for i in range(n))


# ---- paths of any length ----

def deep_world(total, zones_len=0):
    """A definitions directory whose one file has a path of exactly total
    bytes, made a directory at a time (no path is ever given whole); the
    directory given to --zones is itself about zones_len bytes long."""
    base = tempfile.mkdtemp(prefix="dnsd-long-")
    fd = os.open(base, os.O_RDONLY)
    path = base

    def down(n):
        nonlocal fd, path
        name = "d" * n
        os.mkdir(name, dir_fd=fd)
        nfd = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd, path = nfd, path + "/" + name

    while len(path) + 251 <= zones_len:
        down(250)
    zones, zones_fd = path, os.dup(fd)
    while total - len(path) - 1 > 255:
        left = total - len(path) - 1
        down(250 if left > 456 else left - 201)
    name = "x" * (total - len(path) - 1 - len(".yaml")) + ".yaml"
    # both DNS attributes: a private hosted zone needs them (Route 53 Developer
    # Guide, "Considerations when working with a private hosted zone")
    text = ("Vpcs:\n  - VpcId: vpc-1\n    CidrBlock: 10.0.0.0/16\n    Region: us-east-2\n"
            "    Bogus: 1\n    EnableDnsHostnames: true\n")
    write_at(fd, name, text)
    assert len(path) + 1 + len(name) == total
    return base, zones, zones_fd, fd, path + "/" + name


def write_at(dir_fd, name, text):
    f = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=dir_fd)
    os.write(f, text.encode())
    os.close(f)


@pytest.mark.parametrize("total,zones_len", [
    (4094, 0), (4095, 0), (4096, 0), (4097, 0), (4200, 0), (10000, 6000)])
def test_definitions_file_at_a_long_path_is_read(total, zones_len):
    # a path past 4,095 bytes was cut by snprintf: the file was skipped
    # without a word; the warning at its full path shows it was read
    base, zones, zones_fd, deep_fd, file = deep_world(total, zones_len)
    try:
        out = check(zones)
        assert out.returncode == 0, out.stderr[-2000:]
        assert diags(out.stderr, "warning") == [(file, 5, "unknown field 'Bogus' in a VPC, ignored")]
        assert "ok: 1 VPC, 0 endpoints" in out.stderr
    finally:
        os.close(zones_fd)
        os.close(deep_fd)
        shutil.rmtree(base)


def test_zone_file_at_a_long_path_answers():
    # zone files wait until every document is read, then are opened by
    # their path: past PATH_MAX a directory at a time
    base, zones, zones_fd, deep_fd, file = deep_world(4250)
    zone_file = "z" * 230 + ".zone"
    try:
        write_at(zones_fd, "zones.yaml", "HostedZones:\n"
                 "  - {Id: Z0123456789ABC, Name: corp.example., VPCs: [{VPCId: vpc-1}]}\n")
        write_at(deep_fd, zone_file,
                 "$ORIGIN corp.example.\n$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\n"
                 "www A 10.0.0.5\n")
        assert len(os.path.dirname(file) + "/" + zone_file) > 4096
        with Dnsd(zones=zones) as d:
            assert addresses(d.query("www.corp.example.", "A")) == ["10.0.0.5"]
    finally:
        os.close(zones_fd)
        os.close(deep_fd)
        shutil.rmtree(base)


def test_unreadable_entry_is_an_error_naming_it():
    with World({"a.yaml": "Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]\n"}) as w:
        os.symlink("nowhere.yaml", os.path.join(w.dir, "b.yaml"))
        os.symlink("nowhere", os.path.join(w.dir, "README"))    # not a definitions file
        out = check(w.dir)
        assert out.returncode != 0
        errs = [l for l in out.stderr.splitlines() if ": error: " in l]
        assert errs == [f"{w.dir}/b.yaml: error: cannot read: No such file or directory"]


# ---- texts longer than the old fixed buffers ----

def vpc_id_world(n):
    vpc = "vpc-" + "a" * (n - 4)
    return vpc, World({"w.yaml": f"""\
Vpcs:
  - VpcId: {vpc}
    CidrBlock: 10.0.0.0/16
    Region: us-east-2
    Subnets:
      - {{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.0.0/29}}
    NetworkInterfaces:
      - {{NetworkInterfaceId: eni-1, SubnetId: subnet-a, PrivateIpAddress: 10.0.0.4}}
      - {{NetworkInterfaceId: eni-2, SubnetId: subnet-a, PrivateIpAddress: 10.0.0.6}}
    VpcEndpoints:
      - {{VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1, ServiceName: com.amazonaws.us-east-2.monitoring,
          SubnetIds: [subnet-a]}}
"""})


@pytest.mark.parametrize("n", [149, 150, 151, 152, 1000])
def test_derived_address_keeps_clear_of_given_ones_under_any_vpc_id(n):
    # a /29 leaves .4 to .6 (AWS reserves the first four and the last):
    # .4 and .6 are taken, so the derived address is .5 (a 160-byte key
    # "vpc-…/10.0.0.4" cut VPC ids of 151 bytes and more,
    # the taken ones were not seen: "used twice"; this
    # endpoint's first pick is .4)
    vpc, w = vpc_id_world(n)
    with w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        public = block(out.stdout, "us-east-2.vpce.amazonaws.com.", "public")
        assert {r[4] for r in public if r[3] == "A"} == {"10.0.0.5"}


@pytest.mark.parametrize("n", [62, 63, 64, 65, 300])
def test_region_of_a_long_availability_zone_name(n):
    # the region comes from the AZ name (us-east-2 + zone letters); one of
    # 64 characters or more gave none, and no EC2 names
    az = "us-east-2" + "z" * (n - 9)
    with World({"w.yaml": f"""\
Vpcs:
  - VpcId: vpc-1
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {{SubnetId: subnet-a, AvailabilityZone: {az}, CidrBlock: 10.0.0.0/24}}
"""}) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        assert block(out.stdout, "us-east-2.compute.internal.", "ec2-names")


@pytest.mark.parametrize("n", [62, 63, 64, 65, 300])
def test_region_that_makes_no_ec2_domain_is_an_error(n):
    # EC2 hostnames live under <region>.compute.internal (EC2 User Guide,
    # "EC2 instance hostnames, DNS names, and domains"; Route 53's API_VPC
    # allows a VPCRegion of 64 characters): a Region longer than a DNS
    # label gave no EC2 names and no message (cut at 128 bytes, or refused
    # without a word)
    region = "us-east-2" + "x" * (n - 9)
    with World({"w.yaml": f"""\
Vpcs:
  - VpcId: vpc-1
    CidrBlock: 10.0.0.0/16
    Region: {region}
    EnableDnsHostnames: true
"""}) as w:
        out = check(w.dir)
        if n <= 63:
            assert out.returncode == 0, out.stderr
            assert block(out.stdout, f"{region}.compute.internal.", "ec2-names")
        else:
            assert out.returncode != 0
            errs = diags(out.stderr)
            assert len(errs) == 1 and errs[0][:2] == (os.path.join(w.dir, "w.yaml"), 4)
            assert f"'{region}.compute.internal'" in errs[0][2], errs


# ---- what --check shows of the Resolver ----

def test_check_lists_rules_with_targets_and_inbound_addresses():
    targets = ", ".join("{Ip: 192.0.2.%d}" % i for i in range(1, 10))
    with World({"w.yaml": f"""\
Vpcs:
  - {{VpcId: vpc-1, CidrBlock: 10.0.0.0/16, Region: us-east-2}}
ResolverEndpoints:
  - {{Id: rslvr-in-1, Direction: INBOUND, HostVPCId: vpc-1, IpAddresses: [{{Ip: 10.0.0.10}}]}}
ResolverRules:
  - {{Id: rslvr-rr-1, DomainName: corp.example., VPCIds: [vpc-1], TargetIps: [{targets}]}}
"""}) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        assert "; rule rslvr-rr-1 FORWARD corp.example. -> " + " ".join(
            "192.0.2.%d:53" % i for i in range(1, 10)) + "; in vpc-1\n" in out.stdout
        assert "; inbound endpoint rslvr-in-1 in vpc-1: 10.0.0.10 " in out.stdout


# ---- the zone builder: big record sets, CNAME chains, answers too large ----

def big_set_world(n, extra=""):
    recs = ", ".join("{Value: 10.9.%d.%d}" % (i // 250, i % 250 + 1) for i in range(n))
    return World({"w.yaml": f"""\
Vpcs:
  - {{VpcId: vpc-0000000000000b001, CidrBlock: 10.0.0.0/16, Region: us-east-2,
     EnableDnsHostnames: true}}
HostedZones:
  - Name: big.example.
    VPCIds: [vpc-0000000000000b001]
    ResourceRecordSets:
      - {{Name: www.big.example., Type: A, TTL: 60, ResourceRecords: [{recs}]}}
{extra}"""})


@pytest.mark.parametrize("n", [2, 255, 256, 257, 300, 4000])
def test_every_set_that_fits_rotates(n):
    """Sets of more than 255 records were served in a fixed order (the
    rotation count was one byte); every set that fits in a message now
    rotates, one position per response."""
    with big_set_world(n) as w:
        with Dnsd(zones=w.dir, listen=("127.0.0.1:0=vpc-0000000000000b001",)) as d:
            firsts = []
            for _ in range(3):
                m = d.query("www.big.example.", "A", tcp=True, timeout=10)
                got = addresses(m)
                assert sorted(got) == sorted("10.9.%d.%d" % (i // 250, i % 250 + 1)
                                             for i in range(n))
                firsts.append(got[0])
            assert len(set(firsts)) == min(n, 3), firsts


@pytest.mark.parametrize("n", [4061, 4062, 4063, 10000])
def test_a_set_too_large_for_a_message_is_an_error_naming_it(n):
    """dnsd keeps 65,000 of a message's 65,535 bytes for an answer's records
    (the rest for the header, any question and OPT): 4,062 A records under
    one name; past that the load fails naming the zone, its file:line and
    the name (it used to say only "out of memory, or an answer too large")."""
    with big_set_world(n) as w:
        out = check(w.dir)
    if n <= 4062:
        assert out.returncode == 0, out.stderr
        return
    assert out.returncode == 1
    assert "error: hosted zone Z" in out.stderr
    assert "w.yaml:5): the answer for www.big.example. type 1 does not fit in a DNS message" \
        in out.stderr, out.stderr


@pytest.mark.parametrize("links", [7, 8, 9, 20])
def test_cname_chains_past_8_links_and_loops_are_warned(links):
    chain = "".join("      - {Name: c%d.big.example., Type: CNAME, TTL: 60, "
                    "ResourceRecords: [{Value: c%d.big.example.}]}\n" % (i, i + 1)
                    for i in range(links))
    chain += "      - {Name: c%d.big.example., Type: A, TTL: 60, ResourceRecords: [{Value: 10.9.9.9}]}\n" \
        % links
    loop = ("      - {Name: l1.big.example., Type: CNAME, TTL: 60, ResourceRecords: [{Value: l2.big.example.}]}\n"
            "      - {Name: l2.big.example., Type: CNAME, TTL: 60, ResourceRecords: [{Value: l1.big.example.}]}\n")
    with big_set_world(1, chain + loop) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        long_warned = "the CNAME chain from c0.big.example. is longer than 8 CNAMEs" in out.stderr
        assert long_warned == (links > 8), out.stderr
        assert "the CNAME chain from l1.big.example. is a CNAME loop" in out.stderr
        with Dnsd(zones=w.dir, listen=("127.0.0.1:0=vpc-0000000000000b001",)) as d:
            m = d.query("c0.big.example.", "A", timeout=5)
            cnames = [r for r in m.answer if r.rdtype == 5]
            assert len(cnames) == min(links, 8)
            assert addresses(m) == (["10.9.9.9"] if links <= 8 else [])
