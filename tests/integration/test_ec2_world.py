# tests/integration/test_ec2_world.py - a whole VPC captured with the AWS CLI: instances, DNS attributes, endpoint states (issue 9 items 1, 2, 3, 7).
"""The capture in captures/whole-vpc/ was written by hand in the shapes
the AWS CLI prints (botocore's ec2 model; the AWS CLI reference examples):
a VPC with instances (running, stopped, terminated, IPv6-only), a NAT
gateway, Lambda and load balancer network interfaces, an interface and a
gateway endpoint, a private hosted zone, and the output of commands dnsd
does not read. Every test starts the real dnsd and asks with dnspython.
"""
import json
import os
import re
import shutil
import socket
import tempfile

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
import yaml

from .harness import Dnsd, World, addresses, rcode, run_dnsd
from .netns import Netns
from .test_forward import FakeUpstream, answer_a

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(HERE, "captures", "whole-vpc")
VPC = "vpc-0e5c1a2b3c4d5e6f7"
UPSTREAM_A = "192.0.2.99"       # what the fake internet answers
RULE_A = "192.0.2.54"           # what a FORWARD rule's target answers
SKIPPED = {"describe-nat-gateways.json": ("NatGateways", "aws ec2 describe-nat-gateways"),
           "describe-route-tables.json": ("RouteTables", "aws ec2 describe-route-tables"),
           "elbv2-describe-load-balancers.json": ("LoadBalancers",
                                                  "aws elbv2 describe-load-balancers"),
           "lambda-list-functions.json": ("Functions", "aws lambda list-functions")}


def capture_copy(edit=None, form="json"):
    """The capture in a temporary directory, as JSON or as `--output yaml`
    prints it (AWS CLI v2: block style, keys sorted, long lines folded);
    edit(text) may change each file's text first."""
    d = tempfile.mkdtemp(prefix="dnsd-capture-")
    for f in sorted(os.listdir(CAPTURE)):
        with open(os.path.join(CAPTURE, f)) as fh:
            text = fh.read()
        if edit:
            text = edit(text)
        if form == "yaml":
            f = f[:-len(".json")] + ".yaml"
            text = yaml.safe_dump(json.loads(text), default_flow_style=False, width=80)
        with open(os.path.join(d, f), "w") as fh:
            fh.write(text)
    return d


def diags(stderr, kind):
    return [l for l in stderr.splitlines() if f": {kind}: " in l]


def ask(d, name, rdtype="A", addr=None, timeout=3):
    return d.query(name, rdtype, addr=addr, timeout=timeout)


def silent(d, name, addr=None):
    """No answer at all, over UDP and over TCP (the connection closes)."""
    q = dns.message.make_query(name, "A")
    if d.raw(q.to_wire(), addr=addr, timeout=0.4) is not None:
        return False
    host, port = addr or d.addrs[0]
    try:
        dns.query.tcp(q, host, port=port, timeout=2)
    except (EOFError, ConnectionError, dns.exception.Timeout):
        return True
    return False


def a_of(m):
    assert rcode(m) == "NOERROR", m
    return sorted(addresses(m))


def nodata(m):
    return rcode(m) == "NOERROR" and not m.answer and m.authority


@pytest.fixture(scope="module")
def upstream():
    with FakeUpstream(answer_a(UPSTREAM_A)) as u:
        yield u


# ---- item 1: every capture loads ----

@pytest.mark.parametrize("form", ["json", "yaml"])
def test_whole_vpc_capture_loads_with_a_warning_per_unread_command(form):
    """AWS CLI output of a whole VPC (describe-vpcs, -subnets, -instances,
    -network-interfaces with instance, NAT gateway, Lambda, load balancer
    and endpoint interfaces, -vpc-endpoints, -dhcp-options, -vpc-attribute,
    route53 get-hosted-zone and list-resource-record-sets) loads unfiltered:
    `"Description": ""` of instance interfaces is no error, fields dnsd
    does not use are known; the output of commands dnsd does not read is a
    warning naming the file and the command, and is skipped."""
    d = capture_copy(form=form)
    try:
        out = run_dnsd(["--check", "--zones", d])
        assert out.returncode == 0, out.stderr
        assert diags(out.stderr, "error") == []
        warns = diags(out.stderr, "warning")
        assert len(warns) == len(SKIPPED), warns
        for f, (key, command) in SKIPPED.items():
            f = f if form == "json" else f[:-5] + ".yaml"
            assert any(w.startswith(os.path.join(d, f) + ":") and f"'{key}'" in w and command in w
                       for w in warns), (f, warns)
        assert "ok: 1 VPC, 2 endpoints" in out.stderr
    finally:
        shutil.rmtree(d)


