# tests/integration/test_protocol.py - DNS protocol conformance of the real dnsd on loopback.
"""Wire-level behaviour of dnsd: header flags, EDNS (RFC 6891), truncation,
TCP (RFC 7766), IPv6, and the outcome of malformed or unusual queries
(/work/shared/docs/reliability.md §4).

Raw packets are built by hand and sent on plain sockets; dnspython, dig
and kdig are the real clients. Every "no reply" is shown without waiting
for a timeout: a bad packet is followed by a good query on the same
socket, and the first datagram back must be the good query's answer.
"""
import re
import socket
import struct
import subprocess
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import pytest

from tests.integration.harness import Dnsd, World, run_dnsd, tool

# header flags
QR, AA, TC, RD, RA, Z, AD, CD = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010
ALL_FLAGS = AA | TC | RD | RA | Z | AD | CD
FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 1, 2, 3, 4, 5
T_A, T_NS, T_SOA, T_TXT, T_AAAA, T_OPT = 1, 2, 6, 16, 28, 41
T_IXFR, T_AXFR, T_ANY = 251, 252, 255
C_IN, C_CH, C_HS, C_NONE, C_ANY = 1, 3, 4, 254, 255
BAD_ID = 0x1234
GOOD_ID = 0xBEEF
VERSION = "dnsd 0.1.0"     # what CH TXT version.bind answers (dnsd --version)




# ---- the world: one name with 25 addresses of each family, one with 50 ----

def big_world():
    """One VPC with 50 subnets (one AZ each); endpoint A has an ENI in 25 of
    them, endpoint B in all 50, both dualstack: their regional names answer
    25 or 50 A and AAAA records (AAAA: 25 x 28 bytes, 50 x 28 bytes)."""
    out = ["Vpcs:", "  - VpcId: vpc-0a1b2c3d", "    CidrBlock: 10.0.0.0/16",
           "    Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: '2600:1f16:1234:5600::/56'}]",
           "    EnableDnsHostnames: true", "    Subnets:"]
    for i in range(50):
        out.append("      - {SubnetId: subnet-%02d, AvailabilityZone: us-east-2-x%02da, "
                   "CidrBlock: 10.0.%d.0/24, Ipv6CidrBlockAssociationSet: "
                   "[{Ipv6CidrBlock: '2600:1f16:1234:56%02x::/64'}]}" % (i, i, i + 1, i))
    out.append("    VpcEndpoints:")
    for eid, count, svc in (("vpce-0aaaaaaaaaaaaaaa1", 25, "monitoring"),
                            ("vpce-0bbbbbbbbbbbbbbb2", 50, "kms")):
        out += ["      - VpcEndpointId: " + eid,
                "        ServiceName: com.amazonaws.us-east-2." + svc,
                "        IpAddressType: dualstack", "        NetworkInterfaces:"]
        for i in range(count):
            out.append("          - {AvailabilityZone: us-east-2-x%02da, PrivateIpAddress: "
                       "10.0.%d.%d, Ipv6Address: '2600:1f16:1234:56%02x::%d'}"
                       % (i, i + 1, 10 + count, i, 10 + count))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def world():
    w = World({"world.yaml": big_world()})
    yield w
    w.cleanup()


@pytest.fixture(scope="module")
def names(world):
    """The regional names of the two endpoints, read from --check."""
    out = run_dnsd(["--check", "--zones", world.dir])
    assert out.returncode == 0, out.stderr
    found = {}
    for key, rx in (("n25", r"^(vpce-0aaaaaaaaaaaaaaa1-[a-z0-9]+\.monitoring\.us-east-2\."
                            r"vpce\.amazonaws\.com\.)\s"),
                    ("n50", r"^(vpce-0bbbbbbbbbbbbbbb2-[a-z0-9]+\.kms\.us-east-2\."
                            r"vpce\.amazonaws\.com\.)\s")):
        m = re.search(rx, out.stdout, re.M)
        assert m, out.stdout[:2000]
        found[key] = m.group(1)
    return found


@pytest.fixture(scope="module")
def dnsd(world):
    # upstream: the harness's dead loopback port, so forwards fail fast
    with Dnsd(zones=world.dir, listen=("127.0.0.1:0", "[::1]:0")) as d:
        yield d


@pytest.fixture(scope="module")
def N25(names):
    return names["n25"]


@pytest.fixture(scope="module")
def N50(names):
    return names["n50"]


# ---- raw wire helpers ----

def wname(name):
    if isinstance(name, bytes):
        return name
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def question(name, qtype=T_A, qclass=C_IN):
    return wname(name) + struct.pack("!HH", qtype, qclass)


def build(name="example.", qtype=T_A, qclass=C_IN, *, id=BAD_ID, flags=RD, qd=1, an=0, ns=0,
          ar=0, body=None, extra=b""):
    """A query: header, question (or body as given), then extra bytes."""
    if body is None:
        body = question(name, qtype, qclass)
    return struct.pack("!HHHHHH", id, flags, qd, an, ns, ar) + body + extra


