# tests/integration/test_resolver.py - Route 53 Resolver semantics: hosted zones, rules, endpoints, cache.
"""Route 53 Resolver: private hosted zones, resolver rules, inbound and
outbound endpoints, autodefined EC2 names and the forwarding cache, against
real DNS servers from Debian on loopback addresses (facts §7).

The picture (every address is on `lo`):

    127.0.0.1   a client inside the prod VPC (dnsd's ordinary listener)
    127.0.0.2   a client inside the staging VPC (listener bound to it)
    127.0.0.53  dnsd's inbound resolver endpoint (--inbound-port: a free port)
    127.0.0.10  the outbound endpoint's address: forwarded queries leave from it
    127.0.1.1   NSD, the on-premises authoritative server of corp.example.
    127.0.1.2   Unbound, the on-premises recursive resolver; it forwards
                amazonaws.com, corp.internal. and the VPC's EC2 names to
                the inbound endpoint
    127.0.2.x   Python fakes: "the internet" (dnsd's --upstream) and
                upstreams that record what they were asked and from where
    127.0.3.x   sockets that never answer (dead forward targets)

Every world is a copy of the shipped zones/ (prod VPC vpc-0a1b2c3d4e5f60718,
us-east-2, 10.0.0.0/16; staging vpc-0b2c3d4e5f6a70819, 10.1.0.0/16) plus a
resolver.yaml written here.
"""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from tests.integration.harness import (ZONES, Dnsd, World, addresses, dig, file_lines, rcode,
                                      run_dnsd, tool, wait_file_line)

NSD = "/usr/sbin/nsd"
UNBOUND = "/usr/sbin/unbound"

PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"
EAST1 = "vpc-0c3d4e5f6a7b8c9d0"
CW_REGIONAL = "vpce-099deb00b40f00e22-lj2wisx3.monitoring.us-east-2.vpce.amazonaws.com."
CW_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
S3_ADDRS = ["10.0.1.91", "10.0.2.91", "10.0.3.91"]
INTERNET_A = "192.0.2.99"          # what the fake internet answers for every A
INTERNET_PTR = "public.example."
AWS_SOA = ("ns-1536.awsdns-00.co.uk.", "awsdns-hostmaster.amazon.com.", 1, 7200, 900, 1209600,
           86400)

NSD_HOST = "127.0.1.1"
UNBOUND_HOST = "127.0.1.2"
INBOUND_HOST = "127.0.0.53"
OUTBOUND_IP = "127.0.0.10"

# ---- the on-premises authoritative server's zones ----

CORP_ZONE = """\
$ORIGIN corp.example.
$TTL 300
@          IN SOA ns1.corp.example. hostmaster.corp.example. 2024010101 3600 900 604800 60
@          IN NS  ns1
ns1        IN A   192.0.2.1
www        IN A   192.0.2.10
intranet   IN CNAME www
mail       IN A   192.0.2.25
; shadowed by the private hosted zone sub.corp.example.
www.sub    IN A   192.0.2.30
only.sub   IN A   192.0.2.31
; under the SYSTEM rules: dnsd must never come here for these
www.sys    IN A   192.0.2.40
www.local  IN A   192.0.2.41
"""

TIE_ZONE = """\
$ORIGIN tie.example.
$TTL 300
@          IN SOA ns1.corp.example. hostmaster.corp.example. 2024010101 3600 900 604800 60
@          IN NS  ns1.corp.example.
www        IN A   192.0.2.60
www.sys    IN A   192.0.2.61
"""

REVERSE_ZONE = """\
$ORIGIN 168.192.in-addr.arpa.
$TTL 300
@          IN SOA ns1.corp.example. hostmaster.corp.example. 2024010101 3600 900 604800 60
@          IN NS  ns1.corp.example.
10.1       IN PTR printer.corp.example.
"""


def main_world_yaml(nsd_addr):
    host, port = nsd_addr
    return f"""\
# Route 53 for the prod VPC: private hosted zones, resolver endpoints, rules.
HostedZones:
  - Id: /hostedzone/Z0123456789CORPINTERNL
    Name: corp.internal.
    Config: {{PrivateZone: true}}
    VPCs: [{{VPCId: {PROD}, VPCRegion: us-east-2}}]
    ResourceRecordSets:
      - {{Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.200}}]}}
      - {{Name: db.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: www.corp.internal.}}]}}
      - {{Name: metrics.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: monitoring.us-east-2.amazonaws.com.}}]}}
      - Name: api.corp.internal.
        Type: A
        AliasTarget: {{HostedZoneId: ZC8PG0KIFKBRI, DNSName: {CW_REGIONAL}, EvaluateTargetHealth: false}}
  # the same name as a FORWARD rule below: the rule wins
  - Name: tie.example.
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.tie.example., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.9.60}}]}}
  # more specific than the FORWARD rule: this zone wins
  - Name: sub.corp.example.
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.sub.corp.example., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.9.30}}]}}
  # under a SYSTEM rule: resolved normally, which is this zone
  - Name: local.corp.example.
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.local.corp.example., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.9.41}}]}}
  # the upstream answers every name; this zone must not fall through to it
  - Name: fall.example.
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.fall.example., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.9.50}}]}}
---
ResolverEndpoints:
  - Id: rslvr-out-0123456789abcdef0
    Direction: OUTBOUND
    HostVPCId: {PROD}
    IpAddresses: [{{Ip: {OUTBOUND_IP}}}]
  - Id: rslvr-in-0123456789abcdef0
    Direction: INBOUND
    HostVPCId: {PROD}
    IpAddresses: [{{Ip: {INBOUND_HOST}}}]
---
ResolverRules:
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c1
    Name: corp
    DomainName: corp.example.
    RuleType: FORWARD
    TargetIps: [{{Ip: {host}, Port: {port}}}]
    ResolverEndpointId: rslvr-out-0123456789abcdef0
    VPCIds: [{PROD}]
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c2
    Name: onprem-reverse
    DomainName: 168.192.in-addr.arpa.
    RuleType: FORWARD
    TargetIps: [{{Ip: {host}, Port: {port}}}]
    ResolverEndpointId: rslvr-out-0123456789abcdef0
    VPCIds: [{PROD}]
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c5
    DomainName: tie.example.
    RuleType: FORWARD
    TargetIps: [{{Ip: {host}, Port: {port}}}]
    ResolverEndpointId: rslvr-out-0123456789abcdef0
    VPCIds: [{PROD}]
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c6
    DomainName: sys.tie.example.
    RuleType: SYSTEM
    VPCIds: [{PROD}]
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c3
    DomainName: sys.corp.example.
    RuleType: SYSTEM
    VPCIds: [{PROD}]
  - Id: rslvr-rr-0c0c0c0c0c0c0c0c4
    DomainName: local.corp.example.
    RuleType: SYSTEM
    VPCIds: [{PROD}]
"""


# ======================================================================
# helpers: ports, worlds, servers
# ======================================================================

def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP on host."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind((host, 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind((host, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port on " + host)


def shipped_world(files):
    """A World holding a copy of zones/ plus files ({name: text})."""
    w = World()
    shutil.copytree(ZONES, w.dir, dirs_exist_ok=True)
    for name, text in files.items():
        w.write(name, text)
    return w


