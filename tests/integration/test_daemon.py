# tests/integration/test_daemon.py - the running daemon: workers, signals, logs, descriptors.
import os
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.message
import dns.opcode
import dns.query
import pytest

from tests.integration.harness import (DEAD_UPSTREAM, DNSD, ZONES, Dnsd, World, addresses,
                                      file_lines, rcode, tool)

CW = "vpce-099deb00b40f00e22-lj2wisx3.monitoring.us-east-2.vpce.amazonaws.com"
CW_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]


def rotations(seq):
    return [list(seq[i:]) + list(seq[:i]) for i in range(len(seq))]


def ask_from(sock, d, name, rdtype="A"):
    q = dns.message.make_query(name, rdtype)
    return addresses(dns.query.udp(q, d.host, port=d.port, sock=sock, timeout=3))


# ---- workers ----

def test_each_worker_rotates_on_its_own_counters():
    """With two workers, a client's queries from one socket reach one
    worker (SO_REUSEPORT hashes the address pair) and rotate by one; each
    worker counts for itself, so fresh sockets see every answer whole."""
    with Dnsd(ZONES, args=("--workers", "2")) as d:
        for _ in range(3):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                seen = [ask_from(s, d, CW) for _ in range(4)]
            first = rotations(CW_ADDRS).index(seen[0])
            assert seen[:3] == rotations(CW_ADDRS)[first:] + rotations(CW_ADDRS)[:first]
            assert seen[3] == seen[0]
        d.reload()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            seen = [sorted(ask_from(s, d, CW)) for _ in range(4)]
        assert seen == [sorted(CW_ADDRS)] * 4


# ---- signals ----

def stats_line(d):
    start = d.mark()
    d.proc.send_signal(signal.SIGUSR1)
    line = d.wait_log(r"statistics: ", start=start)
    names = {"queries": "quer(?:y|ies)", "tcp": "over TCP", "local": "answered locally",
             "errors": "error repl(?:y|ies)", "forwarded": "forwarded", "dropped": "dropped",
             "upstream": "answered by upstreams", "cache": "from the cache",
             "servfail": "SERVFAIL", "connections": "connections?",
             "fd_closes": "closed for lack of file descriptors", "reloads_ok": "ok",
             "reloads_failed": "failed"}
    fields = {}
    for key, rx in names.items():
        m = re.search(rf"(\d+) {rx}\b", line)
        assert m, (rx, line)
        fields[key] = int(m.group(1))
    return line, fields


def test_sigusr1_logs_statistics_and_dnsd_keeps_answering():
    """dnsmasq users send USR1 for statistics; dnsd logs them and goes on."""
    for workers in ("1", "2"):
        with Dnsd(ZONES, args=("--workers", workers)) as d:
            assert d.query("monitoring.us-east-2.amazonaws.com").answer
            assert d.query("monitoring.us-east-2.amazonaws.com", tcp=True).answer
            assert rcode(d.query("www.example.org")) == "SERVFAIL"  # dead upstream
            q = dns.message.make_query("example.org", "A")
            q.set_opcode(dns.opcode.STATUS)
            assert rcode(d.send(q)) == "NOTIMP"
            assert d.raw(b"\x00\x01\x80\x00" + bytes(8), timeout=0.3) is None  # QR set
            d.reload()
            line, f = stats_line(d)
            assert f["queries"] == 5 and f["tcp"] == 1, line
            assert f["local"] == 2 and f["errors"] == 1, line
            assert f["forwarded"] == 1 and f["dropped"] == 1, line
            assert f["servfail"] == 1 and f["upstream"] == 0 and f["cache"] == 0, line
            assert f["connections"] == 1 and f["fd_closes"] == 0, line
            assert f["reloads_ok"] == 1 and f["reloads_failed"] == 0, line
            assert re.search(rf"; {workers} workers?, up \d+ s$", line), line
            # still serving, and a second request is answered too
            assert d.query("monitoring.us-east-2.amazonaws.com").answer
            line, f = stats_line(d)
            assert f["queries"] == 6, line
        assert d.proc.returncode == 0


# ---- logs ----

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z dnsd: ")
BROKEN = "Vpcs:\n  - VpcId: vpc-1\n    CidrBlock: 10.0.0.0/33\n"


