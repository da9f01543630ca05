# tests/integration/test_strict.py - definitions strict and helpful: did-you-mean, --strict, strict JSON, capped repeats, moto's DnsEntries, --check --summary.
"""The real dnsd on definitions with mistakes in them, as a new user makes
them (issue 8 item 8, issue 9 item 1).

Messages are `path:line[:col]: error|warning: text`; columns count bytes
from 1. The expected line and column of each message are computed here from
the text of the file, independently of dnsd.
"""
import json
import os
import re
import subprocess
import time

import dns.rcode

from tests.integration.harness import Dnsd, World, addresses, run_dnsd
from tests.integration.test_definitions import diags_at

VPC = "vpc-0aaaaaaaaaaaaaaa1"
VPC2 = "vpc-0bbbbbbbbbbbbbbb1"
DEAD = "127.0.0.1:9"

BASE = f"""\
Vpcs:
  - VpcId: {VPC}
    Region: us-east-2
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {{SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}}
      - {{SubnetId: subnet-0aaaaaaaaaaaaaaa2, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}}
    VpcEndpoints:
      - VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1
        ServiceName: com.amazonaws.us-east-2.sqs
        NetworkInterfaces:
          - {{NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa1, SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.10}}
          - {{NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa2, SubnetId: subnet-0aaaaaaaaaaaaaaa2, PrivateIpAddress: 10.0.2.10}}
"""
SQS = "sqs.us-east-2.amazonaws.com"


def check(zones, *extra):
    return run_dnsd(["--check", "--zones", zones] + list(extra))