def test_yaml_capture_gives_the_same_zones_as_json():
    outs = []
    for form in ("json", "yaml"):
        d = capture_copy(form=form)
        try:
            out = run_dnsd(["--check", "--zones", d])
            assert out.returncode == 0, out.stderr
            outs.append([l for l in out.stdout.splitlines() if not l.startswith("; zone")])
        finally:
            shutil.rmtree(d)
    assert outs[0] == outs[1]


def test_output_of_an_unknown_command_names_key_and_file():
    with World({"x.json": '{"Bogus": []}'}) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        # the strict helper's dispatch may make this a warning: either way
        # the message names the key and the file
        assert "x.json:1:" in out.stderr and "'Bogus'" in out.stderr


# ---- item 2: EC2 instance names (EC2 User Guide, "Amazon EC2 instance
# hostname types"; VPC User Guide, "DNS attributes for your VPC") ----

@pytest.fixture(scope="module")
def whole(upstream):
    d = capture_copy()
    try:
        with Dnsd(zones=d, upstream=(upstream.addr,)) as dnsd:
            yield dnsd
    finally:
        shutil.rmtree(d)


def test_ip_names_answer_a_never_aaaa__ec2ug_instance_hostname_types(whole):
    # "When used as the Private DNS hostname, it will only return the private
    # IPv4 address (A record)"; every address of the VPC, instance or not
    for ip in ("10.20.0.25", "10.20.10.77", "10.20.11.77", "10.20.0.100", "10.20.0.150",
               "10.20.10.51", "10.20.200.9"):
        name = "ip-" + ip.replace(".", "-") + ".us-east-2.compute.internal."
        m = ask(whole, name)
        assert a_of(m) == [ip] and m.answer[0].ttl == 60
        assert nodata(ask(whole, name, "AAAA"))


def test_resource_names_answer_as_their_options_say__ec2ug_instance_hostname_types(whole):
    dom = ".us-east-2.compute.internal."
    # A and AAAA on (PrivateDnsNameOptions), in a dual-stack subnet
    assert a_of(ask(whole, "i-0a1b2c3d4e5f60002" + dom)) == ["10.20.11.40"]
    m = ask(whole, "i-0a1b2c3d4e5f60002" + dom, "AAAA")
    assert addresses(m, "AAAA") == ["2600:1f16:abc:de01::40"]
    # IPv6-only instance: AAAA only; A is NODATA
    m = ask(whole, "i-0a1b2c3d4e5f60003" + dom, "AAAA")
    assert addresses(m, "AAAA") == ["2600:1f16:abc:de02::7"]
    assert nodata(ask(whole, "i-0a1b2c3d4e5f60003" + dom))
    # a stopped instance keeps its address and its name
    assert a_of(ask(whole, "i-0a1b2c3d4e5f60004" + dom)) == ["10.20.10.50"]
    # both switches off, and a terminated instance: no such name
    for iid in ("i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60005", "i-0ffffffffffffffff"):
        assert rcode(ask(whole, iid + dom)) == "NXDOMAIN"
    # the case of the query is kept, the name matches in any case
    m = ask(whole, "I-0A1B2C3D4E5F60002" + dom.upper())
    assert a_of(m) == ["10.20.11.40"] and m.question[0].name.to_text().startswith("I-0A1B")