class Raw:
    """dnsd with a stderr and environment of the test's making; lines as read."""

    def __init__(self, args, env=None, journal=False, preexec=None, cmd_prefix=()):
        r, w = os.pipe()
        env = dict(os.environ if env is None else env)
        if journal:
            st = os.fstat(w)
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        if not any(str(a).startswith("--control") for a in args):
            args = list(args) + ["--control", "none"]  # not the build tree's default
        self.proc = subprocess.Popen(list(cmd_prefix) + [DNSD] + list(args), stderr=w,
                                     stdout=subprocess.DEVNULL, env=env, preexec_fn=preexec)
        os.close(w)
        self.fd = r
        self.buf = b""
        self.lines = []
        self.pos = 0

    def _more(self, timeout):
        """Read what is there into lines; False at the end of output."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        data = os.read(self.fd, 65536)
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        self.lines += [l.decode(errors="replace") for l in done]
        return bool(data)

    def wait_for(self, pattern, timeout=10):
        """The next line (after the last one found) matching pattern."""
        deadline = time.monotonic() + timeout
        while True:
            while self.pos < len(self.lines):
                line = self.lines[self.pos]
                self.pos += 1
                if re.search(pattern, line):
                    return line
            if time.monotonic() > deadline or not self._more(deadline - time.monotonic()):
                raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(self.lines))

    def port(self):
        line = next(l for l in self.lines if "started: " in l)
        return int(re.search(r"listening on 127\.0\.0\.1:(\d+)", line).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(10)
        while self._more(1):
            pass
        os.close(self.fd)
        log = "\n".join(self.lines)
        assert not re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", log), log
        return rc


def test_every_log_line_has_a_timestamp_also_errors_during_a_reload():
    """The operations log and the text query log (a file of its own) both
    stamp every line."""
    with World() as w:
        shutil.copytree(ZONES, os.path.join(w.dir, "z"))
        qlog = os.path.join(w.dir, "query.log")
        with Dnsd(w.dir, args=("--query-log", qlog, "--query-log-format", "text",
                               "-v")) as d:
            d.query("monitoring.us-east-2.amazonaws.com")
            w.write("bad.yaml", BROKEN)
            assert "reload failed" in d.reload()
            stats_line(d)
        queries = file_lines(qlog)
    lines = d.log().splitlines()
    assert any(re.search(r"bad\.yaml:3: error: ", l) for l in lines), lines
    assert not any("client=" in l for l in lines), "query lines in the operations log"
    assert len(queries) == 1 and " client=127.0.0.1:" in queries[0], queries
    for line in lines:
        assert TIMESTAMP.match(line), line
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z client=", queries[0]), queries


def test_journal_stream_gets_priority_prefixes_and_no_timestamps():
    """Under systemd (JOURNAL_STREAM names stderr) each line starts with its
    syslog priority; journald stamps the time itself."""
    with World() as w:
        shutil.copytree(ZONES, os.path.join(w.dir, "z"))
        d = Raw(["--zones", w.dir, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM,
                 "--control", "none", "-v"], journal=True)
        assert d.wait_for(r"started: ").startswith("<5>started: 2 VPCs")
        q = dns.message.make_query("monitoring.us-east-2.amazonaws.com", "A")
        dns.query.udp(q, "127.0.0.1", port=d.port(), timeout=3)
        w.write("bad.yaml", BROKEN)
        d.proc.send_signal(signal.SIGHUP)
        assert d.wait_for(r"reloading").startswith("<5>reloading ")
        assert re.match(r"<3>\S+/bad\.yaml:3: error: ", d.wait_for(r"bad\.yaml:3: error"))
        assert d.wait_for(r"reload failed").startswith("<3>error: reload failed with 1 error;")
        d.proc.send_signal(signal.SIGUSR1)
        assert d.wait_for(r"statistics: ").startswith("<5>statistics: 1 query ")
        assert d.stop() == 0
    for line in d.lines:
        assert re.match(r"<[3-7]>\S", line), line
        assert not TIMESTAMP.search(line), line


def test_inherited_journal_stream_of_another_stderr_is_ignored():
    d = Raw(["--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM],
            env=dict(os.environ, JOURNAL_STREAM="8:12345"))
    assert TIMESTAMP.match(d.wait_for(r"started: "))
    assert d.stop() == 0


def test_syslog_option_logs_through_syslog_with_priorities():
    """--syslog: syslog(3) writes to /dev/log; the test puts its own socket
    there in a mount namespace of its own (unshare, no privileges needed)."""
    tool("unshare")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(10)
        script = ('mount -t tmpfs tmpfs /dev && touch /dev/log && '
                  f'mount --bind {path} /dev/log && exec "$0" "$@"')
        d = Raw(["--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM,
                 "--syslog"], cmd_prefix=("unshare", "--user", "--map-root-user", "--mount",
                                          "sh", "-c", script))
        try:
            msgs = []
            while not any("started: " in m for m in msgs):
                msgs.append(sock.recv(4096).decode())
            d.proc.send_signal(signal.SIGUSR1)
            while not any("statistics: " in m for m in msgs):
                msgs.append(sock.recv(4096).decode())
        finally:
            rc = d.stop()
            sock.close()
    assert rc == 0
    # facility daemon (3) * 8 + notice (5) = 29
    started = next(m for m in msgs if "started: " in m)
    assert re.match(rf"<29>.* dnsd\[{d.proc.pid}\]: started: 2 VPCs", started), started
    assert any(re.match(r"<29>.* dnsd\[\d+\]: statistics: 0 queries", m) for m in msgs), msgs
    assert d.lines == [], d.lines  # nothing on stderr


# ---- descriptors ----

def test_closes_for_lack_of_descriptors_are_summed_up_per_interval():
    """With few descriptors every new TCP connection closes the longest idle
    one: one line when it starts, then one line per 10 s with the count,
    not one line per connection."""
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    d = Raw(["--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM,
             "--tcp-idle-timeout", "60"], preexec=low_limit)
    conns = []
    try:
        d.wait_for(r"started: ")
        for _ in range(200):
            conns.append(socket.create_connection(("127.0.0.1", d.port()), timeout=3))
        deadline = time.monotonic() + 10
        while True:  # until dnsd has accepted every one
            d.proc.send_signal(signal.SIGUSR1)
            stats = d.wait_for(r"statistics: ")
            accepted = int(re.search(r"(\d+) connections", stats).group(1))
            if accepted == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert accepted == 200, stats
        closed = int(re.search(r"(\d+) closed for lack of file descriptors", stats).group(1))
        assert 100 < closed < 200, stats
        summary = d.wait_for(r"TCP connections? for lack of file descriptors in the last", 15)
    finally:
        for c in conns:
            c.close()
        rc = d.stop()
    assert rc == 0
    first = [l for l in d.lines if "out of file descriptors" in l]
    assert len(first) == 1, first
    assert re.search(rf"closed {closed - 1} TCP connections for lack of file descriptors in "
                     r"the last 10 s$", summary), (summary, closed)
    per_close = [l for l in d.lines if "descriptor" in l and "statistics" not in l and
                 "limit" not in l]
    assert len(per_close) == 2, per_close


# ---- systemd's notify protocol ----

def notify_socket(tmp, abstract):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = f"@dnsd-test-notify-{os.getpid()}-{time.monotonic_ns()}"
        s.bind("\0" + name[1:])
    else:
        name = os.path.join(tmp, "notify")
        s.bind(name)
    s.settimeout(10)
    return s, name


def expect(sock, *fields):
    """The next notify message: its fields as a dict; fields must be in it."""
    msg = dict(l.split("=", 1) for l in sock.recv(4096).decode().splitlines())
    for f in fields:
        k, v = f.split("=", 1)
        assert msg.get(k) == v or (v == "*" and k in msg), (f, msg)
    return msg


@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_sd_notify_ready_reloading_stopping(abstract):
    """Type=notify without libsystemd: dnsd writes READY=1 once it answers,
    RELOADING=1 (with MONOTONIC_USEC) and READY=1 around each reload (also
    a failed one, which keeps serving), STOPPING=1 when asked to stop."""
    with tempfile.TemporaryDirectory() as tmp, World() as w:
        shutil.copytree(ZONES, os.path.join(w.dir, "z"))
        sock, name = notify_socket(tmp, abstract)
        d = Raw(["--zones", w.dir, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM],
                env=dict(os.environ, NOTIFY_SOCKET=name))
        try:
            msg = expect(sock, "READY=1", "STATUS=serving 2 VPCs, 9 endpoints")
            d.wait_for("started: ")
            q = dns.message.make_query("monitoring.us-east-2.amazonaws.com", "A")
            assert dns.query.udp(q, "127.0.0.1", port=d.port(), timeout=3).answer
            d.proc.send_signal(signal.SIGHUP)
            msg = expect(sock, "RELOADING=1", "MONOTONIC_USEC=*")
            assert abs(int(msg["MONOTONIC_USEC"]) - time.monotonic_ns() // 1000) < 10_000_000
            expect(sock, "READY=1", "STATUS=serving 2 VPCs, 9 endpoints")
            w.write("bad.yaml", BROKEN)
            d.proc.send_signal(signal.SIGHUP)
            expect(sock, "RELOADING=1")
            expect(sock, "READY=1",
                   "STATUS=reload failed with 1 error; serving the previous data")
            d.proc.send_signal(signal.SIGTERM)
            expect(sock, "STOPPING=1")
        finally:
            rc = d.stop()
            sock.close()
    assert rc == 0
    assert not any("NOTIFY_SOCKET" in l for l in d.lines), d.lines


def test_unreachable_notify_socket_is_a_warning():
    d = Raw(["--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream", DEAD_UPSTREAM],
            env=dict(os.environ, NOTIFY_SOCKET="/nonexistent/notify"))
    line = d.wait_for("NOTIFY_SOCKET")
    assert "warning: NOTIFY_SOCKET=/nonexistent/notify: cannot tell systemd: No such file" in line
    assert d.stop() == 0
