# tests/integration/test_forward.py - names dnsd does not hold go to a real upstream on loopback.
"""Forwarding: a real NSD on 127.0.0.1 serves corp.example.; dnsd forwards
to it and must hand back the same data under the client's ID, question and
EDNS. Fake upstreams written here (a socket that never answers, one that
sends spoofed replies first, one that records source ports and IDs) test
timeouts, failover and RFC 5452 defences. Nothing leaves the loopback.
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest
import selectors

from tests.integration.harness import DEAD_UPSTREAM, Dnsd, World, tool

NSD = "/usr/sbin/nsd"
QR, AA, TC, RD, RA, Z, AD, CD = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010

SMALL_WORLD = """\
Vpcs:
  - VpcId: vpc-0a1b2c3d
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets: [{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]
    VpcEndpoints:
      - VpcEndpointId: vpce-099deb00b40f00e22
        ServiceName: com.amazonaws.us-east-2.monitoring
        NetworkInterfaces: [{AvailabilityZone: us-east-2a, PrivateIpAddress: 10.0.1.42}]
"""

# 8 strings of 200: ~1.7 kB, over 1232 (UDP truncates); 3 of 200: ~700 bytes
BIG_TXT = ["%s" % (chr(ord("a") + i) * 200) for i in range(8)]
MED_TXT = ["%s" % (chr(ord("k") + i) * 200) for i in range(3)]
MULTI = ["192.0.2.21", "192.0.2.22", "192.0.2.23", "192.0.2.24", "192.0.2.25"]

ZONE = """\
$ORIGIN corp.example.
$TTL 300
@     IN SOA ns1.corp.example. hostmaster.corp.example. 2024010101 3600 900 604800 60
@     IN NS  ns1
ns1   IN A   192.0.2.1
www   IN A   192.0.2.10
www   IN AAAA 2001:db8::10
""" + "".join("multi IN A %s\n" % a for a in MULTI) \
    + "".join('big IN TXT "%s"\n' % s for s in BIG_TXT) \
    + "".join('med IN TXT "%s"\n' % s for s in MED_TXT)




def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


class Nsd:
    """NSD in the foreground on 127.0.0.1:port, serving corp.example."""

    def __init__(self):
        if not os.access(NSD, os.X_OK):
            raise RuntimeError(NSD + " is not installed")
        self.dir = tempfile.mkdtemp(prefix="dnsd-nsd-")
        self.port = free_port()
        with open(os.path.join(self.dir, "corp.example.zone"), "w") as f:
            f.write(ZONE)
        conf = os.path.join(self.dir, "nsd.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    ip-address: 127.0.0.1@{self.port}
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
    # NSD's own OPT says 4096: dnsd's (1232) must replace it
    ipv4-edns-size: 4096
zone:
    name: corp.example
    zonefile: corp.example.zone
remote-control:
    control-enable: no
""")
        self.log = open(os.path.join(self.dir, "nsd.log"), "w+")
        self.proc = subprocess.Popen([NSD, "-d", "-c", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("nsd exited: " + self.read_log())
            try:
                r = dns.query.udp(dns.message.make_query("corp.example.", "SOA"), "127.0.0.1",
                                  port=self.port, timeout=0.2)
                if r.rcode() == 0 and r.answer:
                    break
            except (dns.exception.Timeout, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("nsd did not answer within 15 s: " + self.read_log())

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def query(self, name, rdtype, tcp=False, **kw):
        q = dns.message.make_query(name, rdtype, **kw)
        if tcp:
            return dns.query.tcp(q, "127.0.0.1", port=self.port, timeout=3)
        return dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3, ignore_trailing=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def nsd():
    n = Nsd()
    yield n
    n.stop()


@pytest.fixture(scope="module")
def world():
    w = World({"world.yaml": SMALL_WORLD})
    yield w
    w.cleanup()


class FakeUpstream:
    """A UDP "resolver" on 127.0.0.1 run by a thread: handler(sock, query
    message, raw query, client addr) replies however the test wants; every
    query's source port, ID, name and flags are recorded."""

    def __init__(self, handler=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.handler = handler or answer_a("192.0.2.99")
        self.seen = []
        self.errors = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def _run(self):
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
            with self.lock:
                self.seen.append((peer[1], q.id, q.question[0].name, q.flags, q.edns, q.payload))
            try:
                self.handler(self.sock, q, wire, peer)
            except Exception as e:      # the test sees it in .errors
                self.errors.append(repr(e))

    def records(self):
        with self.lock:
            return list(self.seen)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def reply_to(q, address, name=None, rid=None, qr=True, opt_options=None):
    """An A answer to q (or to name) as wire bytes."""
    base = q
    if name is not None:
        base = dns.message.make_query(name, q.question[0].rdtype)
        base.id = q.id
    r = dns.message.make_response(base)
    r.flags |= dns.flags.AA
    if not qr:
        r.flags &= ~dns.flags.QR
    if rid is not None:
        r.id = rid
    r.answer.append(dns.rrset.from_text(base.question[0].name, 60, "IN", "A", address))
    if opt_options is not None:
        r.use_edns(0, 0, 4096, options=opt_options)
    return r.to_wire()


def answer_a(address):
    def handler(sock, q, wire, peer):
        sock.sendto(reply_to(q, address), peer)
    return handler


def silent_socket():
    """A bound UDP socket on loopback that never reads: an upstream that never answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s, "127.0.0.1:%d" % s.getsockname()[1]


def hdr(wire):
    return struct.unpack("!6H", wire[:12])


def raw_query(d, q, timeout=5):
    """Send a dnspython message over UDP; return (reply wire, seconds)."""
    wire = q.to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        start = time.monotonic()
        s.sendto(wire, d.addrs[0])
        while True:
            r = s.recv(65535)
            if r[:2] == wire[:2]:
                return r, time.monotonic() - start


def assert_question_echoed(q, reply):
    wire = q.to_wire()
    n = len(q.question[0].name.to_wire()) + 4
    assert reply[12:12 + n] == wire[12:12 + n]


def mixed_case(name):
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(name))


def section_text(rrsets):
    return sorted(r.to_text().lower() for r in rrsets)


# ======================================================================
# forwarding to NSD
# ======================================================================

@pytest.mark.parametrize("edns,do", [(False, False), (True, False), (True, True)])
def test_forwarded_answer_matches_upstream(nsd, world, edns, do):
    direct = nsd.query("www.corp.example.", "A", use_edns=0)
    assert direct.flags & dns.flags.AA and direct.payload == 4096
    with Dnsd(zones=world.dir, upstream=[nsd.addr]) as d:
        if edns:
            q = dns.message.make_query(mixed_case("www.corp.example."), "A", use_edns=0,
                                       payload=4096, want_dnssec=do)
        else:
            q = dns.message.make_query(mixed_case("www.corp.example."), "A")
            assert q.edns == -1
        q.id = 0x5a5a
        r, _ = raw_query(d, q)
        assert_question_echoed(q, r)
        rid, flags, qd, an, ns, ar = hdr(r)
        assert rid == 0x5a5a
        assert flags == QR | RD | RA, hex(flags)          # AA cleared: dnsd is a resolver
        m = dns.message.from_wire(r)
        assert m.rcode() == 0
        assert section_text(m.answer) == section_text(direct.answer)
        assert [a.address for a in m.answer[0]] == ["192.0.2.10"]
        # NSD adds its NS set and the glue: scrubbed from a positive answer,
        # as Unbound does (iter-scrub-promiscuous)
        assert direct.authority[0].rdtype == dns.rdatatype.NS and direct.additional
        assert m.authority == [] and m.additional == []
        if edns:
            # one OPT, dnsd's: its size, no options, DO as the client set it
            assert ar == 1
            assert m.edns == 0 and m.payload == 1232 and len(m.options) == 0
            assert bool(m.ednsflags & dns.flags.DO) == do
        else:
            assert ar == 0 and m.edns == -1


def test_forwarded_over_tcp_and_by_dig(nsd, world):
    with Dnsd(zones=world.dir, upstream=[nsd.addr]) as d:
        m = d.query("multi.corp.example.", "A", tcp=True)
        assert m.rcode() == 0 and sorted(a.address for a in m.answer[0]) == MULTI
        m = d.query("www.corp.example.", "AAAA")
        assert [a.address for a in m.answer[0]] == ["2001:db8::10"]
        out = subprocess.run([tool("dig"), "-p", str(d.port), "@127.0.0.1", "multi.corp.example",
                              "A", "+short"], capture_output=True, text=True, timeout=10).stdout
        assert sorted(out.split()) == MULTI
        out = subprocess.run([tool("kdig"), "-p", str(d.port), "@127.0.0.1", "www.corp.example",
                              "A", "+short"], capture_output=True, text=True, timeout=10).stdout
        assert out.split() == ["192.0.2.10"]


def test_forwarded_nxdomain_and_nodata(nsd, world):
    with Dnsd(zones=world.dir, upstream=[nsd.addr]) as d:
        for name, rdtype, rcode in (("nosuch.corp.example.", "A", dns.rcode.NXDOMAIN),
                                    ("www.corp.example.", "TXT", dns.rcode.NOERROR)):
            direct = nsd.query(name, rdtype)
            m = d.query(mixed_case(name), rdtype)
            assert m.rcode() == rcode == direct.rcode()
            assert m.answer == [] and m.flags & dns.flags.AA == 0
            assert section_text(m.authority) == section_text(direct.authority)
            assert m.authority[0].rdtype == dns.rdatatype.SOA


def test_local_names_are_not_forwarded(world):
    with FakeUpstream() as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        out = subprocess.run([d.cmd[0], "--check", "--zones", world.dir], capture_output=True,
                             text=True, timeout=10).stdout
        local = [l.split()[0] for l in out.splitlines()
                 if l.startswith("vpce-099deb00b40f00e22-") and "\tA\t" in l][0]
        m = d.query(local, "A")
        assert [a.address for a in m.answer[0]] == ["10.0.1.42"]
        assert up.records() == []
        m = d.query("elsewhere.example.", "A")
        assert [a.address for a in m.answer[0]] == ["192.0.2.99"]
        recs = up.records()
        assert len(recs) == 1 and recs[0][2] == dns.name.from_text("elsewhere.example.")
        assert recs[0][3] & dns.flags.RD


def test_forwarded_flags(world):
    """The upstream is asked with RD (and the client's CD); the client gets
    its own RD and CD back, RA, and no AA even though the upstream set it."""
    with FakeUpstream() as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        for qflags in (RD, 0, CD, RD | CD):
            q = dns.message.make_query("flags.example.", "A")
            q.flags = qflags
            r, _ = raw_query(d, q)
            assert hdr(r)[1] == QR | RA | qflags, (hex(qflags), hex(hdr(r)[1]))
            assert up.records()[-1][3] & (RD | CD | QR) == RD | (qflags & CD)


# ======================================================================
# truncation: TCP retry upstream, the client's own limit
# ======================================================================

def test_truncated_upstream_retried_over_tcp(nsd, world):
    # precondition: NSD truncates this answer over UDP at dnsd's 1232
    direct = nsd.query("big.corp.example.", "TXT", use_edns=0, payload=1232)
    assert direct.flags & dns.flags.TC and not direct.answer
    full = nsd.query("big.corp.example.", "TXT", tcp=True)
    assert sorted(s.decode() for r in full.answer[0] for s in r.strings) == sorted(BIG_TXT)
    with Dnsd(zones=world.dir, upstream=[nsd.addr]) as d:
        q = dns.message.make_query("BIG.corp.example.", "TXT")
        q.id = 0x7777
        m = dns.query.tcp(q, "127.0.0.1", port=d.port, timeout=5)
        assert m.id == 0x7777 and m.rcode() == 0 and not m.flags & dns.flags.TC
        assert sorted(s.decode() for r in m.answer[0] for s in r.strings) == sorted(BIG_TXT)
        assert m.question[0].name.to_text() == "BIG.corp.example."
        # UDP without EDNS: does not fit 512 -> TC, header and question only
        r, _ = raw_query(d, q)
        rid, flags, qd, an, ns, ar = hdr(r)
        assert rid == 0x7777 and flags == QR | RD | RA | TC, hex(flags)
        assert (qd, an, ns, ar) == (1, 0, 0, 0)
        assert r[12:] == q.to_wire()[12:]
        # UDP with EDNS 4096: still over dnsd's 1232 -> TC with dnsd's OPT
        q = dns.message.make_query("big.corp.example.", "TXT", use_edns=0, payload=4096)
        r, _ = raw_query(d, q)
        rid, flags, qd, an, ns, ar = hdr(r)
        assert flags & TC and (qd, an, ns, ar) == (1, 0, 0, 1)
        m = dns.message.from_wire(r)
        assert m.payload == 1232 and m.rcode() == 0
        # dig falls back to TCP by itself
        out = subprocess.run([tool("dig"), "-p", str(d.port), "@127.0.0.1", "big.corp.example",
                              "TXT", "+noedns"], capture_output=True, text=True,
                             timeout=10).stdout
        assert "ANSWER: 8," in out, out


@pytest.mark.parametrize("edns,payload,truncated", [(None, 512, True), (0, 512, True),
                                                    (0, 600, True), (0, 1232, False),
                                                    (0, 4096, False)])
def test_forwarded_reply_uses_client_udp_limit(nsd, world, edns, payload, truncated):
    """med.corp.example TXT is ~700 bytes: over 512 and 600, under 1232."""
    with Dnsd(zones=world.dir, upstream=[nsd.addr]) as d:
        if edns is None:
            q = dns.message.make_query("med.corp.example.", "TXT")
            assert q.edns == -1
        else:
            q = dns.message.make_query("med.corp.example.", "TXT", use_edns=edns, payload=payload)
        r, _ = raw_query(d, q)
        rid, flags, qd, an, ns, ar = hdr(r)
        assert 512 < 700 and bool(flags & TC) == truncated, hex(flags)
        if truncated:
            assert (qd, an, ns, ar) == (1, 0, 0, 0 if edns is None else 1)
            assert len(r) <= max(512, payload)
        else:
            m = dns.message.from_wire(r)
            assert sorted(s.decode() for x in m.answer[0] for s in x.strings) == sorted(MED_TXT)
            assert 512 < len(r) <= min(payload, 1232)
        m = d.query("med.corp.example.", "TXT", tcp=True)
        assert len(m.answer[0]) == 3


# ======================================================================
# failing upstreams
# ======================================================================

def servfail_checks(q, r):
    rid, flags, qd, an, ns, ar = hdr(r)
    assert rid == q.id and flags & 0xf == dns.rcode.SERVFAIL, hex(flags)
    assert flags & (QR | RA | RD | AA | TC) == QR | RA | RD, hex(flags)
    assert (qd, an, ns) == (1, 0, 0)
    assert_question_echoed(q, r)


@pytest.mark.parametrize("which", ["port 9", "unused port"])
def test_dead_upstream_servfail_fast(world, which):
    target = DEAD_UPSTREAM if which == "port 9" else "127.0.0.1:%d" % free_port()
    with Dnsd(zones=world.dir, upstream=[target]) as d:   # --forward-timeout: 1500 ms
        for tcp in (False, True):
            q = dns.message.make_query(mixed_case("www.corp.example."), "A")
            start = time.monotonic()
            if tcp:
                m = dns.query.tcp(q, "127.0.0.1", port=d.port, timeout=5)
                assert m.rcode() == dns.rcode.SERVFAIL and m.id == q.id
            else:
                r, _ = raw_query(d, q)
                servfail_checks(q, r)
            assert time.monotonic() - start < 1.0      # ICMP unreachable, not the timeout


def test_silent_upstream_servfail_after_timeout(world):
    s, addr = silent_socket()
    try:
        with Dnsd(zones=world.dir, upstream=[addr], args=["--forward-timeout", "300"]) as d:
            q = dns.message.make_query("www.corp.example.", "A")
            r, t = raw_query(d, q)
            servfail_checks(q, r)
            assert 0.25 <= t <= 1.2, t
            m = d.query("www.corp.example.", "A", tcp=True)
            assert m.rcode() == dns.rcode.SERVFAIL
    finally:
        s.close()


def test_two_silent_upstreams_servfail_after_two_timeouts(world):
    s1, a1 = silent_socket()
    s2, a2 = silent_socket()
    try:
        with Dnsd(zones=world.dir, upstream=[a1, a2], args=["--forward-timeout", "300"]) as d:
            q = dns.message.make_query("www.corp.example.", "A", use_edns=0)
            r, t = raw_query(d, q)
            servfail_checks(q, r)
            assert 0.55 <= t <= 1.5, t
            m = dns.message.from_wire(r)
            assert m.edns == 0 and m.payload == 1232
    finally:
        s1.close()
        s2.close()


def test_truncating_upstream_without_tcp_servfail(world):
    """An upstream that always sets TC over UDP and has no TCP: SERVFAIL at
    once (the TCP retry is refused), not a truncated or empty answer."""
    def handler(sock, q, wire, peer):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.TC
        sock.sendto(r.to_wire(), peer)

    with FakeUpstream(handler) as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        for tcp in (False, True):
            q = dns.message.make_query("tc.example.", "A")
            start = time.monotonic()
            if tcp:
                m = dns.query.tcp(q, "127.0.0.1", port=d.port, timeout=5)
                assert m.rcode() == dns.rcode.SERVFAIL
            else:
                r, _ = raw_query(d, q)
                servfail_checks(q, r)
            assert time.monotonic() - start < 1.0


def test_tcp_client_gone_before_the_answer(world):
    """A TCP client that closes while its query waits on a silent upstream:
    the late SERVFAIL has nowhere to go, and dnsd carries on."""
    s, addr = silent_socket()
    try:
        with Dnsd(zones=world.dir, upstream=[addr], args=["--forward-timeout", "300"]) as d:
            for i in range(5):
                c = socket.create_connection(d.addrs[0], timeout=3)
                q = dns.message.make_query("gone%d.example." % i, "A").to_wire()
                c.sendall(struct.pack("!H", len(q)) + q)
                c.close()
            # after the timeouts have fired, dnsd still answers on UDP and TCP
            q = dns.message.make_query("after.example.", "A")
            r, t = raw_query(d, q)
            servfail_checks(q, r)
            m = d.query("after2.example.", "A", tcp=True)
            assert m.rcode() == dns.rcode.SERVFAIL
            assert d.proc.poll() is None
    finally:
        s.close()


def test_silent_then_nsd_fails_over(nsd, world):
    s, addr = silent_socket()
    try:
        with Dnsd(zones=world.dir, upstream=[addr, nsd.addr],
                  args=["--forward-timeout", "300"]) as d:
            q = dns.message.make_query("www.corp.example.", "A")
            r, t = raw_query(d, q)
            m = dns.message.from_wire(r)
            assert m.rcode() == 0 and [a.address for a in m.answer[0]] == ["192.0.2.10"]
            assert 0.25 <= t <= 1.2, t
            # TCP clients get the same, also after one timeout
            start = time.monotonic()
            m = d.query("big.corp.example.", "TXT", tcp=True, timeout=5)
            assert len(m.answer[0]) == 8
            assert 0.25 <= time.monotonic() - start <= 1.5
    finally:
        s.close()


def test_dead_then_nsd_fails_over_at_once(nsd, world):
    with Dnsd(zones=world.dir, upstream=[DEAD_UPSTREAM, nsd.addr]) as d:
        q = dns.message.make_query("multi.corp.example.", "A")
        r, t = raw_query(d, q)
        m = dns.message.from_wire(r)
        assert sorted(a.address for a in m.answer[0]) == MULTI
        assert t < 1.0, t       # well under the 1500 ms forward timeout


# ======================================================================
# anti-spoofing (RFC 5452)
# ======================================================================

def test_spoofed_replies_ignored(world):
    """Wrong ID, wrong question name, type or class, QR clear and a reply
    from another port all come first; only the real one is used."""
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.1", 0))

    def handler(sock, q, wire, peer):
        sock.sendto(reply_to(q, "192.0.2.66", rid=q.id ^ 0x5555), peer)
        sock.sendto(reply_to(q, "192.0.2.67", name="evil.example."), peer)
        for rdtype, rdclass in (("AAAA", "IN"), ("A", "CH")):
            other_q = dns.message.make_query(q.question[0].name, rdtype, rdclass)
            other_q.id = q.id
            wrong = dns.message.make_response(other_q)    # still an A answer
            wrong.answer.append(dns.rrset.from_text(q.question[0].name, 60, "IN", "A",
                                                    "192.0.2.68"))
            sock.sendto(wrong.to_wire(), peer)
        sock.sendto(reply_to(q, "192.0.2.69", qr=False), peer)
        other.sendto(reply_to(q, "192.0.2.70"), peer)
        sock.sendto(reply_to(q, "192.0.2.99"), peer)

    try:
        with FakeUpstream(handler) as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
            for i in range(5):
                q = dns.message.make_query(mixed_case("target%d.spoof.example." % i), "A")
                r, _ = raw_query(d, q)
                m = dns.message.from_wire(r)
                assert m.id == q.id and m.rcode() == 0
                assert [a.address for rr in m.answer for a in rr] == ["192.0.2.99"]
                assert_question_echoed(q, r)
            assert len(up.records()) == 5 and up.errors == []
    finally:
        other.close()


def test_upstream_opt_replaced(world):
    """The upstream's OPT (size 4096, an NSID option) is not passed on."""
    nsid = dns.edns.GenericOption(dns.edns.NSID, b"fake-upstream")

    def handler(sock, q, wire, peer):
        sock.sendto(reply_to(q, "192.0.2.99", opt_options=[nsid]), peer)

    with FakeUpstream(handler) as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        m = d.query("opt.example.", "A", use_edns=0, payload=4096)
        assert m.edns == 0 and m.payload == 1232 and len(m.options) == 0
        assert [a.address for a in m.answer[0]] == ["192.0.2.99"]
        q = dns.message.make_query("opt2.example.", "A")
        r, _ = raw_query(d, q)
        assert hdr(r)[5] == 0                     # no EDNS from the client: no OPT
        m = dns.message.from_wire(r)
        assert m.edns == -1 and [a.address for a in m.answer[0]] == ["192.0.2.99"]


def letters_mixed(name):
    """Both upper- and lower-case letters in the name as it arrived."""
    text = b"".join(name.labels).decode("ascii", "replace")
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def test_ids_ports_and_0x20_over_1000_queries(world):
    """1,000 forwarded queries (issue 10: 974 ports, 991 IDs, all lower case
    before): at least 995 distinct source ports and IDs, the letters of
    every name in mixed case, and each client's own case back."""
    with FakeUpstream() as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            for i in range(1000):
                q = dns.message.make_query("q%d.spread.example." % i, "A")
                s.sendto(q.to_wire(), d.addrs[0])
                for _ in range(5):
                    r = s.recv(65535)
                    if r[:2] == q.to_wire()[:2]:
                        break
                else:
                    raise AssertionError("no answer for query %d" % i)
                assert_question_echoed(q, r)
                assert dns.message.from_wire(r).rcode() == 0
        recs = up.records()
    assert len(recs) == 1000
    ports = {r[0] for r in recs}
    ids = {r[1] for r in recs}
    mixed = sum(letters_mixed(r[2]) for r in recs)
    print("1000 forwarded queries: %d distinct source ports, %d distinct IDs, %d names in "
          "mixed case" % (len(ports), len(ids), mixed))
    assert len(ports) >= 995, len(ports)
    assert len(ids) >= 995, len(ids)
    assert mixed == 1000
    # not a counter either
    steps = {(b[1] - a[1]) & 0xffff for a, b in zip(recs, recs[1:])}
    assert len(steps) >= 950, len(steps)      # random: ~992; a counter: 1


def test_names_without_letters_go_as_they_are(world):
    with FakeUpstream() as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        m = d.query("1.2-3.4.", "A")
        assert [a.address for a in m.answer[0]] == ["192.0.2.99"]
        assert up.records()[0][2].to_wire() == b"\x011\x032-3\x014\x00"


def echo_lowered(sock, q, wire, peer):
    """An upstream that answers with the question in lower case."""
    r = dns.message.from_wire(reply_to(q, "192.0.2.99"))
    lower = dns.name.from_text(q.question[0].name.to_text().lower())
    r.question[0] = dns.rrset.RRset(lower, dns.rdataclass.IN, dns.rdatatype.A)
    r.answer[0] = dns.rrset.from_text(lower, 60, "IN", "A", "192.0.2.99")
    sock.sendto(r.to_wire(), peer)


def test_upstream_that_loses_the_case_falls_back(world):
    """A reply in another case is not the answer; when the upstream never
    echoes the case, dnsd asks it again without 0x20 (after the timeout)
    and then keeps asking it in lower case (as Unbound's caps fallback)."""
    with FakeUpstream(echo_lowered) as up, \
            Dnsd(zones=world.dir, upstream=[up.addr], args=["--forward-timeout", "300"]) as d:
        q = dns.message.make_query("first.fallback.example.", "A")
        r, t = raw_query(d, q)
        m = dns.message.from_wire(r)
        assert m.rcode() == 0 and [a.address for a in m.answer[0]] == ["192.0.2.99"]
        assert 0.25 <= t <= 1.2, t
        names = [x[2].to_text() for x in up.records()]
        assert len(names) == 2 and letters_mixed(up.records()[0][2]), names
        assert names[1] == "first.fallback.example."
        d.wait_log(r"does not echo the letter case .*; asking it without for 15 minutes")
        for i in range(5):
            q = dns.message.make_query("next%d.fallback.example." % i, "A")
            r, t = raw_query(d, q)
            assert dns.message.from_wire(r).rcode() == 0 and t < 0.25
        names = [x[2].to_text() for x in up.records()[2:]]
        assert names == ["next%d.fallback.example." % i for i in range(5)]


def test_forged_reply_in_another_case_is_ignored(world):
    """A forger who got the ID and port right but not the case: its reply
    is ignored, the real one (echoing the case) is used, and 0x20 stays on."""
    def handler(sock, q, wire, peer):
        forged = dns.message.from_wire(reply_to(q, "6.6.6.6"))
        name = dns.name.from_text(q.question[0].name.to_text().swapcase())
        forged.question[0] = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.A)
        sock.sendto(forged.to_wire(), peer)
        sock.sendto(reply_to(q, "192.0.2.99"), peer)

    with FakeUpstream(handler) as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        for i in range(20):
            m = d.query("forged%d.example." % i, "A")
            assert [a.address for a in m.answer[0]] == ["192.0.2.99"]
        recs = up.records()
        assert len(recs) == 20 and all(letters_mixed(r[2]) for r in recs)
        assert "does not echo" not in d.log()


# ======================================================================
# scrubbing what upstreams send (Unbound's iter_scrub.c, for a forwarder)
# ======================================================================

VPC = "vpc-0a1b2c3d"
KMS = "kms.us-east-2.amazonaws.com."

SCRUB_WORLD = """\
Vpcs:
  - VpcId: vpc-0a1b2c3d
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets: [{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]
    VpcEndpoints:
      - VpcEndpointId: vpce-099deb00b40f00e22
        ServiceName: com.amazonaws.us-east-2.kms
        NetworkInterfaces: [{SubnetId: subnet-a, PrivateIpAddress: 10.0.1.42}]
  - VpcId: vpc-0e0e0e0e               # two VPCs: no default, 127.0.0.1 is outside
    CidrBlock: 10.1.0.0/16
"""

RULE = """\
ResolverRules:
  - {DomainName: corp.example., RuleType: FORWARD, VPCIds: [vpc-0a1b2c3d],
     TargetIps: [%s]}
"""


def rrs(section):
    return sorted((r.name.to_text().lower(), dns.rdatatype.to_text(r.rdtype),
                   sorted(x.to_text().lower() for x in r)) for r in section)


def forging(sock, q, wire, peer):
    """Answers every name, and adds what a hostile upstream would: a forged
    A for a name dnsd serves, out-of-zone NS and glue; alias.* is a CNAME
    into dnsd's kms name with a forged address for it."""
    name = q.question[0].name
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    if name.labels[0].lower() == b"alias":
        r.answer.append(dns.rrset.from_text(name, 60, "IN", "CNAME", KMS))
        r.answer.append(dns.rrset.from_text(KMS, 60, "IN", "A", "6.6.6.7"))
    else:
        r.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "192.0.2.99"))
        r.answer.append(dns.rrset.from_text(KMS, 60, "IN", "A", "6.6.6.7"))
    r.authority.append(dns.rrset.from_text("evil.example.", 60, "IN", "NS", "ns.evil.example."))
    r.additional.append(dns.rrset.from_text("ns.evil.example.", 60, "IN", "A", "6.6.6.8"))
    r.additional.append(dns.rrset.from_text(KMS, 60, "IN", "A", "6.6.6.9"))
    sock.sendto(r.to_wire(), peer)


@pytest.fixture(scope="module")
def scrub_world():
    w = World({"world.yaml": SCRUB_WORLD})
    yield w
    w.cleanup()


def test_forged_records_for_dnsd_names_never_reach_the_client(scrub_world):
    """Issue 10: a forged `kms.us-east-2.amazonaws.com A` in an upstream
    reply reached the client byte for byte. Off the answer chain it goes
    for every client; on the chain (a CNAME into it) it goes for the VPC
    whose endpoint serves that name, and the chain goes on in dnsd's own
    data: the endpoint's address, as the VPC resolver resolves a CNAME's
    target in the VPC's private zones."""
    with FakeUpstream(forging) as up, \
            Dnsd(zones=scrub_world.dir, listen=("127.0.0.1:0=" + VPC, "127.0.0.1:0"),
                 upstream=[up.addr]) as d:
        vpc, public = d.addrs
        for addr in (vpc, public, vpc):             # the third from the cache
            m = d.query("www.example.org.", "A", addr=addr)
            assert m.rcode() == 0
            assert rrs(m.answer) == [("www.example.org.", "A", ["192.0.2.99"])]
            assert m.authority == [] and m.additional == []
        for _ in range(2):                          # upstream, then the cache
            m = d.query("alias.example.org.", "A", addr=vpc)
            assert m.rcode() == 0
            assert rrs(m.answer) == [("alias.example.org.", "CNAME", [KMS]),
                                     (KMS, "A", ["10.0.1.42"])]
            # outside the VPC the name is AWS's public one: the chain stands
            m = d.query("alias.example.org.", "A", addr=public)
            assert rrs(m.answer) == [("alias.example.org.", "CNAME", [KMS]),
                                     (KMS, "A", ["6.6.6.7"])]
        # the VPC's client following the CNAME gets dnsd's own answer
        m = d.query(KMS, "A", addr=vpc)
        assert rrs(m.answer) == [(KMS, "A", ["10.0.1.42"])]
        assert sorted(r[2].to_text().lower() for r in up.records()) == [
            "alias.example.org.", "www.example.org."]


def chaining(sock, q, wire, peer):
    """<x>.example.org is a CNAME to the name its first label says (see
    CHAIN_TARGETS), with a made-up address for that name."""
    name = q.question[0].name
    target = CHAIN_TARGETS.get(name.labels[0].decode().lower())
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    if target:
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "CNAME", target))
        if q.question[0].rdtype == dns.rdatatype.A:
            r.answer.append(dns.rrset.from_text(target, 300, "IN", "A", "6.6.6.6"))
    else:
        r.set_rcode(dns.rcode.NXDOMAIN)
    sock.sendto(r.to_wire(), peer)