def opt(udp=1232, ext_rcode=0, version=0, flags=0, options=b"", owner=b"\0", rdlen=None):
    return owner + struct.pack("!HHBBHH", T_OPT, udp, ext_rcode, version, flags,
                               len(options) if rdlen is None else rdlen) + options


def opt_reply(udp=1232, ext_rcode=0, do=False):
    """The OPT record dnsd sends: version 0, no options, DO copied."""
    return opt(udp=udp, ext_rcode=ext_rcode, flags=0x8000 if do else 0)


class Hdr:
    def __init__(self, wire):
        assert wire is not None and len(wire) >= 12, wire
        self.id, self.flags, self.qd, self.an, self.ns, self.ar = struct.unpack("!6H", wire[:12])
        self.rcode = self.flags & 0xf
        self.opcode = (self.flags >> 11) & 0xf

    def __repr__(self):
        return ("Hdr(id=%#x flags=%#06x rcode=%d qd=%d an=%d ns=%d ar=%d)"
                % (self.id, self.flags, self.rcode, self.qd, self.an, self.ns, self.ar))


def udp_socket(addr):
    return socket.socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET,
                         socket.SOCK_DGRAM)


def probe(d, bad, good_name, addr=None):
    """Send bad, then a good query on the same socket; return the replies
    that came before the good one's answer (dnsd handles datagrams in
    order, so a reply to bad would come first), after checking that the
    good one was answered normally."""
    addr = addr or d.addrs[0]
    good = build(good_name, T_A, id=GOOD_ID)
    with udp_socket(addr) as s:
        s.settimeout(3)
        s.sendto(bad, addr)
        s.sendto(good, addr)
        before = []
        for _ in range(10):
            r = s.recv(65535)
            h = Hdr(r)
            if h.id == GOOD_ID and h.flags & QR:
                assert h.rcode == 0 and h.an == 25, h
                return before
            before.append(r)
    raise AssertionError("no answer to the good query")


def one_reply(d, bad, good_name, addr=None):
    replies = probe(d, bad, good_name, addr)
    assert len(replies) == 1, replies
    return replies[0]


def no_reply(d, bad, good_name, addr=None):
    assert probe(d, bad, good_name, addr) == []


def assert_error(reply, rcode, query_flags=RD, opcode=0, header_only=True):
    """An error reply: ID kept, QR set, every flag clear but RD, which is
    copied when the opcode is QUERY (RFC 1035 §4.1.1; genreport's nord)."""
    h = Hdr(reply)
    assert h.id == BAD_ID, h
    assert h.rcode == rcode, h
    assert h.opcode == opcode, h
    want = QR | ((query_flags & RD) if opcode == 0 else 0)
    assert h.flags & (QR | ALL_FLAGS) == want, h
    assert h.an == 0 and h.ns == 0, h
    if header_only:
        assert len(reply) == 12 and (h.qd, h.ar) == (0, 0), (h, reply)
    return h


def udp(d, wire, addr=None, timeout=3):
    r = d.raw(wire, addr=addr, timeout=timeout)
    assert r is not None, "no reply"
    return r


# ---- TCP helpers ----

def tcp_connect(d, addr=None, timeout=5):
    addr = addr or d.addrs[0]
    s = socket.create_connection(addr, timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def frame(msg):
    return struct.pack("!H", len(msg)) + msg


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_read(s):
    """One framed message, or None at EOF."""
    n = recv_exact(s, 2)
    if n is None:
        return None
    msg = recv_exact(s, struct.unpack("!H", n)[0])
    assert msg is not None, "EOF in the middle of a message"
    return msg


def time_to_close(s, limit):
    """Seconds until the peer closes (EOF or reset), or None if still open after limit."""
    start = time.monotonic()
    while True:
        left = limit - (time.monotonic() - start)
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            data = s.recv(4096)
        except socket.timeout:
            return None
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
        if not data:
            return time.monotonic() - start
        raise AssertionError("unexpected bytes from dnsd: %r" % data)


def assert_closed(s, limit=3):
    assert time_to_close(s, limit) is not None, "connection still open after %ss" % limit


# ======================================================================
# responses: header flags and the question
# ======================================================================

@pytest.mark.parametrize("qflags", [RD, 0, RD | CD, CD, RD | Z, RD | AD, RD | CD | Z | AD,
                                    CD | Z | AD])
def test_reply_flags(dnsd, N25, qflags):
    """QR and RA set; RD and CD copied; AA (a resolver), Z and AD clear."""
    r = udp(dnsd, build(N25, T_A, id=0x4242, flags=qflags))
    h = Hdr(r)
    assert h.id == 0x4242
    assert h.flags == QR | RA | (qflags & (RD | CD)), hex(h.flags)
    assert (h.qd, h.an, h.ns, h.ar) == (1, 25, 0, 0)


def test_question_echoed_byte_for_byte(dnsd, N25):
    """0x20: the question comes back exactly as sent, in mixed case."""
    mixed = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(N25))
    assert mixed != N25
    q = build(mixed, T_A, id=0x2020)
    qlen = len(question(mixed))
    for wire in (udp(dnsd, q), None):
        if wire is None:
            with tcp_connect(dnsd) as s:
                s.sendall(frame(q))
                wire = tcp_read(s)
        assert wire[12:12 + qlen] == q[12:12 + qlen]
        m = dns.message.from_wire(wire)
        assert m.id == 0x2020 and m.rcode() == 0
        assert len(m.answer) == 1 and len(m.answer[0]) == 25
        assert m.answer[0].name == dns.name.from_text(N25)


