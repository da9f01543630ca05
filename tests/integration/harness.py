# tests/integration/harness.py - start the real dnsd on loopback and query it.
"""Helpers for integration tests.

Every test starts the real ./dnsd binary on 127.0.0.1 (port 0: dnsd picks a
free port and logs it), waits for its "started" log line, queries it with
dnspython, dig or kdig, and stops it. Nothing leaves the loopback interface:
forwarding tests pass --upstream pointing at a loopback server they run.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import dns.message
import dns.query
import dns.rdatatype
import dns.rcode

SRCDIR = os.environ.get("DNSD_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
DNSD = os.environ.get("DNSD", os.path.join(SRCDIR, "dnsd"))
DNSD_CONTROL = os.environ.get("DNSD_CONTROL_PROG",
                              os.path.join(os.path.dirname(DNSD), "dnsd-control"))
ZONES = os.path.join(SRCDIR, "zones")
# Nothing listens here: forwarded queries fail fast (ICMP port unreachable).
DEAD_UPSTREAM = "127.0.0.1:9"


class DnsdError(Exception):
    pass


class Dnsd:
    """A running dnsd. Use as a context manager, or call stop()."""

    def __init__(self, zones=ZONES, listen=("127.0.0.1:0",), upstream=(DEAD_UPSTREAM,),
                 args=(), timeout=10, expect_start=True, wrap=()):
        # wrap: a command prefix, e.g. a Netns's ("ip", "netns", "exec", name)
        cmd = list(wrap) + [DNSD, "--zones", zones]
        # every dnsd gets a control socket of its own, never the shared default
        self.tmpdir = tempfile.mkdtemp(prefix="dnsd-run-")
        self.control = os.path.join(self.tmpdir, "control")
        if not any(str(a).startswith("--control") for a in args):
            cmd += ["--control", self.control]
        for spec in listen:
            cmd += ["--listen", spec]
        for u in upstream:
            cmd += ["--upstream", u]
        cmd += list(args)
        self.cmd = cmd
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, errors="replace")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.addrs = []
        self.metrics_url = None
        if expect_start:
            line = self.wait_log(r"started: ", timeout)
            m = re.search(r"metrics (http://\S+/metrics)", line)
            self.metrics_url = m.group(1) if m else None
            m = re.search(r"listening on (.*?) \(udp, tcp\)", line)
            for spec in m.group(1).split():
                spec = spec.split("=", 1)[0]
                if spec.startswith("["):
                    host, port = spec[1:].split("]:")
                else:
                    host, port = spec.rsplit(":", 1)
                self.addrs.append((host, int(port)))

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # end of output
            self.cond.notify_all()

    @property
    def host(self):
        return self.addrs[0][0]

    @property
    def port(self):
        return self.addrs[0][1]

    def log(self):
        with self.cond:
            return "\n".join(l for l in self.lines if l is not None)

    def wait_log(self, pattern, timeout=10, start=0):
        """Wait for a stderr line matching pattern (from line index start)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        raise DnsdError(f"dnsd exited before logging {pattern!r}:\n" + self.log())
                    if rx.search(line):
                        return line
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DnsdError(f"no {pattern!r} in dnsd's log within {timeout}s:\n" +
                                    self.log())
                self.cond.wait(left)

    def mark(self):
        """Index to pass as start= to wait_log, to look only at later lines."""
        with self.cond:
            return len(self.lines)

    def reload(self, timeout=20):
        """Send SIGHUP and wait for the result; returns the log line."""
        start = self.mark()
        self.proc.send_signal(signal.SIGHUP)
        return self.wait_log(r"reloaded: |reload failed", timeout, start)

    def ctl(self, *args, timeout=60):
        """Run dnsd-control against this dnsd; returns CompletedProcess."""
        return subprocess.run([DNSD_CONTROL, "-s", self.control] + [str(a) for a in args],
                              capture_output=True, text=True, timeout=timeout)

    def ctl_ok(self, *args, timeout=60):
        """dnsd-control that must succeed; returns its standard output."""
        out = self.ctl(*args, timeout=timeout)
        if out.returncode != 0:
            raise DnsdError(f"dnsd-control {' '.join(map(str, args))} exited "
                            f"{out.returncode}:\n{out.stdout}{out.stderr}")
        return out.stdout

    def query(self, name, rdtype="A", tcp=False, addr=None, timeout=3, **kw):
        """Query with dnspython; kw goes to dns.message.make_query."""
        q = dns.message.make_query(name, rdtype, **kw)
        return self.send(q, tcp=tcp, addr=addr, timeout=timeout)

    def send(self, q, tcp=False, addr=None, timeout=3):
        host, port = addr or self.addrs[0]
        if tcp:
            return dns.query.tcp(q, host, port=port, timeout=timeout)
        return dns.query.udp(q, host, port=port, timeout=timeout, ignore_trailing=True)

    def raw(self, wire, addr=None, timeout=1.0, tcp=False):
        """Send raw bytes over UDP; returns the reply bytes, or None on no reply."""
        host, port = addr or self.addrs[0]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(wire, (host, port))
            try:
                return s.recv(65535)
            except socket.timeout:
                return None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop dnsd; raises if it crashed or a sanitizer reported anything."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            raise DnsdError("dnsd did not stop within %ss:\n%s" % (timeout, self.log()))
        self.reader.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        log = self.log()
        if re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", log):
            raise DnsdError("sanitizer report:\n" + log)
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        rc = self.stop()
        if exc[0] is None and rc != 0:
            raise DnsdError(f"dnsd exited with {rc}:\n" + self.log())


