# tests/integration/test_battery.py - the bad-input battery: every row of docs/reliability.md §4, then RFC 8906 §8 with dig.
"""Each case sends one row's input to the real dnsd, asserts the outcome
dnsd documents (README, "How dnsd answers"), then proves dnsd still answers
a normal query. Case ids are the table's row numbers (U1..U53, T1..T10)."""
import socket
import struct
import subprocess
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import pytest

from tests.integration.harness import ZONES, Dnsd, tool

NAME = "monitoring.us-east-2.amazonaws.com"      # a private name of the default VPC
ADDRS = {"10.0.1.42", "10.0.2.17", "10.0.3.88"}
ID = 0x4242

QR, AA, TC, RD, RA, Z, AD, CD = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010
FORMERR, NOTIMP, REFUSED, NOTAUTH = 1, 4, 5, 9


def qname(name=NAME):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"


def header(flags=RD, qd=1, an=0, ns=0, ar=0, qid=ID):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def question(name=NAME, qtype=1, qclass=1):
    return qname(name) + struct.pack("!HH", qtype, qclass)


def opt(payload=1232, ext_rcode=0, version=0, flags=0, options=b"", owner=b"\0"):
    return owner + struct.pack("!HHBBHH", 41, payload, ext_rcode, version, flags, len(options)) + options


def query(flags=RD, qtype=1, qclass=1, name=NAME, edns=None, ar_extra=0):
    ar = (1 if edns is not None else 0) + ar_extra
    return header(flags, ar=ar) + question(name, qtype, qclass) + (edns or b"")


class Reply:
    """A reply parsed by hand, so that malformed-looking ones are seen as they are."""

    def __init__(self, wire):
        self.wire = wire
        self.id, self.flags, self.qd, self.an, self.ns, self.ar = struct.unpack("!HHHHHH", wire[:12])
        self.rcode = self.flags & 0xF
        self.opcode = (self.flags >> 11) & 0xF
        self.msg = None
        try:
            self.msg = dns.message.from_wire(wire, ignore_trailing=True)
        except Exception:
            pass

    def full_rcode(self):
        return self.msg.rcode() if self.msg else self.rcode


@pytest.fixture(scope="module")
def dnsd():
    d = Dnsd(ZONES)
    yield d
    assert d.stop() == 0