def test_ptr_gives_the_guest_os_hostname__dnsd_choice(whole):
    # AWS does not say what the PTR of a resource-name instance is: dnsd
    # gives its host name (README "EC2 names"), the IP name for the others
    m = ask(whole, "40.11.20.10.in-addr.arpa.", "PTR")
    assert [r.target.to_text() for r in m.answer[0]] == \
        ["i-0a1b2c3d4e5f60002.us-east-2.compute.internal."]
    m = ask(whole, "25.0.20.10.in-addr.arpa.", "PTR")
    assert [r.target.to_text() for r in m.answer[0]] == ["ip-10-20-0-25.us-east-2.compute.internal."]


def test_public_dns_names_answer_the_private_address_inside__vpcug_dns_hostnames(whole, upstream):
    # "The Amazon DNS server resolves a public DNS hostname ... to the private
    # IPv4 address of the instance from within the network of the instance":
    # the instance, the NAT gateway's and the load balancer's addresses
    for pub, priv in (("203-0-113-25", "10.20.0.25"), ("203-0-113-100", "10.20.0.100"),
                      ("203-0-113-150", "10.20.0.150")):
        m = ask(whole, f"ec2-{pub}.us-east-2.compute.amazonaws.com.")
        assert a_of(m) == [priv], m
    # another public name under the domain is not the VPC's: resolved upstream
    before = len(upstream.records())
    m = ask(whole, "ec2-203-0-113-99.us-east-2.compute.amazonaws.com.")
    assert a_of(m) == [UPSTREAM_A] and len(upstream.records()) == before + 1


def test_other_vpcs_ip_names_resolve_when_rfc1918__vpcug_dns_hostnames(whole):
    # "You can resolve the Private IP DNS name ... of other instances in other
    # VPCs as long as the instances are in the same AWS Region and the
    # hostname of the other instance is in the private address space range
    # defined by RFC 1918"
    for ip in ("10.99.1.5", "172.16.0.9", "192.168.7.7"):
        name = "ip-" + ip.replace(".", "-") + ".us-east-2.compute.internal."
        assert a_of(ask(whole, name)) == [ip]
    # not RFC 1918 and not the VPC's (its 100.64/16 block is disassociated)
    for ip in ("100.64.0.5", "192.0.2.1"):
        name = "ip-" + ip.replace(".", "-") + ".us-east-2.compute.internal."
        assert rcode(ask(whole, name)) == "NXDOMAIN"