def wait_answering(host, port, name, proc, what, timeout=15):
    """Poll host:port with a query until it answers NOERROR with an answer."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            r = dns.query.udp(dns.message.make_query(name, "A"), host, port=port, timeout=0.2)
            if r.rcode() == dns.rcode.NOERROR and r.answer:
                return
        except (dns.exception.Timeout, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer {name} on {host}:{port} within {timeout} s")
        time.sleep(0.05)


def stop_proc(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Nsd:
    """NSD in the foreground on host:port: the on-premises authoritative server."""

    def __init__(self, host=NSD_HOST, zones=(("corp.example", CORP_ZONE),
                                              ("tie.example", TIE_ZONE),
                                              ("168.192.in-addr.arpa", REVERSE_ZONE))):
        if not os.access(NSD, os.X_OK):
            raise RuntimeError(NSD + " is not installed")
        self.dir = tempfile.mkdtemp(prefix="dnsd-nsd-")
        self.host = host
        self.port = free_port(host)
        zone_conf = ""
        for name, text in zones:
            with open(os.path.join(self.dir, name + ".zone"), "w") as f:
                f.write(text)
            zone_conf += f"zone:\n    name: {name}\n    zonefile: {name}.zone\n"
        conf = os.path.join(self.dir, "nsd.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    ip-address: {host}@{self.port}
    port: {self.port}
    zonesdir: "{self.dir}"
    pidfile: "{self.dir}/nsd.pid"
    xfrdfile: "{self.dir}/xfrd.state"
    zonelistfile: "{self.dir}/zone.list"
    database: ""
    username: ""
    verbosity: 0
    rrl-ratelimit: 0
    server-count: 1
{zone_conf}remote-control:
    control-enable: no
""")
        self.log = open(os.path.join(self.dir, "nsd.log"), "w+")
        self.proc = subprocess.Popen([NSD, "-d", "-c", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_answering(host, self.port, "www.corp.example.", self.proc, "nsd")
        except RuntimeError as e:
            log = self.read_log()
            self.stop()
            raise RuntimeError(f"{e}:\n{log}")

    @property
    def addr(self):
        return (self.host, self.port)

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        stop_proc(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Unbound:
    """Unbound in the foreground on host:port: the on-premises resolver. It
    forwards amazonaws.com, the private zone and the VPC's EC2 names (forward
    and reverse) to the inbound endpoint, and asks NSD for corp.example."""

    def __init__(self, inbound, nsd, host=UNBOUND_HOST):
        if not os.access(UNBOUND, os.X_OK):
            raise RuntimeError(UNBOUND + " is not installed")
        self.dir = tempfile.mkdtemp(prefix="dnsd-unbound-")
        self.host = host
        self.port = free_port(host)
        ib = "%s@%d" % inbound
        conf = os.path.join(self.dir, "unbound.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    interface: {host}@{self.port}
    port: {self.port}
    outgoing-interface: {host}
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    chroot: ""
    username: ""
    directory: "{self.dir}"
    pidfile: "{self.dir}/unbound.pid"
    logfile: ""
    use-syslog: no
    verbosity: 1
    num-threads: 1
    do-ip6: no
    # 10.in-addr.arpa is a default local zone of Unbound: let it through
    local-zone: "10.in-addr.arpa." nodefault
    local-zone: "internal." nodefault
remote-control:
    control-enable: no
forward-zone:
    name: "amazonaws.com"
    forward-addr: {ib}
forward-zone:
    name: "corp.internal"
    forward-addr: {ib}
forward-zone:
    name: "us-east-2.compute.internal"
    forward-addr: {ib}
forward-zone:
    name: "0.10.in-addr.arpa"
    forward-addr: {ib}
stub-zone:
    name: "corp.example"
    stub-addr: {nsd.host}@{nsd.port}
""")
        self.log = open(os.path.join(self.dir, "unbound.log"), "w+")
        self.proc = subprocess.Popen([UNBOUND, "-d", "-c", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_answering(host, self.port, "localhost.", self.proc, "unbound")
        except RuntimeError as e:
            log = self.read_log()
            self.stop()
            raise RuntimeError(f"{e}:\n{log}")

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def query(self, name, rdtype="A", tcp=False):
        q = dns.message.make_query(name, rdtype)
        if tcp:
            return dns.query.tcp(q, self.host, port=self.port, timeout=5)
        return dns.query.udp(q, self.host, port=self.port, timeout=5)

    def stop(self):
        stop_proc(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def internet(q, peer):
    """The fake internet: A 192.0.2.99, AAAA 2001:db8::99 and PTR
    public.example. for every name (TTL 300), NXDOMAIN under nx*."""
    qname, qtype = q.question[0].name, q.question[0].rdtype
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    if qname.labels[0].lower().startswith(b"nx"):     # dnsd sends names in 0x20 case
        r.set_rcode(dns.rcode.NXDOMAIN)
        r.authority.append(dns.rrset.from_text(
            qname.parent(), 300, "IN", "SOA", "ns.example. h.example. 1 3600 900 604800 300"))
    elif qtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "A", INTERNET_A))
    elif qtype == dns.rdatatype.AAAA:
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "AAAA", "2001:db8::99"))
    elif qtype == dns.rdatatype.PTR:
        r.answer.append(dns.rrset.from_text(qname, 300, "IN", "PTR", INTERNET_PTR))
    return r


def answer_a(address, ttl=300):
    def handler(q, peer):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.RA
        r.answer.append(dns.rrset.from_text(q.question[0].name, ttl, "IN", "A", address))
        return r
    return handler


class FakeUpstream:
    """A UDP (and TCP) resolver on host run by threads. handler(query, peer)
    returns the reply message (or None: no reply); delay postpones UDP
    replies without blocking the reader. Every query is recorded as
    (transport, peer address, peer port, qname, qtype)."""

    def __init__(self, handler=internet, host="127.0.2.1", delay=0.0, tcp=False):
        self.host = host
        self.handler = handler
        self.delay = delay
        self.seen = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        port = free_port(host) if tcp else 0
        self.sock.bind((host, port))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.threads = [threading.Thread(target=self._udp, daemon=True)]
        self.tsock = None
        if tcp:
            self.tsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.tsock.bind((host, self.port))
            self.tsock.listen(16)
            self.tsock.settimeout(0.1)
            self.threads.append(threading.Thread(target=self._tcp, daemon=True))
        for t in self.threads:
            t.start()

    @property
    def addr(self):
        return (self.host, self.port)

    @property
    def spec(self):
        return "%s:%d" % self.addr

    def _record(self, transport, q, peer):
        with self.lock:
            self.seen.append((transport, peer[0], peer[1], q.question[0].name.to_text().lower(),
                              dns.rdatatype.to_text(q.question[0].rdtype)))

    def _udp(self):
        while not self.stopping.is_set():
            try:
                wire, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                q = dns.message.from_wire(wire)
            except Exception:
                continue
            self._record("udp", q, peer)
            r = self.handler(q, peer)
            if r is None:
                continue
            if isinstance(r, dns.message.Message):
                r = r.to_wire()
            if self.delay:
                threading.Timer(self.delay, self._send, (r, peer)).start()
            else:
                self._send(r, peer)

    def _send(self, wire, peer):
        try:
            self.sock.sendto(wire, peer)
        except OSError:
            pass

    def _tcp(self):
        while not self.stopping.is_set():
            try:
                c, peer = self.tsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with c:
                c.settimeout(2)
                try:
                    n = struct.unpack("!H", recv_exact(c, 2))[0]
                    q = dns.message.from_wire(recv_exact(c, n))
                except (OSError, ValueError, struct.error, dns.exception.DNSException):
                    continue
                self._record("tcp", q, peer)
                r = self.handler(q, peer)
                if r is not None:
                    wire = r.to_wire()
                    c.sendall(struct.pack("!H", len(wire)) + wire)

    def records(self, name=None):
        with self.lock:
            return [s for s in self.seen if name is None or s[3] == name.lower()]

    def names(self):
        return [s[3] for s in self.records()]

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(5)
        self.sock.close()
        if self.tsock:
            self.tsock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ValueError("connection closed")
        buf += chunk
    return buf


class SilentTarget:
    """A bound UDP socket on loopback that never answers. Afterwards,
    drain() returns the question names of the datagrams that reached it."""

    def __init__(self, host):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.host, self.port = self.sock.getsockname()

    def drain(self):
        names = []
        self.sock.setblocking(False)
        while True:
            try:
                wire = self.sock.recv(65535)
            except BlockingIOError:
                return names
            names.append(dns.message.from_wire(wire).question[0].name.to_text().lower())

    def close(self):
        self.sock.close()


def timed_query(d, name, rdtype="A", addr=None, timeout=5):
    start = time.monotonic()
    m = d.query(name, rdtype, addr=addr, timeout=timeout)
    return m, time.monotonic() - start


# ---- checks ----

def check_resolver_flags(m):
    assert m.flags & dns.flags.QR and m.flags & dns.flags.RA and m.flags & dns.flags.RD
    assert not m.flags & (dns.flags.AA | dns.flags.TC)


def answer_rrset(m, rdtype="A"):
    sets = [r for r in m.answer if r.rdtype == dns.rdatatype.from_text(rdtype)]
    assert len(sets) == 1, m
    return sets[0]


def check_a(m, name, expect, ttl=None):
    """NOERROR, RA, one A RRset owned by name with these addresses (any order)."""
    assert rcode(m) == "NOERROR", m
    check_resolver_flags(m)
    rrset = answer_rrset(m, "A")
    assert rrset.name == dns.name.from_text(name)
    assert sorted(a.address for a in rrset) == sorted(expect)
    if ttl is not None:
        assert rrset.ttl == ttl, m
    return rrset


def check_soa(rrset, apex, fields=AWS_SOA, ttl=None):
    assert rrset.rdtype == dns.rdatatype.SOA and len(rrset) == 1
    assert rrset.name == dns.name.from_text(apex)
    soa = rrset[0]
    got = (soa.mname.to_text(), soa.rname.to_text(), soa.serial, soa.refresh, soa.retry,
           soa.expire, soa.minimum)
    assert got == fields
    if ttl is not None:
        assert rrset.ttl == ttl


def check_negative(m, apex, rc="NXDOMAIN", fields=AWS_SOA, ttl=900):
    """NXDOMAIN or NODATA: no answer, the zone's SOA alone in authority."""
    assert rcode(m) == rc, m
    check_resolver_flags(m)
    assert m.answer == [], m
    assert len(m.authority) == 1, m
    check_soa(m.authority[0], apex, fields, ttl)


CORP_SOA = ("ns1.corp.example.", "hostmaster.corp.example.", 2024010101, 3600, 900, 604800, 60)


# ======================================================================
# fixtures: the on-premises network and the prod VPC's resolver
# ======================================================================

@pytest.fixture(scope="module")
def nsd():
    n = Nsd()
    yield n
    n.stop()


class Env:
    pass


@pytest.fixture(scope="module")
def env(nsd):
    """dnsd serving the main world: 127.0.0.1 (prod VPC, the default VPC),
    127.0.0.2 (staging VPC) and the inbound endpoint 127.0.0.53; its
    --upstream is the fake internet."""
    # S3 with a gateway endpoint beside the interface endpoint: AWS's default
    # PrivateDnsOnlyForInboundResolverEndpoint (true) instead of the shipped false
    with open(os.path.join(ZONES, "prod-endpoints.yaml")) as f:
        endpoints = f.read()
    assert "PrivateDnsOnlyForInboundResolverEndpoint: false\n" in endpoints
    endpoints = endpoints.replace("      PrivateDnsOnlyForInboundResolverEndpoint: false\n", "")
    e = Env()
    e.world = shipped_world({"resolver.yaml": main_world_yaml(nsd.addr),
                             "prod-endpoints.yaml": endpoints})
    e.internet = FakeUpstream(internet, host="127.0.2.1")
    e.inbound = (INBOUND_HOST, free_port(INBOUND_HOST))
    e.qlog = os.path.join(e.world.dir, "query.log")
    try:
        e.dnsd = Dnsd(zones=e.world.dir, listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}"),
                      upstream=(e.internet.spec,),
                      args=["--inbound-port", str(e.inbound[1]), "--query-log", e.qlog,
                            "--query-log-format", "text"])
    except Exception:
        e.internet.stop()
        e.world.cleanup()
        raise
    e.prod = e.dnsd.addrs[0]
    e.staging = e.dnsd.addrs[1]
    e.nsd = nsd
    yield e
    try:
        e.dnsd.stop()
    finally:
        e.internet.stop()
        e.world.cleanup()


def test_dnsd_listens_on_the_inbound_endpoint_address(env):
    line = env.dnsd.wait_log("started: ")
    assert f"{INBOUND_HOST}:{env.inbound[1]}={PROD}(inbound)" in line, line
    assert env.prod[0] == "127.0.0.1" and env.staging[0] == "127.0.0.2"


# ======================================================================
# on premises <-> VPC through the endpoints (Unbound, NSD)
# ======================================================================

def test_onprem_unbound_resolves_vpc_names_through_inbound_endpoint__facts_s7(env):
    ub = Unbound(env.inbound, env.nsd)
    try:
        mark = len(file_lines(env.qlog))
        # the interface endpoint's private DNS name: the ENI addresses
        out = subprocess.run([tool("dig"), "-p", str(ub.port), "@" + ub.host, "+short",
                              "monitoring.us-east-2.amazonaws.com", "A"], capture_output=True,
                             text=True, timeout=10).stdout
        assert sorted(out.split()) == CW_ADDRS, out
        # the private hosted zone
        m = ub.query("www.corp.internal.")
        assert rcode(m) == "NOERROR" and addresses(m) == ["10.0.1.200"]
        assert 0 < answer_rrset(m).ttl <= 300
        # an alias to the endpoint: its addresses, TTL of the target (60)
        m = ub.query("api.corp.internal.")
        rr = answer_rrset(m)
        assert sorted(a.address for a in rr) == CW_ADDRS and 0 < rr.ttl <= 60
        # a CNAME inside the zone, followed by dnsd
        m = ub.query("db.corp.internal.", tcp=True)
        assert [r.rdtype for r in m.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
        assert m.answer[0][0].target == dns.name.from_text("www.corp.internal.")
        assert addresses(m) == ["10.0.1.200"]
        # no fallthrough: NXDOMAIN with the private zone's SOA
        m = ub.query("nosuch.corp.internal.")
        assert rcode(m) == "NXDOMAIN" and m.answer == []
        check_soa(m.authority[0], "corp.internal.")
        # S3 interface endpoint, PrivateDnsOnlyForInboundResolverEndpoint: on premises
        # gets the interface endpoint's addresses ...
        m = ub.query("s3.us-east-2.amazonaws.com.")
        assert sorted(addresses(m)) == S3_ADDRS, m
        # ... the VPC's EC2 names and their reverse
        m = ub.query("ip-10-0-7-8.us-east-2.compute.internal.")
        assert addresses(m) == ["10.0.7.8"]
        m = ub.query("8.7.0.10.in-addr.arpa.", "PTR")
        assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == \
            ["ip-10-0-7-8.us-east-2.compute.internal."]
        # corp.example. on premises comes from NSD directly
        m = ub.query("www.corp.example.")
        assert addresses(m) == ["192.0.2.10"]
        # dnsd saw Unbound's queries on the inbound endpoint, in the prod VPC
        line = wait_file_line(env.qlog, r"name=www\.corp\.internal\. type=A", after=mark)
        assert f"client={UNBOUND_HOST}:" in line and f"vpc={PROD}+inbound" in line, line
        assert "source=local" in line
        line = wait_file_line(env.qlog, r"name=s3\.us-east-2\.amazonaws\.com\. type=A", after=mark)
        assert f"vpc={PROD}+inbound" in line and "source=local" in line, line
        assert "s3.us-east-2.amazonaws.com." not in env.internet.names()
    finally:
        ub.stop()


def test_s3_inbound_only_private_dns_is_public_inside_the_vpc__facts_s3(env):
    # from inside the VPC: forwarded, the public answer
    m = env.dnsd.query("s3.us-east-2.amazonaws.com.", "A", addr=env.prod)
    check_a(m, "s3.us-east-2.amazonaws.com.", [INTERNET_A], ttl=300)
    assert env.internet.records("s3.us-east-2.amazonaws.com.")
    # through the inbound endpoint: the interface endpoint, answered locally
    m = env.dnsd.query("s3.us-east-2.amazonaws.com.", "A", addr=env.inbound)
    check_a(m, "s3.us-east-2.amazonaws.com.", S3_ADDRS, ttl=60)


def test_inbound_endpoint_answers_in_its_vpc(env):
    """dig straight at the inbound endpoint: the prod VPC's private names."""
    out = dig("+short", "monitoring.us-east-2.amazonaws.com", port=env.inbound[1],
              server=INBOUND_HOST)
    assert sorted(out.split()) == CW_ADDRS, out
    out = dig("+short", "www.corp.internal", port=env.inbound[1], server=INBOUND_HOST)
    assert out.split() == ["10.0.1.200"], out
    m = env.dnsd.query("metrics.corp.internal.", addr=env.inbound)
    assert [r.rdtype for r in m.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    assert m.answer[0].ttl == 120 and m.answer[1].ttl == 60
    assert sorted(addresses(m)) == CW_ADDRS


def test_vpc_client_reaches_corporate_server_through_forward_rule__facts_s7(env):
    mark = len(file_lines(env.qlog))
    out = dig("+short", "intranet.corp.example", port=env.prod[1], server=env.prod[0])
    assert out.split() == ["www.corp.example.", "192.0.2.10"], out
    m = env.dnsd.query("mail.corp.example.", addr=env.prod)
    check_a(m, "mail.corp.example.", ["192.0.2.25"], ttl=300)
    m = env.dnsd.query("mail.corp.example.", "AAAA", addr=env.prod, tcp=True)
    check_negative(m, "corp.example.", "NOERROR", CORP_SOA, ttl=60)
    m = env.dnsd.query("nosuch.corp.example.", addr=env.prod)
    check_negative(m, "corp.example.", "NXDOMAIN", CORP_SOA, ttl=60)
    line = wait_file_line(env.qlog, r"name=mail\.corp\.example\. type=A ", after=mark)
    assert f"vpc={PROD} " in line and "source=forward" in line, line
    assert "rcode=NOERROR" in line and "transport=UDP" in line and " size=0" not in line, line
    # the query log gives what the client got, not what was asked
    line = wait_file_line(env.qlog, r"name=nosuch\.corp\.example\. type=A ", after=mark)
    assert "rcode=NXDOMAIN" in line and "source=forward" in line, line
    line = wait_file_line(env.qlog, r"name=mail\.corp\.example\. type=AAAA ", after=mark)
    assert "transport=TCP" in line and "client=127.0.0.1" in line, line
    mark = len(file_lines(env.qlog))
    env.dnsd.query("nosuch.corp.example.", addr=env.prod)
    line = wait_file_line(env.qlog, r"name=nosuch\.corp\.example\. type=A ", after=mark)
    assert "rcode=NXDOMAIN" in line and "source=cache" in line, line
    assert not [n for n in env.internet.names() if n.endswith("corp.example.")]


# ======================================================================
# precedence: rules, private hosted zones, autodefined zones
# ======================================================================

TIE_SOA = ("ns1.corp.example.", "hostmaster.corp.example.", 2024010101, 3600, 900, 604800, 60)


def test_forward_rule_beats_private_zone_of_the_same_name__facts_s7(env):
    # the PHZ tie.example. says 10.0.9.60; the FORWARD rule for tie.example. wins
    m = env.dnsd.query("www.tie.example.", addr=env.prod)
    check_a(m, "www.tie.example.", ["192.0.2.60"], ttl=300)
    m = env.dnsd.query("nosuch.tie.example.", addr=env.prod)
    check_negative(m, "tie.example.", "NXDOMAIN", TIE_SOA, ttl=60)
    # the staging VPC has neither
    check_a(env.dnsd.query("www.tie.example.", addr=env.staging), "www.tie.example.",
            [INTERNET_A])


def test_system_rule_under_forward_rule_uncovers_private_zone__facts_s7(env):
    """FORWARD tie.example. and a PHZ tie.example.; SYSTEM sys.tie.example.:
    sys.* is resolved normally, so the PHZ answers (NXDOMAIN: no such name
    in it), although NSD (the rule's target) and the internet have it."""
    m = env.dnsd.query("www.sys.tie.example.", addr=env.prod)
    check_negative(m, "tie.example.")
    assert not env.internet.records("www.sys.tie.example.")


def test_forward_rule_beats_autodefined_reverse_zone__facts_s7(env):
    # 168.192.in-addr.arpa is autodefined; the FORWARD rule of that name wins
    m = env.dnsd.query("10.1.168.192.in-addr.arpa.", "PTR", addr=env.prod)
    assert rcode(m) == "NOERROR"
    rr = answer_rrset(m, "PTR")
    assert [r.target.to_text() for r in rr] == ["printer.corp.example."] and rr.ttl == 300
    m = env.dnsd.query("11.1.168.192.in-addr.arpa.", "PTR", addr=env.prod)
    check_negative(m, "168.192.in-addr.arpa.", "NXDOMAIN", CORP_SOA, ttl=60)
    # the staging VPC has no such rule: the autodefined zone answers the
    # IP name of the RFC 1918 address (VPC User Guide, "DNS hostnames")
    m = env.dnsd.query("10.1.168.192.in-addr.arpa.", "PTR", addr=env.staging)
    assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == \
        ["ip-192-168-1-10.us-east-2.compute.internal."]
    assert "10.1.168.192.in-addr.arpa." not in env.internet.names()


def test_more_specific_private_zone_inside_forward_rule__facts_s7(env):
    m = env.dnsd.query("www.sub.corp.example.", addr=env.prod)
    check_a(m, "www.sub.corp.example.", ["10.0.9.30"], ttl=300)      # NSD has 192.0.2.30
    # NSD has only.sub.corp.example; the PHZ does not: NXDOMAIN, no fallthrough
    m = env.dnsd.query("only.sub.corp.example.", addr=env.prod)
    check_negative(m, "sub.corp.example.")
    m = env.dnsd.query("www.sub.corp.example.", "TXT", addr=env.prod)
    check_negative(m, "sub.corp.example.", "NOERROR")


def test_system_rule_overrides_forward_rule_for_subdomain__facts_s7(env):
    # sys.corp.example: SYSTEM, no zone -> the --upstream (internet), not NSD (192.0.2.40)
    m = env.dnsd.query("www.sys.corp.example.", addr=env.prod)
    check_a(m, "www.sys.corp.example.", [INTERNET_A], ttl=300)
    assert len(env.internet.records("www.sys.corp.example.")) == 1
    # local.corp.example: SYSTEM and a private zone -> the private zone
    m = env.dnsd.query("www.local.corp.example.", addr=env.prod)
    check_a(m, "www.local.corp.example.", ["10.0.9.41"], ttl=300)
    m = env.dnsd.query("nosuch.local.corp.example.", addr=env.prod)
    check_negative(m, "local.corp.example.")
    assert not env.internet.records("www.local.corp.example.")
    # the parent is still forwarded to the corporate server
    m = env.dnsd.query("www.corp.example.", addr=env.prod)
    check_a(m, "www.corp.example.", ["192.0.2.10"])


def test_system_rule_names_never_reach_the_forward_target__facts_s7():
    """The corporate server is a recording fake here: nothing under the
    SYSTEM rule's domain is sent to it."""
    with FakeUpstream(answer_a("192.0.2.40"), host="127.0.2.3") as corp, \
            FakeUpstream(internet, host="127.0.2.1") as net, \
            shipped_world({"resolver.yaml": f"""\
ResolverRules:
  - {{DomainName: corp.example., RuleType: FORWARD, TargetIps: [{{Ip: 127.0.2.3, Port: {corp.port}}}],
     VPCIds: [{PROD}]}}
  - {{DomainName: sys.corp.example., RuleType: SYSTEM, VPCIds: [{PROD}]}}
"""}) as w, Dnsd(zones=w.dir, upstream=(net.spec,)) as d:
        for name in ("sys.corp.example.", "www.sys.corp.example.", "a.b.sys.corp.example."):
            check_a(d.query(name), name, [INTERNET_A], ttl=300)
        check_a(d.query("www.corp.example."), "www.corp.example.", ["192.0.2.40"], ttl=300)
        check_a(d.query("xsys.corp.example."), "xsys.corp.example.", ["192.0.2.40"])
        assert sorted(corp.names()) == ["www.corp.example.", "xsys.corp.example."]
        assert sorted(net.names()) == ["a.b.sys.corp.example.", "sys.corp.example.",
                                       "www.sys.corp.example."]


def test_no_fallthrough_inside_private_zone__facts_s7(env):
    m = env.dnsd.query("www.fall.example.", addr=env.prod)
    check_a(m, "www.fall.example.", ["10.0.9.50"], ttl=300)
    # the internet has every name, but the zone matches: NXDOMAIN with its SOA
    m = env.dnsd.query("other.fall.example.", addr=env.prod)
    check_negative(m, "fall.example.")
    m = env.dnsd.query("www.fall.example.", "AAAA", addr=env.prod)
    check_negative(m, "fall.example.", "NOERROR")
    m = env.dnsd.query("OTHER.Fall.Example.", addr=env.prod, tcp=True)
    check_negative(m, "fall.example.")
    assert not [n for n in env.internet.names() if n.endswith("fall.example.")]


def test_staging_vpc_sees_neither_private_zones_nor_rules__facts_s7(env):
    for name in ("www.corp.internal.", "www.corp.example.", "www.fall.example.",
                 "www.sys.corp.example.", "www.sub.corp.example."):
        m = env.dnsd.query(name, addr=env.staging)
        rrset = check_a(m, name, [INTERNET_A])
        # the internet's answer: fresh (300) or from the cache that an
        # earlier test's query filled, counted down
        assert 280 <= rrset.ttl <= 300, rrset
        assert len(env.internet.records(name)) >= 1
    # the staging VPC's own endpoint has private DNS off: forwarded too
    m = env.dnsd.query("monitoring.us-east-2.amazonaws.com.", addr=env.staging)
    check_a(m, "monitoring.us-east-2.amazonaws.com.", [INTERNET_A])


def test_staging_vpc_with_dead_upstream_gets_servfail(env):
    with Dnsd(zones=env.world.dir, listen=(f"127.0.0.2:0={STAGING}",),
              args=["--inbound-port", "0"]) as d:
        m = d.query("www.corp.internal.")
        assert rcode(m) == "SERVFAIL" and m.answer == []
        m = d.query("www.corp.example.")
        assert rcode(m) == "SERVFAIL" and m.answer == []


# ======================================================================
# autodefined: EC2 names, reverse zones, localhost
# ======================================================================

def test_ec2_ip_names_in_the_vpc__facts_s7(env):
    name = "ip-10-0-5-6.us-east-2.compute.internal."
    check_a(env.dnsd.query(name, addr=env.prod), name, ["10.0.5.6"], ttl=60)
    check_a(env.dnsd.query(name.upper(), addr=env.prod), name.upper(), ["10.0.5.6"], ttl=60)
    # never AAAA
    check_negative(env.dnsd.query(name, "AAAA", addr=env.prod),
                   "us-east-2.compute.internal.", "NOERROR")
    # another VPC's address in the Region resolves when it is RFC 1918 (VPC
    # User Guide, "DNS hostnames": "Private IP DNS name (IPv4 only)"); a
    # public address outside the VPC does not
    check_a(env.dnsd.query("ip-10-1-5-6.us-east-2.compute.internal.", addr=env.prod),
            "ip-10-1-5-6.us-east-2.compute.internal.", ["10.1.5.6"], ttl=60)
    check_a(env.dnsd.query(name, addr=env.staging), name, ["10.0.5.6"], ttl=60)
    for other in ("ip-192-0-2-1.us-east-2.compute.internal.",
                  "ip-100-64-0-1.us-east-2.compute.internal.",
                  "no-such-host.us-east-2.compute.internal."):
        check_negative(env.dnsd.query(other, addr=env.prod), "us-east-2.compute.internal.")
    check_a(env.dnsd.query("ip-10-1-5-6.us-east-2.compute.internal.", addr=env.staging),
            "ip-10-1-5-6.us-east-2.compute.internal.", ["10.1.5.6"], ttl=60)
    assert not [n for n in env.internet.names() if n.endswith("compute.internal.")]


def test_ec2_reverse_names__facts_s7(env):
    m = env.dnsd.query("6.5.0.10.in-addr.arpa.", "PTR", addr=env.prod)
    assert rcode(m) == "NOERROR"
    rr = answer_rrset(m, "PTR")
    assert [r.target.to_text() for r in rr] == ["ip-10-0-5-6.us-east-2.compute.internal."]
    assert rr.ttl == 60
    out = dig("+short", "-x", "10.0.255.254", port=env.prod[1], server=env.prod[0])
    assert out.split() == ["ip-10-0-255-254.us-east-2.compute.internal."], out
    # other RFC 1918 addresses (another VPC's instances): their IP names, from
    # the autodefined zones, never forwarded (VPC User Guide, "DNS hostnames")
    for name, vpc in (("6.5.1.10.in-addr.arpa.", env.prod),
                      ("1.0.20.172.in-addr.arpa.", env.prod),
                      ("1.0.31.172.in-addr.arpa.", env.prod),
                      ("1.1.168.192.in-addr.arpa.", env.staging),
                      ("6.5.0.10.in-addr.arpa.", env.staging)):
        o = name.split(".")[:4]
        m = env.dnsd.query(name, "PTR", addr=vpc)
        assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == \
            [f"ip-{o[3]}-{o[2]}-{o[1]}-{o[0]}.us-east-2.compute.internal."]
    # names in the zones that are no address: NXDOMAIN
    for name, apex in (("x.5.0.10.in-addr.arpa.", "0.10.in-addr.arpa."),
                       ("1.1.1.1.20.172.in-addr.arpa.", "20.172.in-addr.arpa.")):
        check_negative(env.dnsd.query(name, "PTR", addr=env.prod), apex)
    assert not [n for n in env.internet.names() if n.endswith(("10.in-addr.arpa.",
                                                                "172.in-addr.arpa."))]
    # public and 172.32/12 addresses are not autodefined: forwarded
    for name in ("8.8.8.8.in-addr.arpa.", "1.0.32.172.in-addr.arpa."):
        m = env.dnsd.query(name, "PTR", addr=env.prod)
        assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == [INTERNET_PTR]
        assert env.internet.records(name)


def test_localhost_is_autodefined__facts_s7(env):
    for addr in (env.prod, env.staging, env.inbound):
        check_a(env.dnsd.query("localhost.", addr=addr), "localhost.", ["127.0.0.1"])
        m = env.dnsd.query("localhost.", "AAAA", addr=addr)
        assert addresses(m, "AAAA") == ["::1"]
        m = env.dnsd.query("1.0.0.127.in-addr.arpa.", "PTR", addr=addr)
        assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == ["localhost."]
    assert "localhost." not in env.internet.names()


EAST1_WORLD = f"""\
Vpcs:
  - VpcId: {EAST1}
    CidrBlock: 172.31.0.0/16
    EnableDnsHostnames: true
    Subnets: [{{SubnetId: subnet-0e1e1e1e1e1e1e1e1, AvailabilityZone: us-east-1a, CidrBlock: 172.31.0.0/20}}]
"""


def test_us_east_1_names_and_dot_forward_rule__facts_s7():
    """us-east-1: ip-a-b-c-d.ec2.internal. A "." FORWARD rule takes every
    forwarded name but none of the autodefined ones."""
    with FakeUpstream(answer_a("192.0.2.77"), host="127.0.2.4") as dot, \
            FakeUpstream(internet, host="127.0.2.1") as net, \
            shipped_world({"east1.yaml": EAST1_WORLD, "rules.yaml": f"""\
ResolverEndpoints:
  - {{Id: rslvr-out-0e1e1e1e1e1e1e1e1, Direction: OUTBOUND, HostVPCId: {EAST1},
     IpAddresses: [{{Ip: 172.31.0.10}}, {{Ip: 172.31.1.10}}]}}
ResolverRules:
  - Id: rslvr-rr-0d0d0d0d0d0d0d0d1
    DomainName: "."
    RuleType: FORWARD
    TargetIps: [{{Ip: 127.0.2.4, Port: {dot.port}}}]
    ResolverEndpointId: rslvr-out-0e1e1e1e1e1e1e1e1
---
ResolverRuleAssociations:
  - {{ResolverRuleId: rslvr-rr-0d0d0d0d0d0d0d0d1, VPCId: {EAST1}, Status: COMPLETE}}
"""}) as w, Dnsd(zones=w.dir, listen=(f"127.0.0.3:0={EAST1}", "127.0.0.1:0"),
                upstream=(net.spec,), args=["--inbound-port", "0"]) as d:
        name = "ip-172-31-5-6.ec2.internal."
        check_a(d.query(name), name, ["172.31.5.6"], ttl=60)
        check_negative(d.query(name, "AAAA"), "ec2.internal.", "NOERROR")
        # every address of the VPC's CIDRs has a name, in a subnet or not;
        # an address outside them is NXDOMAIN inside the autodefined zone
        outside_subnet = "ip-172-31-200-6.ec2.internal."
        check_a(d.query(outside_subnet), outside_subnet, ["172.31.200.6"], ttl=60)
        # another RFC 1918 address resolves (another VPC's instance), a public one not
        check_a(d.query("ip-172-30-0-6.ec2.internal."), "ip-172-30-0-6.ec2.internal.",
                ["172.30.0.6"], ttl=60)
        check_negative(d.query("ip-192-0-2-6.ec2.internal."), "ec2.internal.")
        m = d.query("6.5.31.172.in-addr.arpa.", "PTR")
        rr = answer_rrset(m, "PTR")
        assert [r.target.to_text() for r in rr] == [name] and rr.ttl == 60
        m = d.query("1.1.168.192.in-addr.arpa.", "PTR")
        assert [r.target.to_text() for r in answer_rrset(m, "PTR")] == \
            ["ip-192-168-1-1.ec2.internal."]
        check_a(d.query("localhost."), "localhost.", ["127.0.0.1"])
        # not autodefined in us-east-1: forwarded by the "." rule, like any name
        for fwd in ("ip-172-31-5-6.us-east-1.compute.internal.", "www.example.com."):
            check_a(d.query(fwd), fwd, ["192.0.2.77"], ttl=300)
        assert sorted(dot.names()) == ["ip-172-31-5-6.us-east-1.compute.internal.",
                                       "www.example.com."]
        assert net.names() == []
        # the prod VPC (127.0.0.1) has no "." rule: its forwarded names go to --upstream
        check_a(d.query("www.example.com.", addr=d.addrs[1]), "www.example.com.", [INTERNET_A])
        assert net.names() == ["www.example.com."]


# ======================================================================
# cache
# ======================================================================

@pytest.fixture(scope="module")
def plain_world():
    w = shipped_world({})
    yield w
    w.cleanup()


def test_cached_answer_ttl_counts_down(plain_world):
    with FakeUpstream(internet) as net, Dnsd(zones=plain_world.dir, upstream=(net.spec,)) as d:
        check_a(d.query("cached.example."), "cached.example.", [INTERNET_A], ttl=300)
        t0 = time.monotonic()
        time.sleep(2.2)                 # the clock has to move: no server is awaited
        m = d.query("cached.example.")
        waited = time.monotonic() - t0
        rr = check_a(m, "cached.example.", [INTERNET_A])
        assert 300 - waited - 1 <= rr.ttl <= 298, (rr.ttl, waited)
        assert len(net.records("cached.example.")) == 1
        # over TCP, from the same cache entry
        m = d.query("cached.example.", tcp=True)
        assert answer_rrset(m).ttl <= 298 and len(net.records()) == 1


def negative_upstream(q, peer):
    """NXDOMAIN/NODATA with SOAs whose TTL and MINIMUM differ: the negative
    TTL is the smaller of the two (RFC 2308 §5)."""
    qname = q.question[0].name
    label = qname.labels[0].decode().lower()     # dnsd sends names in 0x20 case
    soa_ttl, minimum = {"nx-soa-ttl": (2, 600), "nx-minimum": (600, 2), "nx-long": (600, 600),
                        "nodata-minimum": (600, 2)}[label]
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    if not label.startswith("nodata"):
        r.set_rcode(dns.rcode.NXDOMAIN)
    r.authority.append(dns.rrset.from_text(
        "example.", soa_ttl, "IN", "SOA", f"ns.example. h.example. 1 3600 900 604800 {minimum}"))
    return r


def test_negative_answers_cached_for_min_of_soa_ttl_and_minimum(plain_world):
    names = ["nx-soa-ttl.example.", "nx-minimum.example.", "nodata-minimum.example.",
             "nx-long.example."]
    with FakeUpstream(negative_upstream) as up, \
            Dnsd(zones=plain_world.dir, upstream=(up.spec,)) as d:
        first = {}
        for name in names:
            m = d.query(name)
            first[name] = time.monotonic()
            assert rcode(m) == ("NOERROR" if name.startswith("nodata") else "NXDOMAIN"), m
            assert m.answer == [] and m.authority[0].rdtype == dns.rdatatype.SOA
        # at once again: from the cache, SOA TTL no more than the negative TTL
        for name in names:
            m = d.query(name)
            assert rcode(m) == ("NOERROR" if name.startswith("nodata") else "NXDOMAIN")
            ttl = m.authority[0].ttl
            assert ttl <= (600 if name == "nx-long.example." else 2), (name, ttl)
            assert len(up.records(name)) == 1, name
        # poll until the short ones expire: asked upstream again after ~2 s
        expired = {}
        deadline = time.monotonic() + 6
        while len(expired) < 3 and time.monotonic() < deadline:
            for name in names[:3]:
                if name not in expired:
                    d.query(name)
                    if len(up.records(name)) == 2:
                        expired[name] = time.monotonic() - first[name]
            time.sleep(0.1)
        for name in names[:3]:
            assert name in expired, (name, up.records())
            assert 1.5 <= expired[name] <= 3.5, (name, expired[name])
        # the 600 s one is still cached
        d.query("nx-long.example.")
        assert len(up.records("nx-long.example.")) == 1


def test_cache_size_zero_disables_the_cache(plain_world):
    with FakeUpstream(internet) as net, \
            Dnsd(zones=plain_world.dir, upstream=(net.spec,), args=["--cache-size", "0"]) as d:
        for i in range(3):
            check_a(d.query("nocache.example."), "nocache.example.", [INTERNET_A], ttl=300)
            assert len(net.records("nocache.example.")) == i + 1
        for i in range(2):
            assert rcode(d.query("nx-nocache.example.")) == "NXDOMAIN"
        assert len(net.records("nx-nocache.example.")) == 2


def test_forward_rule_answers_are_cached_too(env):
    before = len(env.internet.records())
    for _ in range(3):
        check_a(env.dnsd.query("www.sys.corp.example.", addr=env.prod),
                "www.sys.corp.example.", [INTERNET_A])
    assert len(env.internet.records()) == before
    assert len(env.internet.records("www.sys.corp.example.")) == 1


def test_local_answers_are_not_cached(plain_world):
    with FakeUpstream(internet) as net, Dnsd(zones=plain_world.dir, upstream=(net.spec,)) as d:
        for _ in range(3):
            check_a(d.query("ip-10-0-1-1.us-east-2.compute.internal."),
                    "ip-10-0-1-1.us-east-2.compute.internal.", ["10.0.1.1"], ttl=60)
        assert net.names() == []


def test_identical_concurrent_queries_go_upstream_once(plain_world):
    with FakeUpstream(internet, delay=0.4) as net, \
            Dnsd(zones=plain_world.dir, upstream=(net.spec,)) as d:
        socks = []
        try:
            queries = []
            for i in range(50):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(5)
                socks.append(s)
                q = dns.message.make_query("herd.example.", "A")
                queries.append(q)
            for s, q in zip(socks, queries):
                s.sendto(q.to_wire(), d.addrs[0])
            for s, q in zip(socks, queries):
                r = dns.message.from_wire(s.recv(65535))
                assert r.id == q.id
                check_a(r, "herd.example.", [INTERNET_A])
        finally:
            for s in socks:
                s.close()
        assert len(net.records("herd.example.")) == 1, net.records()


# ======================================================================
# forward targets: timeouts, failover, outbound endpoint address
# ======================================================================

def test_dead_forward_targets_servfail_within_the_timeout__facts_s7(nsd):
    s1, s2 = SilentTarget("127.0.3.1"), SilentTarget("127.0.3.2")
    try:
        rules = f"""\
ResolverRules:
  - {{DomainName: one.example., RuleType: FORWARD, VPCIds: [{PROD}],
     TargetIps: [{{Ip: {s1.host}, Port: {s1.port}}}]}}
  - {{DomainName: two.example., RuleType: FORWARD, VPCIds: [{PROD}],
     TargetIps: [{{Ip: {s1.host}, Port: {s1.port}}}, {{Ip: {s2.host}, Port: {s2.port}}}]}}
  - {{DomainName: corp.example., RuleType: FORWARD, VPCIds: [{PROD}],
     TargetIps: [{{Ip: {s2.host}, Port: {s2.port}}}, {{Ip: {nsd.host}, Port: {nsd.port}}}]}}
"""
        with FakeUpstream(internet) as net, shipped_world({"rules.yaml": rules}) as w, \
                Dnsd(zones=w.dir, upstream=(net.spec,), args=["--forward-timeout", "300"]) as d:
            m, t = timed_query(d, "www.one.example.")
            assert rcode(m) == "SERVFAIL" and m.answer == [] and m.authority == []
            assert 0.25 <= t <= 1.0, t
            m, t = timed_query(d, "www.two.example.")
            assert rcode(m) == "SERVFAIL" and m.answer == []
            assert 0.55 <= t <= 1.5, t
            # the first target silent, the next answers
            m, t = timed_query(d, "www.corp.example.")
            check_a(m, "www.corp.example.", ["192.0.2.10"], ttl=300)
            assert 0.25 <= t <= 1.2, t
            # each target got the query once, in order; the --upstream none
            assert s1.drain() == ["www.one.example.", "www.two.example."]
            assert s2.drain() == ["www.two.example.", "www.corp.example."]
            assert net.names() == []
    finally:
        s1.close()
        s2.close()


class TcUpstream(FakeUpstream):
    """Answers names starting with "big" with TC=1 over UDP, fully over TCP."""

    def __init__(self, host):
        super().__init__(self._handle, host=host, tcp=True)

    def _handle(self, q, peer):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.RA
        udp = threading.current_thread() is self.threads[0]
        if udp and q.question[0].name.labels[0].lower() == b"big":
            r.flags |= dns.flags.TC
        else:
            r.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "A", "192.0.2.88"))
        return r


def test_outbound_endpoint_address_is_the_source_of_forwarded_queries__facts_s7():
    with TcUpstream("127.0.2.9") as target, FakeUpstream(internet) as net, \
            shipped_world({"rules.yaml": f"""\
ResolverEndpoints:
  - Id: rslvr-out-0999999999999999a
    Direction: OUTBOUND
    HostVPCId: {PROD}
    IpAddresses: [{{Ip: 127.0.0.9}}, {{Ip: 10.0.1.250}}]
  - Id: rslvr-out-0999999999999999b
    Direction: OUTBOUND
    HostVPCId: {PROD}
    IpAddresses: [{{Ip: 10.0.2.250}}]      # not on this host: the kernel picks
ResolverRules:
  - {{DomainName: src.example., RuleType: FORWARD, VPCIds: [{PROD}],
     ResolverEndpointId: rslvr-out-0999999999999999a,
     TargetIps: [{{Ip: 127.0.2.9, Port: {target.port}}}]}}
  - {{DomainName: other.example., RuleType: FORWARD, VPCIds: [{PROD}],
     ResolverEndpointId: rslvr-out-0999999999999999b,
     TargetIps: [{{Ip: 127.0.2.9, Port: {target.port}}}]}}
"""}) as w, Dnsd(zones=w.dir, upstream=(net.spec,)) as d:
        check_a(d.query("www.src.example."), "www.src.example.", ["192.0.2.88"], ttl=300)
        check_a(d.query("big.src.example."), "big.src.example.", ["192.0.2.88"], ttl=300)
        check_a(d.query("www.other.example."), "www.other.example.", ["192.0.2.88"])
        check_a(d.query("www.example.org."), "www.example.org.", [INTERNET_A])
        seen = {(r[0], r[3]): r[1] for r in target.records()}
        assert seen == {("udp", "www.src.example."): "127.0.0.9",
                        ("udp", "big.src.example."): "127.0.0.9",
                        ("tcp", "big.src.example."): "127.0.0.9",      # the TC=1 retry
                        ("udp", "www.other.example."): "127.0.0.1"}, target.records()
        # the --upstream default is not an outbound endpoint's rule
        assert [(r[1], r[3]) for r in net.records()] == [("127.0.0.1", "www.example.org.")]


# ======================================================================
# definition errors
# ======================================================================

def line_of(text, needle):
    return text.splitlines().index(next(l for l in text.splitlines() if needle in l)) + 1


def check_definitions_error(files, expect):
    """dnsd --check and dnsd itself refuse the world with exactly this error
    (expect(path) -> the "file:line: error: ..." line)."""
    with shipped_world(files) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 1, out
        errors = [l for l in out.stderr.splitlines() if ": error: " in l]
        assert errors == [expect(os.path.join(w.dir, "resolver.yaml"))], out.stderr
        assert out.stderr.splitlines()[-1] == f"dnsd: {w.dir}: 1 error, 0 warnings"
        d = Dnsd(zones=w.dir, expect_start=False)
        rc = d.proc.wait(10)
        d.stop()
        assert rc == 1
        assert expect(os.path.join(w.dir, "resolver.yaml")) in d.log()


def test_private_zone_named_like_an_endpoint_hidden_zone_is_conflicting_domain__facts_s7():
    text = f"""\
HostedZones:
  - Id: /hostedzone/Z0123456789ABCDEFGHIJ
    Name: monitoring.us-east-2.amazonaws.com.
    VPCIds: [{PROD}]
"""
    check_definitions_error({"resolver.yaml": text}, lambda path: (
        f"{path}:2: error: ConflictingDomainExists: The VPC {PROD} in region us-east-2 has "
        "already been associated with the hosted zone Z0123456789ABCDEFGHIJ with the same "
        "domain name. (vpce-099deb00b40f00e22 (com.amazonaws.us-east-2.monitoring) private DNS)"))
    # the same zone in the staging VPC (its endpoint has private DNS off) is fine
    with shipped_world({"resolver.yaml": text.replace(PROD, STAGING)}) as w:
        out = run_dnsd(["--check", "--zones", w.dir])
        assert out.returncode == 0, out.stderr


def test_two_rules_for_one_domain_in_one_vpc__facts_s7():
    text = f"""\
ResolverRules:
  - Id: rslvr-rr-1111111111111111a
    DomainName: corp.example.
    RuleType: FORWARD
    TargetIps: [{{Ip: 127.0.1.1}}]
    VPCIds: [{PROD}]
  - Id: rslvr-rr-2222222222222222b
    DomainName: CORP.example
    RuleType: SYSTEM
    VPCIds: [{PROD}, {STAGING}]
"""
    first = line_of(text, "rslvr-rr-1111111111111111a")
    second = line_of(text, "[" + PROD + ", " + STAGING + "]")
    check_definitions_error({"resolver.yaml": text}, lambda path: (
        f"{path}:{second}: error: resolver rules rslvr-rr-2222222222222222b and "
        f"rslvr-rr-1111111111111111a ({path}:{first + 4}) are both for corp.example. in {PROD}: "
        "Cannot associate rules with same domain name with same VPC."))


def test_rule_association_to_unknown_vpc__facts_s7():
    text = f"""\
ResolverRules:
  - Id: rslvr-rr-1111111111111111a
    DomainName: corp.example.
    RuleType: SYSTEM
---
ResolverRuleAssociations:
  - Id: rslvr-rrassoc-0123456789abcdef0
    ResolverRuleId: rslvr-rr-1111111111111111a
    VPCId: {PROD}
    Status: COMPLETE
  - Id: rslvr-rrassoc-0123456789abcdef1
    ResolverRuleId: rslvr-rr-1111111111111111a
    VPCId: vpc-0ffffffffffffffff
    Status: COMPLETE
"""
    check_definitions_error({"resolver.yaml": text}, lambda path: (
        f"{path}:{line_of(text, 'rslvr-rrassoc-0123456789abcdef1')}: error: rule association: "
        "vpc-0ffffffffffffffff is not defined"))