def test_dnspython_dig_kdig_drill_agree(dnsd, N25):
    m = dnsd.query(N25, "A")
    want = sorted("10.0.%d.35" % (i + 1) for i in range(25))
    assert sorted(r.address for r in m.answer[0]) == want
    assert m.flags & dns.flags.AA == 0 and m.flags & dns.flags.RA
    out = subprocess.run([tool("dig"), "-p", str(dnsd.port), "@127.0.0.1", N25, "A", "+short"],
                         capture_output=True, text=True, timeout=10).stdout
    assert sorted(out.split()) == want
    out = subprocess.run([tool("kdig"), "-p", str(dnsd.port), "@127.0.0.1", N25, "A", "+short"],
                         capture_output=True, text=True, timeout=10).stdout
    assert sorted(out.split()) == want
    out = subprocess.run([tool("drill"), "-p", str(dnsd.port), "@127.0.0.1", N25, "A"],
                         capture_output=True, text=True, timeout=10).stdout
    assert re.search(r"rcode: NOERROR", out) and re.search(r"flags: qr rd ra ;", out), out
    got = [l.split()[-1] for l in out.splitlines() if re.match(r"\S+\s+\d+\s+IN\s+A\s", l)]
    assert sorted(got) == want


# ======================================================================
# EDNS (RFC 6891)
# ======================================================================

@pytest.mark.parametrize("do", [False, True])
def test_edns_opt_echoed(dnsd, N25, do):
    """OPT v0, udp 1232, DO copied; an unknown option (100) and an unknown
    flag bit (0x4000) are not echoed."""
    options = struct.pack("!HH", 100, 4) + b"abcd"
    q = build(N25, T_A, ar=1, extra=opt(udp=4096, flags=(0x8000 if do else 0) | 0x4000,
                                        options=options))
    r = udp(dnsd, q)
    h = Hdr(r)
    assert h.rcode == 0 and (h.qd, h.an, h.ns, h.ar) == (1, 25, 0, 1)
    assert h.flags == QR | RA | RD
    assert r.endswith(opt_reply(do=do)), r[-11:]
    m = dns.message.from_wire(r)
    assert m.edns == 0 and m.payload == 1232 and len(m.options) == 0
    assert bool(m.ednsflags & dns.flags.DO) == do


def test_edns_ext_rcode_in_query_ignored(dnsd, N25):
    r = udp(dnsd, build(N25, T_A, ar=1, extra=opt(ext_rcode=5)))
    h = Hdr(r)
    assert h.rcode == 0 and h.an == 25 and h.ar == 1
    assert r.endswith(opt_reply())


@pytest.mark.parametrize("with_option", [False, True])
def test_edns_version_1_badvers(dnsd, N25, with_option):
    """BADVERS (16): header rcode 0, OPT ext-rcode 1, OPT version 0, the
    question echoed, nothing else, no AA, no option echoed."""
    options = struct.pack("!HH", 100, 2) + b"xy" if with_option else b""
    q = build(N25, T_A, ar=1, extra=opt(version=1, options=options))
    r = udp(dnsd, q)
    h = Hdr(r)
    assert h.id == BAD_ID and h.rcode == 0
    assert h.flags & (QR | AA | TC) == QR, h
    assert (h.qd, h.an, h.ns, h.ar) == (1, 0, 0, 1)
    qlen = len(question(N25))
    assert r[12:12 + qlen] == q[12:12 + qlen]
    assert r[12 + qlen:] == opt_reply(ext_rcode=1)
    m = dns.message.from_wire(r)
    assert m.rcode() == dns.rcode.BADVERS and m.edns == 0 and len(m.options) == 0


@pytest.mark.parametrize("payload", [0, 1, 511])
def test_edns_payload_below_512_is_512(dnsd, N25, payload):
    r = udp(dnsd, build(N25, T_A, ar=1, extra=opt(udp=payload)))
    h = Hdr(r)      # 25 A records: 500 bytes with the OPT, fits 512
    assert h.rcode == 0 and h.an == 25 and not h.flags & TC and len(r) <= 512
    r = udp(dnsd, build(N25, T_AAAA, ar=1, extra=opt(udp=payload)))
    h = Hdr(r)      # 25 AAAA: 800 bytes, over 512
    assert h.flags & TC and (h.an, h.ns, h.ar) == (0, 0, 1)


BAD_OPTS = {
    "two OPT RRs": (2, opt() + opt()),
    "OPT owner not root": (1, opt(owner=b"\x01a\x00")),
    "OPT owner a pointer to the qname": (1, opt(owner=b"\xc0\x0c")),
    "option length overruns RDATA": (1, opt(options=struct.pack("!HH", 100, 10) + b"abcd")),
    "option header cut": (1, opt(options=b"\x00\x64")),
    "OPT RDLENGTH past the end": (1, opt(rdlen=20)),
    "OPT fixed part cut": (1, opt()[:7]),
}