CHAIN_TARGETS = {
    "kms": KMS,
    "gone": "nope.kms.us-east-2.amazonaws.com.",
    "ec2": "ip-10-0-1-7.us-east-2.compute.internal.",
}


@pytest.mark.parametrize("first,rcode,answer", [
    ("kms", "NOERROR", [(KMS, "A", ["10.0.1.42"])]),
    ("gone", "NXDOMAIN", []),
    ("ec2", "NOERROR", [("ip-10-0-1-7.us-east-2.compute.internal.", "A", ["10.0.1.7"])]),
])
def test_a_forwarded_chain_goes_on_in_dnsds_own_data(scrub_world, first, rcode, answer):
    """RFC 1034 §4.3.2: a resolver that meets a CNAME goes on at its target,
    and the VPC resolver does so with the VPC's private zones: a public name
    that is a CNAME to an endpoint's private name, to a name the hidden zone
    lacks (NXDOMAIN, with the zone's SOA, RFC 6604 rcode of the last name),
    or to an EC2 name, ends in dnsd's own answer for the client's VPC."""
    with FakeUpstream(chaining) as up, \
            Dnsd(zones=scrub_world.dir, listen=("127.0.0.1:0=" + VPC, "127.0.0.1:0"),
                 upstream=[up.addr]) as d:
        vpc, public = d.addrs
        name = first + ".example.org."
        m = d.query(name, "A", addr=vpc)
        assert dns.rcode.to_text(m.rcode()) == rcode, m
        assert rrs(m.answer) == sorted([(name, "CNAME", [CHAIN_TARGETS[first]])] + answer)
        if rcode == "NXDOMAIN":
            assert [r.name.to_text() for r in m.authority] == ["kms.us-east-2.amazonaws.com."]
        # outside the VPC the upstream's chain stands as it came
        m = d.query(name, "A", addr=public)
        if first == "kms":
            assert rrs(m.answer) == [(name, "CNAME", [KMS]), (KMS, "A", ["6.6.6.6"])]
        # over TCP and from the cache alike
        m = d.query(name, "A", addr=vpc, tcp=True)
        assert rrs(m.answer) == sorted([(name, "CNAME", [CHAIN_TARGETS[first]])] + answer)