def at(path, text, word, nth=0):
    """(path, line, col) of the nth occurrence of word in text: 1-based, bytes."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(word, pos + 1)
    before = text[:pos].encode()
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return path, line, col


def one(found, where, text):
    """The one diagnostic at where = (path, line, col) whose message holds text."""
    hits = [m for p, l, c, m in found if (p, l, c) == where and text in m]
    assert len(hits) == 1, f"no single {where}: …{text}… in:\n" + \
        "\n".join(f"{p}:{l}:{c}: {m}" for p, l, c, m in found)
    return hits[0]


# ---- unknown fields ----

def test_misspelt_private_ip_address_is_an_error_not_a_served_derived_address():
    # without the error dnsd would read an ENI with no address, derive one in
    # its subnet and serve it for sqs.us-east-2.amazonaws.com: a wrong answer
    # nobody asked for (issue 8, "Tried as a new user would")
    text = BASE.replace("PrivateIpAddress: 10.0.2.10", "PrivateIpAdress: 10.0.2.10")
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        assert out.returncode == 1, out.stderr
        msg = one(diags_at(out.stderr), at(path, text, "PrivateIpAdress"), "PrivateIpAdress")
        assert msg == ("unknown field 'PrivateIpAdress' in a network interface: did you mean "
                       "PrivateIpAddress? (otherwise dnsd reads a network interface as having "
                       "no PrivateIpAddress)")
        # the daemon does not start on it either
        started = run_dnsd(["--zones", w.dir, "--listen", "127.0.0.1:0", "--upstream", DEAD])
        assert started.returncode == 1
        assert "started:" not in started.stderr
    # written right, the address given is the one served
    with World({"w.yaml": BASE}) as w, Dnsd(zones=w.dir) as d:
        assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]


def test_unknown_field_far_from_every_field_is_a_warning_and_strict_makes_it_an_error():
    text = BASE.replace("    Region: us-east-2\n", "    Region: us-east-2\n    Colour: blue\n")
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        where = at(path, text, "Colour")
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        assert one(diags_at(out.stderr, "warning"), where, "Colour") == \
            "unknown field 'Colour' in a VPC, ignored"
        assert "1 warning" in out.stderr
        strict = check(w.dir, "--strict")
        assert strict.returncode == 1
        assert one(diags_at(strict.stderr), where, "Colour") == \
            "unknown field 'Colour' in a VPC, ignored"
        assert diags_at(strict.stderr, "warning") == []
        started = run_dnsd(["--strict", "--zones", w.dir, "--listen", "127.0.0.1:0",
                            "--upstream", DEAD])
        assert started.returncode == 1 and "not starting" in started.stderr
        # without --strict the daemon starts and serves
        with Dnsd(zones=w.dir) as d:
            assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]


def test_case_and_near_misses_name_the_field_of_that_object():
    text = BASE + "Dnsd:\n  DefaultVPC: " + VPC + "\n  Helth: []\n"
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        assert out.returncode == 1
        errs = diags_at(out.stderr)
        # Dnsd has two fields; both are used and absent here: errors
        assert one(errs, at(path, text, "DefaultVPC"), "DefaultVPC").startswith(
            "unknown field 'DefaultVPC' in Dnsd: did you mean DefaultVpc?")
        assert one(errs, at(path, text, "Helth"), "Helth").startswith(
            "unknown field 'Helth' in Dnsd: did you mean Health?")


# ---- documents dnsd does not read ----

BUCKETS = """{
    "Buckets": [{"Name": "logs", "CreationDate": "2024-01-01T00:00:00+00:00"}],
    "Owner": {"DisplayName": "me", "ID": "0123"}
}
"""
IDENTITY = """UserId: AIDAEXAMPLE
Account: '123456789012'
Arn: arn:aws:iam::123456789012:user/me
"""


def test_output_of_aws_commands_dnsd_does_not_read_is_skipped_with_a_warning():
    # issue 9 item 1: a capture directory holds what other commands print
    files = {"w.yaml": BASE, "capture/s3api-list-buckets.json": BUCKETS,
             "capture/sts-get-caller-identity.yaml": IDENTITY}
    with World(files) as w:
        buckets = os.path.join(w.dir, "capture/s3api-list-buckets.json")
        ident = os.path.join(w.dir, "capture/sts-get-caller-identity.yaml")
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        warns = diags_at(out.stderr, "warning")
        for path, text, key in ((buckets, BUCKETS, "Buckets"), (buckets, BUCKETS, "Owner"),
                                (ident, IDENTITY, "UserId"), (ident, IDENTITY, "Account"),
                                (ident, IDENTITY, "Arn")):
            # a JSON string starts at its quote
            loc = at(path, text, f'"{key}"' if path.endswith(".json") else key)
            assert one(warns, loc, f"'{key}'").startswith(
                f"unknown document key '{key}', skipped: not AWS CLI output dnsd reads (it "
                "reads Vpcs, Subnets"), warns
        assert len(warns) == 5
        with Dnsd(zones=w.dir) as d:
            assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]
        strict = check(w.dir, "--strict")
        assert strict.returncode == 1
        assert len(diags_at(strict.stderr)) == 5


def test_misspelt_document_key_gets_a_suggestion():
    text = BASE.replace("Vpcs:", "Vpcss:", 1)
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        assert one(diags_at(out.stderr, "warning"), (path, 1, 1), "Vpcss") == \
            "unknown document key 'Vpcss', skipped (did you mean Vpcs?)"


# ---- service names ----

def test_misspelt_service_name_gets_the_catalog_name():
    text = BASE.replace("com.amazonaws.us-east-2.sqs", "com.amazonaws.us-east-2.sqss")
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        assert out.returncode == 0
        line = text[:text.index("vpce-0aaaaaaaaaaaaaaa1")].count("\n") + 1
        found = [m for p, l, c, m in diags_at(out.stderr, "warning") if (p, l) == (path, line)]
        assert len(found) == 1 and found[0].startswith(
            "service com.amazonaws.us-east-2.sqss is not in dnsd's catalog (did you mean "
            "com.amazonaws.us-east-2.sqs?)"), out.stderr
        assert check(w.dir, "--strict").returncode == 1
    # a region dnsd does not know: most likely a typo
    text = BASE.replace("com.amazonaws.us-east-2.sqs", "com.amazonaws.us-esat-2.sqs")
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        line = text[:text.index("vpce-0aaaaaaaaaaaaaaa1")].count("\n") + 1
        found = [m for p, l, c, m in diags_at(out.stderr, "warning") if (p, l) == (path, line)]
        assert found[0] == ("service com.amazonaws.us-esat-2.sqs: 'us-esat-2' is not a region "
                            "dnsd knows (did you mean com.amazonaws.us-east-2.sqs?); its names "
                            "are made for that region"), out.stderr
        assert check(w.dir, "--strict").returncode == 1


def test_yaml_parse_errors_have_columns():
    text = "Vpcs:\n  - {VpcId: vpc-1, CidrBlock: [10.0.0.0/16}\n"
    with World({"w.yaml": text}) as w:
        path = os.path.join(w.dir, "w.yaml")
        out = check(w.dir)
        assert out.returncode == 1
        # at the '}' that should have been ']'
        assert diags_at(out.stderr) == [(path, 2, text.index("}") - len("Vpcs:\n") + 1,
                                         "expected ',' or ']', found '}'")], out.stderr


# ---- strict JSON ----

def test_json_files_are_strict_json_with_the_column_of_the_mistake():
    bad = {
        "comma.json": '{"Vpcs": [\n  {"VpcId": "vpc-0ccccccccccccccc1", "CidrBlock": "10.9.0.0/16"},\n]}\n',
        "comment.json": '{\n  # from aws ec2 describe-vpcs\n  "Vpcs": []\n}\n',
        "quote.json": "{'Vpcs': []}\n",
        "bare.json": '{"Vpcs": [{"VpcId": vpc-1}]}\n',
    }
    with World(bad) as w:
        out = check(w.dir)
        assert out.returncode == 1
        p = lambda f: os.path.join(w.dir, f)
        errs = diags_at(out.stderr)
        assert one(errs, at(p("comma.json"), bad["comma.json"], "},") [:2] +
                   (at(p("comma.json"), bad["comma.json"], "},")[2] + 1,), "trailing comma") == \
            "trailing comma: JSON allows no ',' before ']'"
        assert one(errs, at(p("comment.json"), bad["comment.json"], "#"), "comment") == \
            "comments are not allowed in JSON (a .yaml file may have them)"
        assert one(errs, (p("quote.json"), 1, 2), "quotes") == \
            "strings in JSON take double quotes, not single ones"
        assert one(errs, at(p("bare.json"), bad["bare.json"], "vpc-1"), "vpc-1").startswith(
            "'vpc-1' is not a JSON value")
        assert len(errs) == 4, errs
    # the same text as YAML is fine: a trailing comma in a flow collection and
    # comments are YAML
    with World({"comma.yaml": bad["comma.json"], "comment.yaml": bad["comment.json"]}) as w:
        out = check(w.dir)
        assert out.returncode == 0, out.stderr


# ---- sizes ----

def enis_json(n, field):
    items = ",\n".join(
        f'  {{"NetworkInterfaceId": "eni-{i:017x}", "SubnetId": "subnet-0aaaaaaaaaaaaaaa9", '
        f'"{field}": "10.0.{64 + i // 250}.{i % 250 + 4}"}}' for i in range(n))
    return '{"NetworkInterfaces": [\n' + items + "\n]}\n"


SUBNET9 = BASE + f"Subnets:\n  - {{SubnetId: subnet-0aaaaaaaaaaaaaaa9, VpcId: {VPC}, " \
    "AvailabilityZone: us-east-2c, CidrBlock: 10.0.64.0/18}\n"


def test_ten_thousand_copies_of_one_mistake_are_shown_ten_times_and_counted():
    text = enis_json(10000, "PrivateIpAddress").replace('"SubnetId"', '"Colour": "x", "SubnetId"')
    with World({"w.yaml": SUBNET9, "enis.json": text}) as w:
        path = os.path.join(w.dir, "enis.json")
        t0 = time.monotonic()
        out = check(w.dir)
        took = time.monotonic() - t0
        assert out.returncode == 0, out.stderr[-2000:]
        warns = diags_at(out.stderr, "warning")
        assert len(warns) == 10, warns
        assert [l for _, l, _, _ in warns] == list(range(2, 12))
        assert all(c == at(path, text, "\"Colour\"")[2] for _, _, c, _ in warns)
        assert (f'{path}: warning: \u2026and 9,990 more like "unknown field \'Colour\' in a '
                f'network interface, ignored" (not shown; lines 12 to 10001)') in out.stderr
        assert "10000 warnings" in out.stderr
        assert took < 30, took


def test_ten_thousand_misspelt_addresses_are_ten_errors_and_a_count():
    text = enis_json(10000, "PrivateIpAdress")
    with World({"w.yaml": SUBNET9, "enis.json": text}) as w:
        path = os.path.join(w.dir, "enis.json")
        out = check(w.dir)
        assert out.returncode == 1
        errs = [e for e in diags_at(out.stderr) if "PrivateIpAdress" in e[3]]
        assert len(errs) == 10
        assert f'{path}: error: \u2026and 9,990 more like "unknown field \'PrivateIpAdress\'' \
            in out.stderr
        assert re.search(r"dnsd: .*: 10000 errors", out.stderr), out.stderr[-500:]


# ---- moto ----

# What moto's describe_vpc_endpoints prints for an interface endpoint:
# DnsEntries from moto/ec2/utils.py create_dns_entries(), the endpoint id,
# 8 hex characters and the ServiceName; a HostedZoneId of 13 random ones.
MOTO = f"""{{"VpcEndpoints": [{{
    "VpcEndpointId": "vpce-0aaaaaaaaaaaaaaa1",
    "VpcEndpointType": "Interface",
    "VpcId": "{VPC}",
    "ServiceName": "com.amazonaws.us-east-2.sqs",
    "State": "available",
    "PolicyDocument": "{{}}",
    "RouteTableIds": [],
    "SubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "NetworkInterfaceIds": ["eni-0aaaaaaaaaaaaaaa1", "eni-0aaaaaaaaaaaaaaa2"],
    "DnsEntries": [{{"DnsName": "vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a.com.amazonaws.us-east-2.sqs",
                    "HostedZoneId": "9A8B7C6D5E4F3"}}],
    "PrivateDnsEnabled": true,
    "Groups": [],
    "Tags": [],
    "OwnerId": "123456789012",
    "CreationTimestamp": "2024-01-01T00:00:00.000Z"
}}]}}
"""
MOTO_ENIS = """NetworkInterfaces:
  - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa1, SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: 10.0.1.10}
  - {NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa2, SubnetId: subnet-0aaaaaaaaaaaaaaa2, PrivateIpAddress: 10.0.2.10}