def send(d, wire, timeout=1.0):
    """Send raw bytes, then a good query on the same socket: returns the
    reply to the raw bytes (None when dnsd dropped them) after checking
    that dnsd still answers normally."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, d.addrs[0])
        good = query(edns=opt(), ar_extra=0)
        good = struct.pack("!H", 0x7777) + good[2:]
        s.sendto(good, d.addrs[0])
        first = s.recv(65535)
        if struct.unpack("!H", first[:2])[0] == 0x7777 and wire[:2] != b"\x77\x77":
            reply = None
            answer = first
        else:
            reply = Reply(first)
            answer = s.recv(65535)
    ok = Reply(answer)
    assert ok.rcode == 0 and ok.msg is not None, "dnsd stopped answering normally"
    assert {r.address for rr in ok.msg.answer for r in rr} == ADDRS
    return reply


def assert_error(r, rcode, rd=False, question=False):
    """An error reply: every flag but QR clear (RD copied when the opcode is
    QUERY, RFC 1035 §4.1.1), never TC."""
    assert r is not None, "no reply"
    assert r.id == ID
    assert r.rcode == rcode
    assert r.flags & QR
    assert not r.flags & (AA | TC | RA | Z | AD | CD)
    assert bool(r.flags & RD) == rd
    assert r.an == 0 and r.ns == 0
    assert r.qd == (1 if question else 0)


def assert_answer(r, **kw):
    assert r is not None and r.msg is not None
    assert r.rcode == 0, dns.rcode.to_text(r.rcode)
    assert r.flags & QR and r.flags & RA and not r.flags & AA
    assert {x.address for rr in r.msg.answer for x in rr} == ADDRS
    return r


# ---- the UDP rows ----

CASES = {
    "U1 0-byte datagram: dropped": (b"", None),
    "U2 11-byte header: dropped": (bytes(11), None),
    "U3 QDCOUNT=0: FORMERR": (header(qd=0), ("err", FORMERR, True)),
    "U4 QDCOUNT=1, no question: FORMERR": (header(), ("err", FORMERR, True)),
    "U5 question cut mid-label: FORMERR": (header() + b"\x0amonit", ("err", FORMERR, True)),
    "U6 name without QTYPE/QCLASS: FORMERR": (header() + qname(), ("err", FORMERR, True)),
    "U7 QDCOUNT=2: FORMERR": (header(qd=2) + question() + question(), ("err", FORMERR, True)),
    "U8 label type 0x40: FORMERR": (header() + b"\x41abc\0\0\1\0\1", ("err", FORMERR, True)),
    "U9 label type 0x80: FORMERR": (header() + b"\x81abc\0\0\1\0\1", ("err", FORMERR, True)),
    "U10 name over 255 octets: FORMERR": (header() + (b"\x3f" + b"a" * 63) * 4 + b"\x03abc\0\0\1\0\1",
                                           ("err", FORMERR, True)),
    "U11 pointer to itself: FORMERR": (header() + b"\xc0\x0c\0\1\0\1", ("err", FORMERR, True)),
    "U12 pointer past the end: FORMERR": (header() + b"\x03abc\xc0\xff\0\1\0\1", ("err", FORMERR, True)),
    "U13 two-pointer loop: FORMERR": (header() + b"\xc0\x0e\xc0\x0c\0\1\0\1", ("err", FORMERR, True)),
    "U14 QR=1: dropped": (query(flags=QR | RD), None),
    "U15 opcode IQUERY: NOTIMP": (query(flags=(1 << 11) | RD), ("err", NOTIMP, False)),
    "U15 opcode STATUS: NOTIMP": (query(flags=(2 << 11) | RD), ("err", NOTIMP, False)),
    "U16 opcode 3: NOTIMP": (query(flags=(3 << 11) | RD), ("err", NOTIMP, False)),
    "U16 opcode 6 (DSO): NOTIMP": (query(flags=(6 << 11) | RD), ("err", NOTIMP, False)),
    "U17 opcode 15 with every flag: NOTIMP, flags clear": (
        header(flags=(15 << 11) | AA | TC | RD | RA | Z | AD | CD, qd=0), ("err", NOTIMP, False)),
    "U18 NOTIFY: REFUSED": (query(flags=4 << 11, qtype=6), ("err", REFUSED, False)),
    "U19 UPDATE: NOTIMP": (query(flags=5 << 11), ("err", NOTIMP, False)),
    "U23 RCODE set in a query: FORMERR": (query(flags=RD | 3), ("err", FORMERR, True)),
    "U24 ANCOUNT=1: FORMERR": (header(an=1) + question() + qname() + struct.pack("!HHIH", 1, 1, 60, 4) +
                               bytes(4), ("err", FORMERR, True)),
    "U25 NSCOUNT=1, not IXFR: FORMERR": (header(ns=1) + question() + qname() +
                                         struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4), ("err", FORMERR, True)),
    "U26 ARCOUNT=1, no record: FORMERR": (header(ar=1) + question(), ("err", FORMERR, True)),
    "U27 trailing bytes: FORMERR": (query() + b"junk", ("err", FORMERR, True)),
    "U30 two OPT records: FORMERR": (query(edns=opt() + opt(), ar_extra=1), ("err", FORMERR, True)),
    "U31 OPT owner not the root: FORMERR": (query(edns=opt(owner=qname("x"))), ("err", FORMERR, True)),
    "U32 OPT in the answer section: FORMERR": (header(an=1) + question() + opt(), ("err", FORMERR, True)),
    "U33 OPT RDLENGTH past the end: FORMERR": (query(edns=b"\0" + struct.pack("!HHIH", 41, 1232, 0, 20)),
                                               ("err", FORMERR, True)),
    "U34 option length overruns the OPT: FORMERR": (
        query(edns=opt(options=struct.pack("!HH", 100, 50) + b"abcd")), ("err", FORMERR, True)),
    "U42 CH A: REFUSED": (query(qclass=3), ("err", REFUSED, True, True)),
    "U43 class HS: REFUSED": (query(qclass=4), ("err", REFUSED, True, True)),
    "U43 class 0: REFUSED": (query(qclass=0), ("err", REFUSED, True, True)),
    "U43 class NONE: REFUSED": (query(qclass=254), ("err", REFUSED, True, True)),
    "U46 AXFR over UDP: REFUSED": (query(qtype=252), ("err", REFUSED, True, True)),
    "U47 IXFR over UDP without SOA: REFUSED": (query(qtype=251), ("err", REFUSED, True, True)),
    "U48 QTYPE OPT: FORMERR": (query(qtype=41), ("err", FORMERR, True)),
    "U48 QTYPE TSIG: FORMERR": (query(qtype=250), ("err", FORMERR, True)),
    "U48 QTYPE TKEY: FORMERR": (query(qtype=249), ("err", FORMERR, True)),
    "U48 QTYPE MAILB: FORMERR": (query(qtype=253), ("err", FORMERR, True)),
    "U52 4000-byte query with a junk tail: FORMERR": (query() + bytes(4000 - len(query())),
                                                      ("err", FORMERR, True)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(dnsd, case):
    wire, want = CASES[case]
    r = send(dnsd, wire)
    if want is None:
        assert r is None, "dnsd answered input it should drop"
        return
    kind, rcode, rd = want[:3]
    assert_error(r, rcode, rd=rd and bool(struct.unpack("!H", wire[2:4])[0] & RD) if len(wire) >= 4 else False,
                 question=len(want) > 3)
    assert len(r.wire) <= max(len(wire), 12) + 11 or r.qd, "an error reply larger than the query"


def test_U20_tc_in_query_answered(dnsd):
    assert_answer(send(dnsd, query(flags=RD | TC)))


def test_U21_z_bit_answered_and_cleared(dnsd):
    r = assert_answer(send(dnsd, query(flags=RD | Z)))
    assert not r.flags & Z


def test_U22_ad_cd_answered_cd_copied_ad_clear(dnsd):
    r = assert_answer(send(dnsd, query(flags=RD | AD | CD)))
    assert r.flags & CD and not r.flags & AD


def test_U28_plain_edns0(dnsd):
    r = assert_answer(send(dnsd, query(edns=opt())))
    assert r.msg.edns == 0 and r.msg.payload == 1232


@pytest.mark.parametrize("option", [b"", struct.pack("!HH", 100, 2) + b"ab"])
def test_U29_edns_version_1_badvers(dnsd, option):
    r = send(dnsd, query(edns=opt(version=1, options=option)))
    assert r.rcode == 0 and r.full_rcode() == dns.rcode.BADVERS
    assert r.msg.edns == 0 and list(r.msg.options) == [] and not r.msg.answer and not r.flags & AA


def test_U35_unknown_option_ignored_not_echoed(dnsd):
    r = assert_answer(send(dnsd, query(edns=opt(options=struct.pack("!HH", 100, 4) + b"abcd"))))
    assert list(r.msg.options) == []


def test_U36_unknown_edns_flag_ignored_not_echoed(dnsd):
    r = assert_answer(send(dnsd, query(edns=opt(flags=0x4000))))
    assert r.msg.ednsflags == 0


def test_U37_ext_rcode_in_query_ignored(dnsd):
    assert_answer(send(dnsd, query(edns=opt(ext_rcode=5))))


@pytest.mark.parametrize("payload", [0, 511])
def test_U38_payload_below_512_is_512(dnsd, payload):
    assert_answer(send(dnsd, query(edns=opt(payload=payload))))


def test_U39_short_cookie_ignored(dnsd):
    r = assert_answer(send(dnsd, query(edns=opt(options=struct.pack("!HH", 10, 7) + bytes(7)))))
    assert list(r.msg.options) == []   # cookies are not implemented: ignored (RFC 7873 §5.2)


def test_U40_ecs_family_9_ignored(dnsd):
    ecs = struct.pack("!HHHBB", 8, 4 + 4, 9, 24, 0) + bytes(4)
    assert_answer(send(dnsd, query(edns=opt(options=ecs))))


@pytest.mark.parametrize("name,text", [("version.bind", "dnsd 0.1.0"), ("id.server", "dnsd")])
def test_U41_chaos_txt(dnsd, name, text):
    r = send(dnsd, query(qtype=16, qclass=3, name=name))
    assert r.rcode == 0 and r.flags & AA
    assert [s.decode() for rr in r.msg.answer for x in rr for s in x.strings] == [text]


def test_U44_class_any_answered_from_in(dnsd):
    assert_answer(send(dnsd, query(qclass=255)))


def test_U45_qtype_any_minimal(dnsd):
    r = send(dnsd, query(qtype=255))
    assert r.rcode == 0 and len(r.msg.answer) == 1     # one RRset (RFC 8482)


@pytest.mark.parametrize("qtype", [666, 65535, 0])
def test_U49_unknown_types_nodata(dnsd, qtype):
    r = send(dnsd, query(qtype=qtype))
    assert r.rcode == 0 and not r.msg.answer
    assert [rr.rdtype for rr in r.msg.authority] == [dns.rdatatype.SOA]


def test_U50_mixed_case_echoed_byte_for_byte(dnsd):
    mixed = "MoNiToRiNg.Us-EaSt-2.AmAzOnAwS.CoM"
    wire = query(name=mixed)
    r = send(dnsd, wire)
    qlen = len(qname(mixed)) + 4
    assert r.wire[12:12 + qlen] == wire[12:12 + qlen]
    assert r.an == 3


def test_U51_not_allowed_client_refused_nothing_upstream():
    """RD=1 for a name outside dnsd's data from a client outside --allow:
    REFUSED, and the upstream sees no packet (RFC 5358 §4)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as up:
        up.bind(("127.0.0.1", 0))
        up.settimeout(0.3)
        with Dnsd(ZONES, upstream=("127.0.0.1:%d" % up.getsockname()[1],),
                  args=("--allow", "10.0.0.0/8")) as d:
            r = send_plain(d, query(name="www.example.com"))
            assert_error(r, REFUSED, rd=True, question=True)
            with pytest.raises(socket.timeout):
                up.recvfrom(4096)