def test_bailiwick_is_the_rule_domain(scrub_world):
    """A FORWARD rule's targets speak for its domain only: an SOA above it,
    NS and glue elsewhere are left out. The default upstreams speak for the
    whole tree (the root), so there the SOA above stays."""
    def handler(sock, q, wire, peer):
        name = q.question[0].name
        r = dns.message.make_response(q)
        r.set_rcode(dns.rcode.NXDOMAIN)
        r.authority.append(dns.rrset.from_text("example.", 60, "IN", "SOA",
                                               "ns.example. h.example. 1 2 3 4 60"))
        r.authority.append(dns.rrset.from_text("corp.example.", 60, "IN", "SOA",
                                               "ns.corp.example. h.corp.example. 1 2 3 4 60"))
        r.additional.append(dns.rrset.from_text("www.bank.example.", 60, "IN", "A", "6.6.6.6"))
        sock.sendto(r.to_wire(), peer)

    with FakeUpstream(handler) as rule_up, FakeUpstream(handler) as default_up, \
            World({"world.yaml": SCRUB_WORLD,
                   "rules.yaml": RULE % ("{Ip: 127.0.0.1, Port: %d}" % rule_up.port)}) as w, \
            Dnsd(zones=w.dir, listen=("127.0.0.1:0=" + VPC,), upstream=[default_up.addr]) as d:
        m = d.query("nosuch.corp.example.", "A")
        assert m.rcode() == dns.rcode.NXDOMAIN and m.answer == [] and m.additional == []
        assert rrs(m.authority) == [("corp.example.", "SOA",
                                     ["ns.corp.example. h.corp.example. 1 2 3 4 60"])]
        # the same reply from the default upstreams: the closest SOA is kept
        m = d.query("nosuch.other.example.", "A")
        assert rrs(m.authority) == [("example.", "SOA", ["ns.example. h.example. 1 2 3 4 60"])]
        assert len(rule_up.records()) == 1 and len(default_up.records()) == 1