"""


def test_moto_shaped_dns_entries_are_named_and_aws_names_served():
    # AWS's names: PrivateLink Guide, "Interface VPC endpoints", DNS names
    # (https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-interface.html);
    # /work/shared/docs/aws-dns-facts.md §1
    vpcs = BASE.split("    VpcEndpoints:")[0]
    files = {"vpcs.yaml": vpcs, "enis.yaml": MOTO_ENIS, "moto-endpoints.json": MOTO}
    with World(files) as w:
        path = os.path.join(w.dir, "moto-endpoints.json")
        out = check(w.dir)
        assert out.returncode == 0, out.stderr
        warns = [m for p, l, c, m in diags_at(out.stderr, "warning") if (p, l) == (path, 1)]
        assert warns == [
            "endpoint vpce-0aaaaaaaaaaaaaaa1: DnsEntries name "
            "'vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a.com.amazonaws.us-east-2.sqs' is shaped as moto "
            "makes it (the ServiceName after the suffix), not as AWS does "
            "(vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a.sqs.us-east-2.vpce.amazonaws.com, with zonal and "
            "private DNS names beside it): dnsd keeps the suffix and serves AWS's names"], \
            out.stderr
        assert check(w.dir, "--strict").returncode == 1
        with Dnsd(zones=w.dir) as d:
            aws = "vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a.sqs.us-east-2.vpce.amazonaws.com"
            assert sorted(addresses(d.query(aws))) == ["10.0.1.10", "10.0.2.10"]
            zonal = "vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a-us-east-2a.sqs.us-east-2.vpce.amazonaws.com"
            assert addresses(d.query(zonal)) == ["10.0.1.10"]
            assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]
            # moto's name is not one of dnsd's: forwarded (to nothing here)
            r = d.query("vpce-0aaaaaaaaaaaaaaa1-7c1e2f3a.com.amazonaws.us-east-2.sqs")
            assert r.rcode() == dns.rcode.SERVFAIL and not r.answer


# ---- --check --summary ----

SUMMARY_WORLD = BASE + f"""\
  - VpcId: {VPC2}
    Region: us-east-2
    CidrBlock: 10.1.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {{SubnetId: subnet-0bbbbbbbbbbbbbbb1, AvailabilityZone: us-east-2a, CidrBlock: 10.1.1.0/24}}
    VpcEndpoints:
      - VpcEndpointId: vpce-0bbbbbbbbbbbbbbb1
        ServiceName: com.amazonaws.us-east-2.kms
        PrivateDnsEnabled: false
        NetworkInterfaces:
          - {{NetworkInterfaceId: eni-0bbbbbbbbbbbbbbb1, SubnetId: subnet-0bbbbbbbbbbbbbbb1, PrivateIpAddress: 10.1.1.20}}