@pytest.mark.parametrize("case", list(BAD_OPTS))
def test_edns_malformed_formerr(dnsd, N25, case):
    ar, extra = BAD_OPTS[case]
    r = one_reply(dnsd, build(N25, T_A, ar=ar, extra=extra), N25)
    assert_error(r, FORMERR, header_only=False)


# ======================================================================
# truncation
# ======================================================================

def test_tc_without_edns(dnsd, N25):
    """25 AAAA (~790 bytes) without EDNS: TC=1, question only."""
    q = build(N25, T_AAAA, id=0x7c7c)
    r = udp(dnsd, q)
    h = Hdr(r)
    assert h.id == 0x7c7c and h.rcode == 0
    assert h.flags == QR | RA | RD | TC, hex(h.flags)
    assert (h.qd, h.an, h.ns, h.ar) == (1, 0, 0, 0)
    assert r == r[:12] + q[12:]          # header + the question, nothing else


def test_tc_over_client_edns_size(dnsd, N25):
    q = build(N25, T_AAAA, ar=1, extra=opt(udp=700))
    r = udp(dnsd, q)
    h = Hdr(r)
    assert h.flags == QR | RA | RD | TC and h.rcode == 0
    assert (h.qd, h.an, h.ns, h.ar) == (1, 0, 0, 1)
    assert r[12:] == q[12:-11] + opt_reply()


def test_tcp_gets_full_answer(dnsd, N25, N50):
    for name, n in ((N25, 25), (N50, 50)):
        m = dnsd.query(name, "AAAA", tcp=True)
        assert m.rcode() == 0 and not m.flags & dns.flags.TC
        assert len(m.answer) == 1 and len(m.answer[0]) == n
        m = dnsd.query(name, "AAAA", tcp=True, use_edns=0, payload=4096)
        assert len(m.answer[0]) == n and m.payload == 1232


def test_edns_4096_fits_up_to_1232(dnsd, N25, N50):
    r = udp(dnsd, build(N25, T_AAAA, ar=1, extra=opt(udp=4096)))
    h = Hdr(r)
    assert not h.flags & TC and h.an == 25 and h.ar == 1 and 512 < len(r) <= 1232
    # 50 AAAA are ~1500 bytes: over 1232 even though the client says 4096
    r = udp(dnsd, build(N50, T_AAAA, ar=1, extra=opt(udp=4096)))
    h = Hdr(r)
    assert h.flags & TC and (h.an, h.ns, h.ar) == (0, 0, 1) and len(r) <= 1232
    assert r.endswith(opt_reply())
    # and 1232 itself
    r = udp(dnsd, build(N50, T_AAAA, ar=1, extra=opt(udp=1232)))
    assert Hdr(r).flags & TC


def test_edns_size_option_4096(world, N25, N50):
    with Dnsd(zones=world.dir, args=["--edns-size", "4096"]) as d:
        r = udp(d, build(N50, T_AAAA, ar=1, extra=opt(udp=4096)))
        h = Hdr(r)
        assert not h.flags & TC and h.an == 50 and 1232 < len(r) <= 4096
        assert r.endswith(opt_reply(udp=4096))
        r = udp(d, build(N50, T_AAAA, ar=1, extra=opt(udp=1232)))
        h = Hdr(r)
        assert h.flags & TC and h.an == 0 and r.endswith(opt_reply(udp=4096))
        r = udp(d, build(N25, T_AAAA))
        h = Hdr(r)
        assert h.flags & TC and (h.an, h.ar) == (0, 0)


def test_dig_retries_truncated_over_tcp(dnsd, N25):
    def dig(*args):
        return subprocess.run([tool("dig"), "-p", str(dnsd.port), "@127.0.0.1", N25, "AAAA",
                               "+noedns"] + list(args),
                              capture_output=True, text=True, timeout=10).stdout
    out = dig("+ignore")
    assert re.search(r";; flags: qr tc rd ra;", out), out
    assert "ANSWER: 0," in out
    out = dig()
    assert re.search(r";; flags: qr rd ra;", out) and "ANSWER: 25," in out, out


# ======================================================================
# TCP (RFC 7766)
# ======================================================================

def test_tcp_framing(dnsd, N25):
    q = build(N25, T_A, id=0x0101)
    with tcp_connect(dnsd) as s:
        s.sendall(frame(q))
        r = tcp_read(s)
        h = Hdr(r)
        assert h.id == 0x0101 and h.rcode == 0 and h.an == 25
        assert len(r) == 12 + len(question(N25)) + 25 * 16
        # the connection stays open for the next query
        s.sendall(frame(build(N25, T_AAAA, id=0x0102)))
        h = Hdr(tcp_read(s))
        assert h.id == 0x0102 and h.an == 25