def test_dname_synthesised_cname_checked(world):
    """A DNAME step: the CNAME dnsd makes from it replaces a forged one."""
    def handler(sock, q, wire, peer):
        name = q.question[0].name
        r = dns.message.make_response(q)
        r.answer.append(dns.rrset.from_text("old.example.", 60, "IN", "DNAME", "new.example."))
        r.answer.append(dns.rrset.from_text(name, 60, "IN", "CNAME", "evil.example."))
        r.answer.append(dns.rrset.from_text("evil.example.", 60, "IN", "A", "6.6.6.6"))
        r.answer.append(dns.rrset.from_text("x.new.example.", 60, "IN", "A", "192.0.2.5"))
        sock.sendto(r.to_wire(), peer)

    with FakeUpstream(handler) as up, Dnsd(zones=world.dir, upstream=[up.addr]) as d:
        m = d.query("X.old.example.", "A")
        assert [r.name.to_text().lower() + " " + dns.rdatatype.to_text(r.rdtype)
                for r in m.answer] == ["old.example. DNAME", "x.old.example. CNAME",
                                       "x.new.example. A"]
        assert m.answer[1][0].target == dns.name.from_text("x.new.example.")
        assert m.answer[1].ttl == 60
        assert m.answer[2][0].address == "192.0.2.5"