HostedZones:
  - Id: /hostedzone/Z0123456789CORPINTERNL
    Name: corp.internal.
    Config: {{PrivateZone: true}}
    VPCs: [{{VPCId: {VPC}, VPCRegion: us-east-2}}, {{VPCId: {VPC2}, VPCRegion: us-east-2}}]
    ResourceRecordSets:
      - {{Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.200}}]}}
      - {{Name: db.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: www.corp.internal.}}]}}
      - {{Name: queue.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: {SQS}.}}]}}
      - {{Name: partner.corp.internal., Type: A, TTL: 60, ResourceRecords: [{{Value: 192.0.2.10}}]}}
      - {{Name: partner.corp.internal., Type: AAAA, TTL: 60, ResourceRecords: [{{Value: "2001:db8::10"}}]}}
"""


def answers(d, addr, name):
    """(CNAME targets, A, AAAA) that a client of the listener at addr gets."""
    cnames, out = [], {}
    for t in ("A", "AAAA"):
        r = d.query(name, t, addr=addr)
        assert r.rcode() == dns.rcode.NOERROR, (name, t, r)
        out[t] = sorted(addresses(r, t))
        for rrset in r.answer:
            if rrset.rdtype == dns.rdatatype.CNAME and t == "A":
                cnames += [str(x.target) for x in rrset]
    return cnames, out["A"], out["AAAA"]


def test_summary_json_lists_what_every_vpc_gets_and_dnsd_answers_just_that():
    with World({"w.yaml": SUMMARY_WORLD}) as w:
        out = check(w.dir, "--summary", "--json")
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert doc["summary_version"] == 1
        assert [v["vpc_id"] for v in doc["vpcs"]] == [VPC, VPC2]
        assert doc["vpcs"][0]["cidrs"] == ["10.0.0.0/16"] and doc["vpcs"][0]["region"] == "us-east-2"
        for v in doc["vpcs"]:
            for n in v["names"]:
                assert set(n) == {"name", "source", "origin", "inbound_only", "answered", "rcode",
                                  "cname", "a", "aaaa", "in_vpc"}, n
        names = {v["vpc_id"]: {n["name"]: n for n in v["names"]} for v in doc["vpcs"]}
        prod, other = names[VPC], names[VPC2]
        assert prod[SQS + "."]["source"] == "private-dns"
        assert prod[SQS + "."]["origin"] == "vpce-0aaaaaaaaaaaaaaa1"
        assert sorted(prod[SQS + "."]["a"]) == ["10.0.1.10", "10.0.2.10"]
        assert prod["queue.corp.internal."]["cname"] == [SQS + "."]
        assert prod["db.corp.internal."]["cname"] == ["www.corp.internal."]
        assert prod["db.corp.internal."]["a"] == ["10.0.1.200"]
        assert prod["partner.corp.internal."]["in_vpc"] is False
        assert prod["partner.corp.internal."]["aaaa"] == ["2001:db8::10"]
        # the kms endpoint has private DNS off: its regional names only
        assert "kms.us-east-2.amazonaws.com." not in other
        assert any(n.startswith("vpce-0bbbbbbbbbbbbbbb1-") for n in other)
        # in VPC2 the SQS private name is not its own: forwarded, not local
        assert other["queue.corp.internal."]["cname"] == [SQS + "."]
        assert other["www.corp.internal."]["in_vpc"] is False      # 10.0.1.200 is VPC 1's
        assert doc["names"] == len(prod) + len(other)
        assert doc["outside_vpc"] == sum(1 for v in (prod, other) for n in v.values()
                                         if n["answered"] == "local" and not n["in_vpc"]
                                         and (n["a"] or n["aaaa"]))
        # every name, asked from inside its VPC, answers what the summary says
        with Dnsd(zones=w.dir, listen=("127.0.0.1:0", f"127.0.0.1:0={VPC}",
                                       f"127.0.0.1:0={VPC2}")) as d:
            for addr, listed in ((d.addrs[1], prod), (d.addrs[2], other)):
                for name, n in listed.items():
                    if name.startswith("*.") or n["answered"] != "local":
                        continue
                    assert answers(d, addr, name) == (n["cname"], sorted(n["a"]),
                                                      sorted(n["aaaa"])), name


def test_summary_text_marks_names_outside_the_vpc():
    with World({"w.yaml": SUMMARY_WORLD}) as w:
        out = check(w.dir, "--summary")
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert lines[0].startswith(f"; VPC {VPC} (us-east-2; 10.0.0.0/16): ")
        partner = [l for l in lines if l.startswith("partner.corp.internal.")]
        assert partner[0] == ("partner.corp.internal.  hosted-zone Z0123456789CORPINTERNL  "
                              "A 192.0.2.10  AAAA 2001:db8::10  ; outside the VPC's CIDR blocks")
        assert re.match(r"; \d+ names in 2 VPCs, \d+ with addresses outside their VPC's CIDR "
                        r"blocks$", lines[-1]), lines[-1]
        # no zone files on stdout with --summary
        assert "$ORIGIN" not in out.stdout


def test_summary_and_json_go_with_check():
    out = run_dnsd(["--summary"])
    assert out.returncode == 2 and "--summary goes with --check" in out.stderr
    out = run_dnsd(["--check", "--json"])
    assert out.returncode == 2 and "--json goes with --check --summary" in out.stderr


# ---- reloads ----

def test_strict_reload_with_an_unknown_field_keeps_the_old_data():
    with World({"w.yaml": BASE}) as w, Dnsd(zones=w.dir, args=("--strict",)) as d:
        assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]
        text = BASE.replace("PrivateIpAddress: 10.0.2.10", "PrivateIpAddress: 10.0.2.11, Shade: x")
        path = w.write("w.yaml", text)
        line = d.reload()
        assert "reload failed" in line, line
        _, l, c = at(path, text, "Shade")
        assert f"{path}:{l}:{c}: error: unknown field 'Shade' in a network interface" in d.log()
        assert sorted(addresses(d.query(SQS))) == ["10.0.1.10", "10.0.2.10"]


# ---- README ----

README = os.path.join(os.environ.get("DNSD_SRCDIR", "."), "README")


def readme_sessions(first, last):
    """Files (```yaml blocks that start '# PATH') and '    $ ' sessions with
    their output, in README order, from heading first to the one before last."""
    text = open(README).read()
    text = text[text.index(first):text.index(last)]
    files = {m.group(1): m.group(2) for m in
             re.finditer(r"```yaml\n# (\S+)\n(.*?)```", text, re.S)}
    steps, cmd = [], None
    for line in text.splitlines():
        if line.startswith("    $ "):
            cmd = line[6:]
            steps.append((cmd, []))
        elif cmd is not None and line.startswith("    "):
            steps[-1][1].append(line[4:])
        else:
            cmd = None
    return files, steps


def test_readme_strict_and_summary_examples_run_as_written(tmp_path):
    files, steps = readme_sessions("### Strict and helpful", "\nRoute 53 Resolver")
    assert list(files) == ["typo/world.yaml"] and len(steps) == 4
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    os.symlink(os.environ.get("DNSD", "./dnsd"), tmp_path / "dnsd")
    for cmd, want in steps:
        out = subprocess.run(["bash", "-c", "{ " + cmd + " ; } 2>&1"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.splitlines() == want, (cmd, out.stdout)