def send_plain(d, wire):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        s.sendto(wire, d.addrs[0])
        return Reply(s.recv(65535))


def test_U53_tsig_unknown_key_notauth_badkey(dnsd):
    q = dns.message.make_query(NAME, "A")
    q.use_tsig(dns.tsigkeyring.from_text({"k.": "aGVsbG8gd29ybGQ="}), keyname="k.")
    r = send(dnsd, q.to_wire())
    assert r.rcode == NOTAUTH and r.ar == 1 and r.an == 0 and r.qd == 1
    assert r.wire[-4:-2] == b"\x00\x11"        # TSIG error BADKEY (17)
    assert r.wire[-8:-6] == b"\x00\x00"        # MAC size 0: unsigned
    assert r.wire[-6:-4] == q.to_wire()[:2]      # original ID


# ---- the TCP rows ----

def tcp_connect(d):
    s = socket.create_connection(d.addrs[0], timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def framed(wire):
    return struct.pack("!H", len(wire)) + wire


def read_frame(s):
    head = b""
    while len(head) < 2:
        chunk = s.recv(2 - len(head))
        if not chunk:
            return None
        head += chunk
    n = struct.unpack("!H", head)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return Reply(body)


def closed_within(s, seconds):
    """Seconds until dnsd closed the connection; None if still open then."""
    s.settimeout(seconds)
    start = time.monotonic()
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def still_serves(d):
    assert assert_answer(send(d, query()))
    with tcp_connect(d) as s:
        s.sendall(framed(query()))
        assert_answer(read_frame(s))


def test_T1_zero_length_prefix_closes(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(b"\0\0")
        assert closed_within(s, 2) is not None
    still_serves(dnsd)


def test_T2_frame_shorter_than_a_header_closes(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(b"\0\x02AB")
        assert closed_within(s, 2) is not None
    still_serves(dnsd)


def test_T3_three_pipelined_queries(dnsd):
    with tcp_connect(dnsd) as s:
        wires = [struct.pack("!H", 100 + i) + query()[2:] for i in range(3)]
        s.sendall(b"".join(framed(w) for w in wires))
        ids = sorted(read_frame(s).id for _ in range(3))
    assert ids == [100, 101, 102]


def test_T4_split_prefix_and_bytewise_query(dnsd):
    wire = framed(query())
    with tcp_connect(dnsd) as s:
        s.sendall(wire[:1])
        time.sleep(0.05)
        s.sendall(wire[1:])
        assert_answer(read_frame(s))
        for b in wire:
            s.sendall(bytes([b]))
            time.sleep(0.02)
        assert_answer(read_frame(s))


def test_T5_query_then_shutdown_answered(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(framed(query()))
        s.shutdown(socket.SHUT_WR)
        assert_answer(read_frame(s))


def test_T6_good_garbage_good(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(framed(query()) + framed(b"abcde") + framed(query()))
        assert_answer(read_frame(s))
        assert read_frame(s) is None      # closed at the garbage
    still_serves(dnsd)


def test_T7_slowloris_closed_after_bounded_timeout(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(struct.pack("!H", 200) + bytes(33))
        took = closed_within(s, 6)
    assert took is not None and 2.5 <= took <= 4.5, took
    still_serves(dnsd)


def test_T8_idle_connection_closed():
    with Dnsd(ZONES, args=("--tcp-idle-timeout", "2")) as d:
        with tcp_connect(d) as s:
            took = closed_within(s, 6)
        assert took is not None and 1.5 <= took <= 3.5, took


def test_T9_a_thousand_idle_connections_do_not_stop_service():
    with Dnsd(ZONES) as d:
        conns = []
        try:
            for _ in range(1000):
                conns.append(socket.create_connection(d.addrs[0], timeout=5))
            start = time.monotonic()
            still_serves(d)
            assert time.monotonic() - start < 1.0
        finally:
            for c in conns:
                c.close()


def test_T10_axfr_over_tcp_refused(dnsd):
    with tcp_connect(dnsd) as s:
        s.sendall(framed(query(qtype=252)))
        r = read_frame(s)
    assert_error(r, REFUSED, rd=True, question=True)


def test_error_replies_are_rate_limited():
    with Dnsd(ZONES, args=("--error-rate", "20")) as d:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.3)
            for _ in range(200):
                s.sendto(query(qclass=4), d.addrs[0])
            got = 0
            try:
                while True:
                    s.recv(4096)
                    got += 1
            except socket.timeout:
                pass
        assert 1 <= got <= 40, got
        still_serves(d)


# ---- RFC 8906 §8, with dig ----

def dig(d, *args):
    out = subprocess.run([tool("dig"), "-p", str(d.port), "@" + d.host, "+tries=1", "+time=2"] +
                         list(args), capture_output=True, text=True, timeout=10).stdout
    return out


RFC8906 = {
    "8.1.1 plain DNS": (["+norec", "+noedns", "soa", NAME], ["status: NOERROR", "IN\tSOA"], ["OPT"]),
    "8.1.2 unknown type": (["+norec", "+noedns", "type1000", NAME], ["status: NOERROR", "ANSWER: 0"], []),
    "8.1.3.1 CD": (["+norec", "+noedns", "+cd", "soa", NAME], ["flags: qr ra cd;"], []),
    "8.1.3.2 AD": (["+norec", "+noedns", "+ad", "soa", NAME], ["status: NOERROR"], [" ad"]),
    "8.1.3.5 Z": (["+norec", "+noedns", "+zflag", "soa", NAME], ["status: NOERROR"], ["MBZ"]),
    "8.1.4 unknown opcode": (["+noedns", "+opcode=15", "+header-only", NAME],
                             ["status: NOTIMP"], [" aa", " tc"]),
    "8.1.5 TCP": (["+norec", "+noedns", "+tcp", "soa", NAME], ["status: NOERROR", "IN\tSOA"], []),
    "8.2.1 EDNS": (["+norec", "+edns=0", "soa", NAME], ["status: NOERROR", "EDNS: version: 0"], []),
    "8.2.2 EDNS version": (["+norec", "+edns=1", "+noednsneg", "soa", NAME],
                           ["status: BADVERS", "EDNS: version: 0", "ANSWER: 0"], [" aa"]),
    "8.2.3 unknown option": (["+norec", "+ednsopt=100", "soa", NAME], ["status: NOERROR"], ["OPT=100"]),
    "8.2.4 unknown EDNS flag": (["+norec", "+ednsflags=0x40", "soa", NAME], ["flags:; udp: 1232"], ["MBZ"]),
    "8.2.5 version and option": (["+norec", "+edns=1", "+noednsneg", "+ednsopt=100", "soa", NAME],
                                 ["status: BADVERS"], ["OPT=100"]),
    "8.2.6 DO bit": (["+norec", "+dnssec", "soa", NAME], ["flags: do; udp: 1232"], []),
    "8.2.7 EDNS over TCP": (["+norec", "+tcp", "+edns=0", "soa", NAME], ["EDNS: version: 0"], []),
}


@pytest.mark.parametrize("check", list(RFC8906))
def test_rfc8906(dnsd, check):
    args, must, must_not = RFC8906[check]
    out = dig(dnsd, *args)
    for text in must:
        assert text in out, (check, text, out)
    for text in must_not:
        assert text not in out, (check, text, out)