# ======================================================================
# a UDP reply cut short without TC: ask again over TCP
# ======================================================================

class UdpTcpUpstream:
    """UDP and TCP on one loopback port; cut(q) gives the UDP reply bytes
    from the full one. Records (transport, qname)."""

    def __init__(self, cut):
        self.cut = cut
        self.port = free_port()
        self.seen = []
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", self.port))
        self.tcp.listen(8)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.udp, selectors.EVENT_READ)
        self.sel.register(self.tcp, selectors.EVENT_READ)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    @staticmethod
    def full(q):
        r = dns.message.make_response(q)
        r.answer.append(dns.rrset.from_text(q.question[0].name, 60, "IN", "A",
                                            "192.0.2.1", "192.0.2.2", "192.0.2.3"))
        return r.to_wire()

    def _run(self):
        while not self.stopping.is_set():
            for key, _ in self.sel.select(0.1):
                if key.fileobj is self.udp:
                    wire, peer = self.udp.recvfrom(65535)
                    q = dns.message.from_wire(wire)
                    self.seen.append(("udp", q.question[0].name.to_text().lower()))
                    self.udp.sendto(self.cut(self.full(q)), peer)
                else:
                    c, _ = self.tcp.accept()
                    with c:
                        c.settimeout(2)
                        n = struct.unpack("!H", c.recv(2))[0]
                        q = dns.message.from_wire(c.recv(n))
                        self.seen.append(("tcp", q.question[0].name.to_text().lower()))
                        full = self.full(q)
                        c.sendall(struct.pack("!H", len(full)) + full)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.udp.close()
        self.tcp.close()