def test_private_hosted_zone_and_endpoints_of_the_capture(whole, upstream):
    # a CNAME to a resource name is followed into the EC2 names
    m = ask(whole, "app.corp.internal.")
    assert [rr.rdtype for rr in m.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    assert addresses(m) == ["10.20.11.40"]
    assert a_of(ask(whole, "ssm.us-east-2.amazonaws.com.")) == ["10.20.10.42", "10.20.11.42"]
    assert a_of(ask(whole, "vpce-0f0e0d0c0b0a09081-q7n2x4kd-us-east-2b.ssm.us-east-2.vpce."
                           "amazonaws.com.")) == ["10.20.11.42"]
    # the S3 gateway endpoint changes no DNS
    assert a_of(ask(whole, "s3.us-east-2.amazonaws.com.")) == [UPSTREAM_A]


def us_east_1(text):
    return text.replace("us-east-2", "us-east-1").replace("use2-", "use1-")


def test_us_east_1_names__ec2ug_instance_hostname_types(upstream):
    # ec2.internal for private names, compute-1.amazonaws.com for public ones
    d = capture_copy(edit=us_east_1)
    try:
        with Dnsd(zones=d, upstream=(upstream.addr,)) as dnsd:
            assert a_of(ask(dnsd, "i-0a1b2c3d4e5f60002.ec2.internal.")) == ["10.20.11.40"]
            assert a_of(ask(dnsd, "ip-10-20-0-25.ec2.internal.")) == ["10.20.0.25"]
            assert a_of(ask(dnsd, "ec2-203-0-113-25.compute-1.amazonaws.com.")) == ["10.20.0.25"]
            m = ask(dnsd, "40.11.20.10.in-addr.arpa.", "PTR")
            assert [r.target.to_text() for r in m.answer[0]] == ["i-0a1b2c3d4e5f60002.ec2.internal."]
            # the other Regions' names are not autodefined here
            assert a_of(ask(dnsd, "ip-10-20-0-25.us-east-1.compute.internal.")) == [UPSTREAM_A]
    finally:
        shutil.rmtree(d)


def custom_domain(text):
    return text.replace('"Value": "us-east-2.compute.internal"', '"Value": "corp.example.com"')


def test_custom_dhcp_domain_name__vpcug_dhcp_option_sets(upstream):
    """A custom DHCP domain-name changes what instances append to short
    names and their guest OS domain, not what the Resolver answers: its
    EC2 names stay under us-east-2.compute.internal; names under the custom
    domain resolve like any other (VPC User Guide, "DHCP option sets": to
    get custom DNS hostnames, "you must set domain-name-servers to a custom
    DNS server")."""
    d = capture_copy(edit=custom_domain)
    try:
        out = run_dnsd(["--check", "--zones", d])
        warns = [w for w in diags(out.stderr, "warning") if "DHCP domain-name" in w]
        assert len(warns) == 1 and "corp.example.com" in warns[0], out.stderr
        assert warns[0].startswith(os.path.join(d, "describe-dhcp-options.json") + ":")
        with Dnsd(zones=d, upstream=(upstream.addr,)) as dnsd:
            assert a_of(ask(dnsd, "ip-10-20-0-25.us-east-2.compute.internal.")) == ["10.20.0.25"]
            assert a_of(ask(dnsd, "ip-10-20-0-25.corp.example.com.")) == [UPSTREAM_A]
        # a private hosted zone for the domain covers it: no warning
        with open(os.path.join(d, "phz.yaml"), "w") as f:
            f.write(f"HostedZones:\n  - {{Name: corp.example.com., VPCIds: [{VPC}]}}\n")
        out = run_dnsd(["--check", "--zones", d])
        assert out.returncode == 0 and "DHCP domain-name" not in out.stderr, out.stderr
    finally:
        shutil.rmtree(d)


# ---- item 3: DNS attributes (VPC User Guide, "DNS attributes for your VPC";
# Route 53 Developer Guide, "Considerations when working with a private
# hosted zone"; AWS PrivateLink guide, "Private DNS") ----

COMBOS = [(True, True), (True, False), (False, True), (False, False)]


def matrix_world(rule_port):
    """Four VPCs, one per combination of enableDnsSupport and
    enableDnsHostnames, each with an instance (a resource name and a public
    IP), an endpoint with private DNS, and all of them in one private
    hosted zone and one FORWARD rule."""
    vpcs, insts, eps, enis = [], [], [], []
    for k, (support, hostnames) in enumerate(COMBOS):
        vid, sid = f"vpc-0000000000000000{k}", f"subnet-000000000000000{k}a"
        vpcs.append({"VpcId": vid, "CidrBlock": f"10.3{k}.0.0/16",
                     "EnableDnsSupport": support, "EnableDnsHostnames": hostnames,
                     "Subnets": [{"SubnetId": sid, "AvailabilityZone": "us-east-2a",
                                  "CidrBlock": f"10.3{k}.1.0/24"}]})
        insts.append({"InstanceId": f"i-000000000000000{k}", "VpcId": vid, "SubnetId": sid,
                      "PrivateIpAddress": f"10.3{k}.1.5", "PublicIpAddress": f"203.0.113.{k + 10}",
                      "State": {"Code": 16, "Name": "running"},
                      "PrivateDnsNameOptions": {"HostnameType": "ip-name",
                                                "EnableResourceNameDnsARecord": True,
                                                "EnableResourceNameDnsAAAARecord": False}})
        eps.append({"VpcEndpointId": f"vpce-000000000000000{k}", "VpcId": vid,
                    "ServiceName": "com.amazonaws.us-east-2.ssm", "SubnetIds": [sid],
                    "DnsEntries": [{"DnsName": f"vpce-000000000000000{k}-abcdefg{k}.ssm.us-east-2"
                                               ".vpce.amazonaws.com"}],
                    "NetworkInterfaces": [{"SubnetId": sid, "PrivateIpAddress": f"10.3{k}.1.42"}]})
    for v, e in zip(vpcs, eps):
        v["VpcEndpoints"] = [e]
    ids = [v["VpcId"] for v in vpcs]
    return {"vpcs.json": json.dumps({"Vpcs": vpcs}),
            "instances.json": json.dumps({"Reservations": [{"Instances": insts}]}),
            "r53.yaml": f"""\
HostedZones:
  - Name: matrix.internal.
    VPCIds: [{", ".join(ids)}]
    ResourceRecordSets:
      - {{Name: www.matrix.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.99.0.1}}]}}
ResolverRules:
  - {{DomainName: onprem.example., RuleType: FORWARD, TargetIps: [{{Ip: 127.0.0.1, Port: {rule_port}}}],
     VPCIds: [{", ".join(ids)}]}}
"""}


def matrix_expect(k):
    """What each name gets from VPC k of matrix_world."""
    support, hostnames = COMBOS[k]
    if not support:
        return None     # the Resolver does not answer at all
    both = support and hostnames
    fwd = [UPSTREAM_A]
    return {
        f"ip-10-3{k}-1-5.us-east-2.compute.internal.": [f"10.3{k}.1.5"] if both else fwd,
        f"i-000000000000000{k}.us-east-2.compute.internal.": [f"10.3{k}.1.5"] if both else fwd,
        f"ec2-203-0-113-{k + 10}.us-east-2.compute.amazonaws.com.": [f"10.3{k}.1.5"] if both else fwd,
        "www.matrix.internal.": ["10.99.0.1"] if both else fwd,
        "ssm.us-east-2.amazonaws.com.": [f"10.3{k}.1.42"] if both else fwd,
        # public endpoint names need no attribute
        f"vpce-000000000000000{k}-abcdefg{k}.ssm.us-east-2.vpce.amazonaws.com.": [f"10.3{k}.1.42"],
        "localhost.": ["127.0.0.1"],
        "www.onprem.example.": [RULE_A],
        "www.example.com.": fwd,
    }


def check_matrix(d, where):
    """where(k): the address to ask as a client of VPC k."""
    wrong = []
    for k in range(len(COMBOS)):
        want = matrix_expect(k)
        if want is None:
            for name in ("www.matrix.internal.", f"ip-10-3{k}-1-5.us-east-2.compute.internal.",
                         "localhost.", "www.example.com."):
                if not silent(d, name, addr=where(k)):
                    wrong.append(f"VPC {k} {COMBOS[k]}: {name} answered")
            continue
        for name, addrs in want.items():
            got = a_of(ask(d, name, addr=where(k)))
            if got != sorted(addrs):
                wrong.append(f"VPC {k} {COMBOS[k]}: {name}: got {got}, want {addrs}")
    assert not wrong, "\n".join(wrong)


def test_dns_attribute_matrix_by_vpc_bound_listener(upstream):
    with FakeUpstream(answer_a(RULE_A)) as rule, World(matrix_world(rule.port)) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 0, out.stderr
        # the hosted zone in the VPC with hostnames off, and the private DNS
        # of the endpoints in VPCs with an attribute off, are warnings
        assert re.search(r"hosted zone matrix\.internal\. \(\S+\) is associated with VPC "
                         r"vpc-00000000000000001, which has EnableDnsHostnames off", out.stderr)
        listen = [f"127.0.0.{11 + k}:0=vpc-0000000000000000{k}" for k in range(4)]
        with Dnsd(zones=w.dir, listen=listen, upstream=(upstream.addr,)) as d:
            check_matrix(d, lambda k: d.addrs[k])
            # a query the VPC drops is logged as such at -vv only; the
            # others keep being answered
            assert a_of(ask(d, "localhost.", addr=d.addrs[0])) == ["127.0.0.1"]


def test_dns_attribute_matrix_by_source_address():
    """The same matrix, with the clients placed by their source address
    inside each VPC's CIDR (a network namespace of the test's own)."""
    with Netns() as ns:
        with ns.inside():
            up = FakeUpstream(answer_a(UPSTREAM_A))
            rule = FakeUpstream(answer_a(RULE_A))
        w = World(matrix_world(rule.port))
        try:
            with Dnsd(zones=w.dir, upstream=(up.addr,), wrap=ns.wrap) as d, ns.inside():
                class Src:
                    """d, asking from 10.3k.9.9."""
                    addrs = d.addrs

                    @staticmethod
                    def query(name, rdtype="A", addr=None, timeout=3):
                        q = dns.message.make_query(name, rdtype)
                        return dns.query.udp(q, d.host, port=d.port, source=addr, timeout=timeout)

                    @staticmethod
                    def raw(wire, addr=None, timeout=1.0):
                        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                            s.bind((addr, 0))
                            s.settimeout(timeout)
                            s.sendto(wire, (d.host, d.port))
                            try:
                                return s.recv(65535)
                            except socket.timeout:
                                return None

                def where(k):
                    return f"10.3{k}.9.9"
                wrong = []
                for k in range(len(COMBOS)):
                    want = matrix_expect(k)
                    if want is None:
                        q = dns.message.make_query("www.matrix.internal.", "A")
                        if Src.raw(q.to_wire(), addr=where(k), timeout=0.4) is not None:
                            wrong.append(f"VPC {k} answered")
                        continue
                    for name, addrs in want.items():
                        got = a_of(Src.query(name, addr=where(k)))
                        if got != sorted(addrs):
                            wrong.append(f"VPC {k} {COMBOS[k]}: {name}: got {got}, want {addrs}")
                assert not wrong, "\n".join(wrong)
        finally:
            w.cleanup()
            up.stop()
            rule.stop()
            ns.close()


# ---- item 7: endpoint states (AWS PrivateLink guide, "Interface endpoint
# lifecycle"; what each gives in DNS is dnsd's choice: README) ----

STATES = [("available", "ssm", "all"), ("pending", "sqs", "all"), ("Partial", "kms", "all"),
          ("pendingAcceptance", "sns", "public"), ("rejected", "logs", "none"),
          ("failed", "sts", "none"), ("expired", "secretsmanager", "none"),
          ("deleting", "monitoring", "none"), ("deleted", "ec2", "none"),
          ("Bogus", "ecs", "none")]


def states_world():
    lines = ["Vpcs:", "  - VpcId: vpc-0a0a0a0a0a0a0a0a0", "    CidrBlock: 10.40.0.0/16",
             "    EnableDnsHostnames: true", "    Subnets:",
             "      - {SubnetId: subnet-0a0a0a0a0a0a0a0a0, AvailabilityZone: us-east-2a, "
             "CidrBlock: 10.40.1.0/24}", "    VpcEndpoints:"]
    for k, (state, service, _) in enumerate(STATES):
        lines += [f"      - VpcEndpointId: vpce-0b0b0b0b0b0b0b0{k:02d}",
                  f"        ServiceName: com.amazonaws.us-east-2.{service}",
                  f"        State: {state}",
                  f"        DnsEntries: [{{DnsName: vpce-0b0b0b0b0b0b0b0{k:02d}-st{k:02d}abcd."
                  f"{service}.us-east-2.vpce.amazonaws.com}}]",
                  "        NetworkInterfaces:",
                  f"          - {{SubnetId: subnet-0a0a0a0a0a0a0a0a0, PrivateIpAddress: 10.40.1.{k + 10}}}"]
    return "\n".join(lines) + "\n"


def test_endpoint_states__privatelink_guide_lifecycle(upstream):
    with World({"w.yaml": states_world()}) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 0, out.stderr
        warns = diags(out.stderr, "warning")
        for k, (state, service, gives) in enumerate(STATES):
            said = [x for x in warns if f"vpce-0b0b0b0b0b0b0b0{k:02d}" in x]
            assert len(said) == (0 if gives == "all" else 1), (state, said)
        assert any("State 'Bogus' is not one dnsd knows" in x for x in warns)
        with Dnsd(zones=w.dir, upstream=(upstream.addr,)) as d:
            for k, (state, service, gives) in enumerate(STATES):
                addr = [f"10.40.1.{k + 10}"]
                regional = (f"vpce-0b0b0b0b0b0b0b0{k:02d}-st{k:02d}abcd.{service}.us-east-2.vpce."
                            "amazonaws.com.")
                zonal = regional.replace(f"st{k:02d}abcd.", f"st{k:02d}abcd-us-east-2a.")
                private = f"{service}.us-east-2.amazonaws.com."
                for name, served in ((regional, gives != "none"), (zonal, gives != "none"),
                                     (private, gives == "all")):
                    got = a_of(ask(d, name))
                    assert got == (addr if served else [UPSTREAM_A]), (state, name, got)


# ---- sizes: instances at growth boundaries and in thousands ----

def instances_world(n):
    insts = []
    for k in range(n):
        insts.append({"InstanceId": f"i-{k:017x}", "VpcId": "vpc-0c0c0c0c0c0c0c0c0",
                      "SubnetId": "subnet-0c0c0c0c0c0c0c0c0",
                      "PrivateIpAddress": f"10.50.{k // 250}.{k % 250 + 4}",
                      "PublicIpAddress": f"198.51.{k // 250}.{k % 250 + 4}",
                      "State": {"Code": 16, "Name": "running"},
                      "PrivateDnsNameOptions": {"HostnameType": "resource-name",
                                                "EnableResourceNameDnsARecord": True,
                                                "EnableResourceNameDnsAAAARecord": False}})
    return {"vpc.yaml": "Vpcs:\n  - {VpcId: vpc-0c0c0c0c0c0c0c0c0, CidrBlock: 10.50.0.0/16, "
                        "EnableDnsHostnames: true, Subnets: [{SubnetId: subnet-0c0c0c0c0c0c0c0c0, "
                        "AvailabilityZone: us-east-2a, CidrBlock: 10.50.0.0/16}]}\n",
            "describe-instances.json": json.dumps({"Reservations": [{"Instances": insts}]})}


@pytest.mark.parametrize("n", [1, 15, 16, 17, 300, 3000])
def test_instances_at_sizes_all_answer(n):
    with World(instances_world(n)) as w:
        out = run_dnsd(["--check", "--zones", w.dir], timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("\tIN\tA\t10.50.") == 2 * n      # resource and public names
        assert out.stdout.count("\tIN\tPTR\ti-") == n
        with Dnsd(zones=w.dir, timeout=60) as d:
            ks = range(n) if n <= 300 else list(range(0, n, 97)) + [n - 1]
            for k in ks:
                ip = f"10.50.{k // 250}.{k % 250 + 4}"
                assert a_of(ask(d, f"i-{k:017x}.us-east-2.compute.internal.")) == [ip]
                pub = f"ec2-198-51-{k // 250}-{k % 250 + 4}.us-east-2.compute.amazonaws.com."
                assert a_of(ask(d, pub)) == [ip]
            k = n - 1
            m = ask(d, f"{k % 250 + 4}.{k // 250}.50.10.in-addr.arpa.", "PTR")
            assert m.answer[0][0].target.to_text() == f"i-{k:017x}.us-east-2.compute.internal."


def test_shipped_example_world_has_instances__ec2ug_instance_hostname_types():
    """zones/ holds two instances of the prod VPC: a bastion with a public
    IP (IP name) and a dual-stack resource-name instance."""
    with Dnsd() as d:
        dom = ".us-east-2.compute.internal."
        assert a_of(ask(d, "i-0fedcba9876543210" + dom)) == ["10.0.2.20"]
        m = ask(d, "i-0fedcba9876543210" + dom, "AAAA")
        assert addresses(m, "AAAA") == ["2600:1f16:1234:5602::20"]
        assert rcode(ask(d, "i-0123456789abcdef0" + dom)) == "NXDOMAIN"
        assert a_of(ask(d, "ip-10-0-1-10" + dom)) == ["10.0.1.10"]
        assert a_of(ask(d, "ec2-203-0-113-77.us-east-2.compute.amazonaws.com.")) == ["10.0.1.10"]