def test_tcp_pipelined(dnsd, N25, N50):
    qs = {0x0201: (N25, T_A, 25), 0x0202: (N50, T_AAAA, 50), 0x0203: (N25, T_AAAA, 25),
          0x0204: ("version.bind", T_TXT, 1)}
    data = b""
    for qid, (name, qtype, _) in qs.items():
        data += frame(build(name, qtype, C_CH if qtype == T_TXT else C_IN, id=qid))
    with tcp_connect(dnsd) as s:
        s.sendall(data)
        seen = {}
        for _ in qs:
            m = dns.message.from_wire(tcp_read(s))
            seen[m.id] = m
    assert set(seen) == set(qs)
    for qid, (name, qtype, n) in qs.items():
        m = seen[qid]
        assert m.rcode() == 0 and m.question[0].rdtype == qtype
        assert m.question[0].name == dns.name.from_text(name)
        assert len(m.answer) == 1 and len(m.answer[0]) == n


def test_tcp_split_prefix_and_bytewise(dnsd, N25):
    """The length prefix over two writes, then the query one byte at a
    time over about a second."""
    q = frame(build(N25, T_A, id=0x0301))
    with tcp_connect(dnsd) as s:
        s.sendall(q[:1])
        time.sleep(0.1)
        pause = 1.0 / len(q)
        for i in range(1, len(q)):
            s.sendall(q[i:i + 1])
            time.sleep(pause)
        h = Hdr(tcp_read(s))
        assert h.id == 0x0301 and h.rcode == 0 and h.an == 25