@pytest.mark.parametrize("where", ["mid-record", "mid-rdata", "record boundary"])
def test_reply_cut_without_tc_retried_over_tcp(world, where):
    cuts = {"mid-record": lambda w: w[:-9], "mid-rdata": lambda w: w[:-2],
            "record boundary": lambda w: w[:-16]}
    up = UdpTcpUpstream(cuts[where])
    try:
        with Dnsd(zones=world.dir, upstream=[up.addr]) as d:
            q = dns.message.make_query("cut.example.", "A")
            r, t = raw_query(d, q)
            m = dns.message.from_wire(r)
            assert m.rcode() == 0 and t < 1.0
            assert sorted(a.address for a in m.answer[0]) == ["192.0.2.1", "192.0.2.2",
                                                               "192.0.2.3"]
            assert up.seen == [("udp", "cut.example."), ("tcp", "cut.example.")]
    finally:
        up.stop()


# ======================================================================
# a Resolver rule's targets: all of them, in order (issue 13)
# ======================================================================

class ManyUpstreams:
    """n UDP upstreams on loopback served by one thread: all but the last
    send a reply that does not parse (dnsd moves on at once); the last
    answers. Records (index, qname) in arrival order."""

    def __init__(self, n):
        self.socks = []
        self.seen = []
        self.sel = selectors.DefaultSelector()
        for i in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            self.socks.append(s)
            self.sel.register(s, selectors.EVENT_READ, i)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            for key, _ in self.sel.select(0.1):
                s, i = key.fileobj, key.data
                wire, peer = s.recvfrom(65535)
                q = dns.message.from_wire(wire)
                self.seen.append((i, q.question[0].name.to_text().lower()))
                if i == len(self.socks) - 1:
                    s.sendto(reply_to(q, "192.0.2.%d" % min(i, 254)), peer)
                else:
                    # our question, then an answer whose owner points forward
                    r = wire[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + \
                        wire[12:12 + len(q.question[0].name.to_wire()) + 4] + \
                        b"\xc0\xff\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x06\x06\x06\x06"
                    s.sendto(r, peer)

    def targets(self):
        return ", ".join("{Ip: 127.0.0.1, Port: %d}" % s.getsockname()[1] for s in self.socks)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        for s in self.socks:
            s.close()


def test_tcp_client_waits_for_a_rule_with_many_silent_targets():
    """40 silent targets at 100 ms each: the TCP client gets SERVFAIL after
    about 4 s. The connection's timer used to allow 8 targets' worth of
    timeouts plus 1 s beyond the idle timeout, and closed it first."""
    socks = [silent_socket() for _ in range(40)]
    try:
        targets = ", ".join("{Ip: 127.0.0.1, Port: %s}" % a.rsplit(":", 1)[1] for _, a in socks)
        with World({"world.yaml": SCRUB_WORLD, "rules.yaml": RULE % targets}) as w:
            with Dnsd(zones=w.dir, listen=("127.0.0.1:0=" + VPC,),
                      args=("--forward-timeout", "100", "--tcp-idle-timeout", "1")) as d:
                start = time.monotonic()
                m = d.query("www.corp.example.", "A", tcp=True, timeout=15)
                took = time.monotonic() - start
                assert m.rcode() == dns.rcode.SERVFAIL, m
                assert took >= 3.5, took
    finally:
        for s, _ in socks:
            s.close()


@pytest.mark.parametrize("n", [5, 6, 7, 8, 9, 64])
def test_every_rule_target_is_tried__aws_quotas_6_per_rule(n):
    """dnsd kept only a rule's first 8 TargetIps. Now all are tried, in
    order, and only the last answers. AWS allows 6 per rule (Route 53
    Developer Guide, "Quotas", Quotas on Route 53 Resolver: IP addresses
    per rule 6): more is a warning naming that, not an error, as
    hand-written worlds may list more."""
    up = ManyUpstreams(n)
    try:
        with World({"world.yaml": SCRUB_WORLD, "rules.yaml": RULE % up.targets()}) as w:
            with Dnsd(zones=w.dir, listen=("127.0.0.1:0=" + VPC,)) as d:
                m = d.query("www.corp.example.", "A", timeout=5)
                assert m.rcode() == 0, m
                assert [a.address for a in m.answer[0]] == ["192.0.2.%d" % min(n - 1, 254)]
                assert up.seen == [(i, "www.corp.example.") for i in range(n)]
                warned = re.search(r"rules.yaml:\d+: warning: rule \S+ has %d TargetIps; AWS "
                                   r"allows 6 per rule \(Route 53 Developer Guide, Quotas\)" % n,
                                   d.log())
                assert bool(warned) == (n > 6), d.log()
                # over TCP too
                m = d.query("tcp.corp.example.", "A", tcp=True, timeout=5)
                assert m.rcode() == 0
                assert [x for x in up.seen if x[1] == "tcp.corp.example."] == [
                    (i, "tcp.corp.example.") for i in range(n)]
    finally:
        up.stop()