def run_dnsd(args, timeout=30):
    """Run dnsd to completion (--check, --help...); returns CompletedProcess."""
    return subprocess.run([DNSD] + list(args), capture_output=True, text=True,
                          timeout=timeout, errors="replace")


class World:
    """A temporary definitions directory."""

    def __init__(self, files=None):
        self.dir = tempfile.mkdtemp(prefix="dnsd-world-")
        for name, text in (files or {}).items():
            self.write(name, text)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def remove(self, name):
        os.unlink(os.path.join(self.dir, name))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


def wait_file_line(path, pattern, timeout=10, after=0):
    """The first line of a file matching pattern, among lines after index
    `after`; waits for it (a query log is written when a batch ends)."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines[after:]:
            if rx.search(line):
                return line
        if time.monotonic() > deadline:
            raise DnsdError(f"no {pattern!r} in {path} within {timeout}s:\n" +
                            "\n".join(lines[-20:]))
        time.sleep(0.02)


def file_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def loaded_summary(zones=ZONES):
    """What dnsd --check says it loaded: {"VPCs": 2, "endpoints": 9, "zones":
    ..., "names": ..., "records": ..., "files": ...} and the text as status
    and reload replies put it ("2 VPCs, 9 endpoints, ... in N files")."""
    out = run_dnsd(["--check", "--zones", zones])
    m = re.search(r": ok: (\d+ VPCs?, \d+ endpoints?, \d+ zones?, \d+ names?, \d+ records? in "
                  r"\d+ files?),", out.stderr)
    assert m, out.stderr
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (\w+)", m.group(1))}
    counts = {("VPCs" if k.startswith("VPC") else k if k.endswith("s") else k + "s"): v
              for k, v in counts.items()}
    return counts, m.group(1)


def tool(name):
    """Path of a client tool (dig, kdig, drill); tests fail, not skip, when absent."""
    path = shutil.which(name)
    if not path:
        raise DnsdError(f"{name} is not installed (.ci/run installs it)")
    return path


def dig(*args, port, server="127.0.0.1", timeout=5):
    out = subprocess.run([tool("dig"), "-p", str(port), "@" + server] + list(args),
                         capture_output=True, text=True, timeout=timeout)
    return out.stdout


def kdig(*args, port, server="127.0.0.1", timeout=5):
    out = subprocess.run([tool("kdig"), "-p", str(port), "@" + server] + list(args),
                         capture_output=True, text=True, timeout=timeout)
    return out.stdout


def addresses(msg, rdtype="A"):
    """The addresses in a reply's answer section, in order."""
    t = dns.rdatatype.from_text(rdtype)
    return [r.address for rrset in msg.answer if rrset.rdtype == t for r in rrset]


def rcode(msg):
    return dns.rcode.to_text(msg.rcode())