def test_tcp_zero_length_prefix_closes(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(b"\x00\x00")
        assert_closed(s)


def test_tcp_short_frame_closes(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(b"\x00\x02AB")
        assert_closed(s)


def test_tcp_good_garbage_good(dnsd, N25):
    """Good query, a 5-byte message, good query: the first is answered,
    then the connection closes."""
    with tcp_connect(dnsd) as s:
        s.sendall(frame(build(N25, T_A, id=0x0401)) + frame(b"\x01\x02\x03\x04\x05") +
                  frame(build(N25, T_A, id=0x0402)))
        h = Hdr(tcp_read(s))
        assert h.id == 0x0401 and h.an == 25
        assert_closed(s)


def test_tcp_shutdown_wr_still_answered(dnsd, N25):
    with tcp_connect(dnsd) as s:
        s.sendall(frame(build(N25, T_A, id=0x0501)) + frame(build(N25, T_AAAA, id=0x0502)))
        s.shutdown(socket.SHUT_WR)
        ids = {Hdr(tcp_read(s)).id, Hdr(tcp_read(s)).id}
        assert ids == {0x0501, 0x0502}
        assert_closed(s)


def test_tcp_error_reply_keeps_connection(dnsd, N25):
    with tcp_connect(dnsd) as s:
        s.sendall(frame(build(qd=0, body=b"", flags=RD)))
        assert_error(tcp_read(s), FORMERR)
        s.sendall(frame(build(N25, T_A, id=0x0601)))
        h = Hdr(tcp_read(s))
        assert h.id == 0x0601 and h.an == 25


def test_tcp_dropped_query_closes(dnsd, N25):
    """A message dnsd would drop on UDP (QR=1) ends the TCP connection."""
    with tcp_connect(dnsd) as s:
        s.sendall(frame(build(N25, T_A, flags=QR)))
        assert_closed(s)


@pytest.mark.parametrize("qtype", [T_AXFR, T_IXFR])
def test_tcp_zone_transfer_refused(dnsd, N25, qtype):
    with tcp_connect(dnsd) as s:
        s.sendall(frame(build("us-east-2.vpce.amazonaws.com.", qtype)))
        h = assert_error(tcp_read(s), REFUSED, header_only=False)
        assert h.qd == 1


def test_tcp_partial_query_closed_after_frame_timeout(dnsd):
    """Length 200, 33 bytes sent: closed after about TCP_FRAME_TIMEOUT (3 s),
    well before --tcp-idle-timeout (10 s)."""
    with tcp_connect(dnsd) as s:
        s.sendall(struct.pack("!H", 200) + build("example.")[:33])
        t = time_to_close(s, 8)
        assert t is not None and 2.0 <= t <= 5.0, t


def test_tcp_slow_query_closed_after_frame_timeout(dnsd):
    """A query that trickles in a byte every 0.4 s must still arrive whole
    within TCP_FRAME_TIMEOUT (3 s) of its start (slowloris, RFC 7766
    §6.2.3): each byte must not restart the clock."""
    with tcp_connect(dnsd) as s:
        start = time.monotonic()
        s.sendall(struct.pack("!H", 200))
        closed_at = None
        for _ in range(20):                          # at most ~8 s
            t = time_to_close(s, 0.4)
            if t is not None:
                closed_at = time.monotonic() - start
                break
            try:
                s.sendall(b"\x00")
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic() - start
                break
        assert closed_at is not None and closed_at <= 5.0, closed_at


def test_tcp_idle_timeout(world, N25):
    with Dnsd(zones=world.dir, args=["--tcp-idle-timeout", "1"]) as d:
        with tcp_connect(d) as s:
            t = time_to_close(s, 5)
            assert t is not None and 0.5 <= t <= 3.0, t
        # after an answer, the idle clock starts again
        with tcp_connect(d) as s:
            s.sendall(frame(build(N25, T_A, id=0x0701)))
            assert Hdr(tcp_read(s)).id == 0x0701
            t = time_to_close(s, 5)
            assert t is not None and 0.5 <= t <= 3.0, t


def test_tcp_max_connections(world, N25):
    """With 4 connections open, a fifth is served; the longest idle closes."""
    with Dnsd(zones=world.dir, args=["--tcp-max-connections", "4"]) as d:
        conns = []
        try:
            for i in range(4):
                s = tcp_connect(d)
                conns.append(s)
                s.sendall(frame(build(N25, T_A, id=0x0800 + i)))
                assert Hdr(tcp_read(s)).id == 0x0800 + i
            with tcp_connect(d) as s:
                s.sendall(frame(build(N25, T_A, id=0x0810)))
                h = Hdr(tcp_read(s))
                assert h.id == 0x0810 and h.an == 25
                assert_closed(conns[0])                 # the longest idle
                for c in conns[1:]:
                    assert time_to_close(c, 0.2) is None
                    c.sendall(frame(build(N25, T_A, id=0x0820)))
                    assert Hdr(tcp_read(c)).id == 0x0820
            # UDP keeps working
            assert Hdr(udp(d, build(N25, T_A))).an == 25
        finally:
            for c in conns:
                c.close()


# ======================================================================
# IPv6
# ======================================================================

def test_ipv6_listener(dnsd, N25):
    v6 = [a for a in dnsd.addrs if a[0] == "::1"]
    assert v6, dnsd.addrs
    m = dnsd.query(N25, "AAAA", addr=v6[0], use_edns=0)
    assert m.rcode() == 0 and len(m.answer[0]) == 25 and m.flags & dns.flags.TC == 0
    m = dnsd.query(N25, "AAAA", addr=v6[0], tcp=True)
    assert len(m.answer[0]) == 25
    r = udp(dnsd, build(N25, T_AAAA), addr=v6[0])
    assert Hdr(r).flags & TC
    no_reply(dnsd, build(N25, T_A, flags=QR), N25, addr=v6[0])
    assert_error(one_reply(dnsd, build(qd=0, body=b""), N25, addr=v6[0]), FORMERR)


# ======================================================================
# malformed and unusual queries (reliability.md §4)
# ======================================================================

@pytest.mark.parametrize("wire", [b"", b"\x12", bytes(11), b"\x12\x34\x01\x00\x00\x01"])
def test_shorter_than_header_dropped(dnsd, N25, wire):
    no_reply(dnsd, wire, N25)


def test_qr_set_dropped(dnsd, N25):
    no_reply(dnsd, build(N25, T_A, flags=QR | RD), N25)
    no_reply(dnsd, build(N25, T_A, flags=QR, an=1,
                         extra=b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4)), N25)


@pytest.mark.parametrize("opcode", [1, 2, 3, 6, 15])
def test_opcode_notimp(dnsd, N25, opcode):
    """NOTIMP, header only, every flag clear except QR (RD too), never TC."""
    q = build(N25, T_A, flags=(opcode << 11) | ALL_FLAGS)
    r = one_reply(dnsd, q, N25)
    h = Hdr(r)
    assert h.id == BAD_ID and h.rcode == NOTIMP and h.opcode == opcode
    assert h.flags == QR | (opcode << 11) | NOTIMP, hex(h.flags)
    assert len(r) == 12 and (h.qd, h.an, h.ns, h.ar) == (0, 0, 0, 0)


def test_notify_refused(dnsd):
    q = build("example.", T_SOA, flags=(4 << 11) | AA)
    h = assert_error(udp(dnsd, q), REFUSED, opcode=4, header_only=False)
    assert h.flags & 0x7800 == 4 << 11


def test_update_notimp(dnsd):
    # zone section (1), prerequisite 0, update 1 record
    q = build("example.", T_SOA, flags=5 << 11, ns=1,
              extra=b"\x03www\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4))
    r = udp(dnsd, q)
    assert_error(r, NOTIMP, query_flags=0, opcode=5)


@pytest.mark.parametrize("qflags", [RD, 0])
@pytest.mark.parametrize("qd", [0, 2])
def test_qdcount_not_one_formerr(dnsd, N25, qd, qflags):
    body = b"" if qd == 0 else question(N25) + question(N25, T_AAAA)
    r = one_reply(dnsd, build(qd=qd, flags=qflags | CD | AD, body=body), N25)
    h = assert_error(r, FORMERR, query_flags=qflags)
    assert h.flags == QR | qflags | FORMERR


def long_name(wire_len):
    """A name of wire_len octets (plain labels)."""
    labels, left = [], wire_len - 1
    while left > 0:
        n = min(63, left - 1)
        labels.append(bytes([n]) + b"a" * n)
        left -= n + 1
    out = b"".join(labels) + b"\0"
    assert len(out) == wire_len
    return out


BAD_QUESTIONS = {
    "label type 0x40": b"\x41a\x00" + struct.pack("!HH", 1, 1),
    "label type 0x80": b"\x80\x00" + struct.pack("!HH", 1, 1),
    "pointer to itself": b"\xc0\x0c" + struct.pack("!HH", 1, 1),
    "pointer past the end": b"\xc0\xff" + struct.pack("!HH", 1, 1),
    "pointer after a label": b"\x01a\xc0\x0c" + struct.pack("!HH", 1, 1),
    "pointer into the header": b"\x01a\xc0\x02" + struct.pack("!HH", 1, 1),
    "name of 256 octets": long_name(256) + struct.pack("!HH", 1, 1),
    "name of 400 octets": long_name(400) + struct.pack("!HH", 1, 1),
    "no question bytes": b"",
    "cut mid-label": b"\x07exam",
    "no root label": b"\x07example",
    "no qtype or qclass": b"\x07example\x00",
    "qtype, no qclass": b"\x07example\x00\x00\x01",
    "half a qclass": b"\x07example\x00\x00\x01\x00",
}


@pytest.mark.parametrize("case", list(BAD_QUESTIONS))
def test_malformed_question_formerr(dnsd, N25, case):
    r = one_reply(dnsd, build(body=BAD_QUESTIONS[case]), N25)
    assert_error(r, FORMERR)


def test_name_of_255_octets_accepted(dnsd, N25):
    """The longest legal name is not a FORMERR (it is forwarded: the
    upstream is dead, so SERVFAIL)."""
    r = udp(dnsd, build(body=long_name(255) + struct.pack("!HH", 1, 1)))
    h = Hdr(r)
    assert h.rcode == SERVFAIL and h.qd == 1, h


A_RR = b"\xc0\x0c" + struct.pack("!HHIH", T_A, C_IN, 60, 4) + bytes([192, 0, 2, 1])
SOA_RR = b"\xc0\x0c" + struct.pack("!HHIH", T_SOA, C_IN, 60, 22) + b"\x00\x00" + bytes(20)

BAD_HEADERS = {
    "RCODE 3 in the query": dict(flags=RD | 3),
    "RCODE 15 in the query": dict(flags=RD | 15),
    "ANCOUNT 1 with a record": dict(an=1, extra=A_RR),
    "ANCOUNT 1, no record": dict(an=1),
    "OPT in the answer section": dict(an=1, extra=opt()),
    "NSCOUNT 1 with a record": dict(ns=1, extra=SOA_RR),
    "NSCOUNT 1, no record": dict(ns=1),
    "ARCOUNT 1, no record": dict(ar=1),
    "ARCOUNT 2, one OPT": dict(ar=2, extra=opt()),
    "trailing bytes after the question": dict(extra=b"\x00\x00\x00"),
    "trailing byte after the OPT": dict(ar=1, extra=opt() + b"\x00"),
    "additional record cut": dict(ar=1, extra=A_RR[:8]),
}


@pytest.mark.parametrize("case", list(BAD_HEADERS))
def test_malformed_sections_formerr(dnsd, N25, case):
    kw = dict(BAD_HEADERS[case])
    flags = kw.get("flags", RD)
    r = one_reply(dnsd, build(N25, T_A, **kw), N25)
    assert_error(r, FORMERR, query_flags=flags)


def test_additional_non_opt_record_ignored(dnsd, N25):
    """An ordinary record in the additional section is not an error."""
    r = udp(dnsd, build(N25, T_A, ar=2, extra=A_RR + opt()))
    h = Hdr(r)
    assert h.rcode == 0 and h.an == 25 and h.ar == 1


def test_ixfr_with_soa_refused(dnsd, N25):
    r = one_reply(dnsd, build("us-east-2.vpce.amazonaws.com.", T_IXFR, ns=1, extra=SOA_RR), N25)
    assert_error(r, REFUSED, header_only=False)


def test_tc_in_query_answered(dnsd, N25):
    r = udp(dnsd, build(N25, T_A, flags=RD | TC))
    h = Hdr(r)
    assert h.rcode == 0 and h.an == 25 and h.flags == QR | RA | RD


@pytest.mark.parametrize("name,text", [("version.bind", VERSION), ("version.server", VERSION),
                                       ("VERSION.Bind", VERSION), ("id.server", "dnsd"),
                                       ("hostname.bind", "dnsd")])
@pytest.mark.parametrize("edns", [False, True])
def test_chaos_txt(dnsd, name, text, edns):
    assert run_dnsd(["--version"]).stdout.strip() == VERSION
    q = dns.message.make_query(name, "TXT", "CH", use_edns=0 if edns else None)
    q.id = 0x0c0c
    wire = q.to_wire()
    r = udp(dnsd, wire)
    qlen = len(question(name))
    assert r[12:12 + qlen] == wire[12:12 + qlen]
    m = dns.message.from_wire(r)
    assert m.id == 0x0c0c and m.rcode() == 0
    assert m.flags & dns.flags.AA and m.flags & dns.flags.QR
    assert len(m.answer) == 1
    rrset = m.answer[0]
    assert rrset.rdclass == dns.rdataclass.CH and rrset.rdtype == dns.rdatatype.TXT
    assert [r.strings for r in rrset] == [(text.encode(),)]
    assert (m.edns == 0) == edns


@pytest.mark.parametrize("name,qtype", [("foo.bind", T_TXT), ("version.bind", T_A),
                                        ("www.example.com", T_A), ("authors.bind", T_TXT),
                                        ("version", T_TXT)])
def test_chaos_other_refused(dnsd, N25, name, qtype):
    r = one_reply(dnsd, build(name, qtype, C_CH), N25)
    h = assert_error(r, REFUSED, header_only=False)
    assert h.qd == 1


@pytest.mark.parametrize("qclass", [C_HS, C_NONE, 0, 2, 1234])
def test_other_classes_refused(dnsd, N25, qclass):
    r = one_reply(dnsd, build(N25, T_A, qclass), N25)
    assert_error(r, REFUSED, header_only=False)


def test_class_any_answered_from_in(dnsd, N25):
    q = build(N25, T_A, C_ANY, id=0x0ff0)
    r = udp(dnsd, q)
    assert r[12:12 + len(question(N25))] == q[12:]
    m = dns.message.from_wire(r)
    assert m.rcode() == 0 and len(m.answer) == 1 and len(m.answer[0]) == 25
    assert m.answer[0].rdclass == dns.rdataclass.IN


@pytest.mark.parametrize("qtype", [T_AXFR, T_IXFR])
def test_zone_transfer_over_udp_refused(dnsd, N25, qtype):
    r = one_reply(dnsd, build("us-east-2.vpce.amazonaws.com.", qtype), N25)
    assert_error(r, REFUSED, header_only=False)


@pytest.mark.parametrize("qtype", [T_OPT, 250, 249, 254, 253, 128])
def test_meta_qtypes_formerr(dnsd, N25, qtype):
    """OPT, TSIG, TKEY, MAILA, MAILB and another meta type: FORMERR."""
    r = one_reply(dnsd, build(N25, qtype), N25)
    assert_error(r, FORMERR)


def test_qtype_any_minimal(dnsd, N25):
    """RFC 8482: one RRset, not everything the name has."""
    m = dnsd.query(N25, "ANY")
    assert m.rcode() == 0 and len(m.answer) == 1
    rrset = m.answer[0]
    assert rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA) and len(rrset) == 25
    m = dnsd.query(N25, "ANY", tcp=True)
    assert len(m.answer) == 1


@pytest.mark.parametrize("qtype", [666, 65535, 0, 99])
def test_unknown_types_nodata(dnsd, N25, qtype):
    r = udp(dnsd, build(N25, qtype, id=0x0666))
    m = dns.message.from_wire(r)
    assert m.id == 0x0666 and m.rcode() == 0 and m.answer == []
    assert len(m.authority) == 1
    soa = m.authority[0]
    assert soa.rdtype == dns.rdatatype.SOA
    assert soa.name == dns.name.from_text("us-east-2.vpce.amazonaws.com.")
    assert m.flags & dns.flags.AA == 0 and m.flags & dns.flags.RA


def test_large_udp_queries(dnsd, N25):
    """4000 or 4096 bytes (a question and junk): FORMERR; over 4096: dropped."""
    for size in (4000, 4096):
        q = build(N25, T_A)
        r = one_reply(dnsd, q + b"\xa5" * (size - len(q)), N25)
        assert_error(r, FORMERR)
    for size in (4097, 5000, 9000):
        q = build(N25, T_A)
        no_reply(dnsd, q + b"\xa5" * (size - len(q)), N25)


def test_error_replies_rate_limited(world, N25):
    """300 FORMERR triggers in a burst with --error-rate 50: at most 50 per
    second are answered; ordinary queries are not limited."""
    with Dnsd(zones=world.dir, args=["--error-rate", "50"]) as d:
        addr = d.addrs[0]
        with udp_socket(addr) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            start = time.monotonic()
            for i in range(300):
                s.sendto(build(id=i, qd=0, body=b""), addr)
            sent_in = time.monotonic() - start
            errors = 0
            s.settimeout(1.0)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    r = s.recv(65535)
                except socket.timeout:
                    break
                h = Hdr(r)
                assert h.rcode == FORMERR and len(r) == 12, h
                errors += 1
        seconds = int(sent_in) + 2        # the burst may straddle a second boundary
        assert 1 <= errors <= 50 * seconds and errors <= 100, (errors, sent_in)
        # normal queries are not limited, even right after a burst
        with udp_socket(addr) as s:
            s.settimeout(3)
            for i in range(100):
                s.sendto(build(id=i, qd=0, body=b""), addr)
            s.sendto(build(N25, T_A, id=GOOD_ID), addr)
            for _ in range(101):
                h = Hdr(s.recv(65535))
                if h.id == GOOD_ID:
                    assert h.rcode == 0 and h.an == 25
                    break
                assert h.rcode == FORMERR
            else:
                raise AssertionError("no answer to the good query")
