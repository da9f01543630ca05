# tests/integration/test_firewall_example.py - contrib/firewall/, the DNS Firewall example the README links, works.
"""contrib/firewall/run starts NSD ("the internet") and dnsd (the prod and
staging VPCs with DNS Firewall rule groups from an AWS CLI capture) on
loopback addresses; with --check it digs every answer
contrib/firewall/README.md promises (a block for one VPC, an alert for
the other, an override to a walled garden, the inbound endpoint), tries
its two SIGHUP experiments and exits non-zero on any mismatch."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import dns.message
import dns.query
import dns.rcode
import pytest

from tests.integration.harness import DNSD, SRCDIR, tool

RUN = os.path.join(SRCDIR, "contrib", "firewall", "run")
ADDRS = ("127.0.4.1", "127.0.4.10", "127.0.4.20", "127.0.4.53")

pytestmark = pytest.mark.skipif(
    not shutil.which("nsd", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin"),
    reason="NSD is not installed")


def port_free_everywhere():
    """A port free for UDP and TCP on every address of the example."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        socks = []
        try:
            for host in ADDRS:
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    socks.append(s)
                    s.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no port free on all of " + " ".join(ADDRS))


def run_env():
    env = dict(os.environ, DNSD=DNSD)
    env["PATH"] = os.path.dirname(tool("dig")) + ":" + env.get("PATH", "")
    return env


def test_firewall_example_check_passes():
    tool("dig")
    out = subprocess.run(["bash", RUN, "--check", "--port", str(port_free_everywhere())],
                         capture_output=True, text=True, timeout=180, env=run_env(),
                         errors="replace")
    report = f"exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    assert out.returncode == 0, report
    assert "# all passed" in out.stdout, report
    assert not re.search(r"^FAIL", out.stdout, re.M), report
    # every section ran, both experiments included
    assert len(re.findall(r"^ok ", out.stdout, re.M)) >= 24, report
    assert out.stdout.count("ok    dnsd reloaded") == 2, report
    assert "# experiment 2: the prod VPC's firewall fails" in out.stdout, report


def test_firewall_example_runs_until_stopped_and_cleans_up():
    port = port_free_everywhere()
    proc = subprocess.Popen(["bash", RUN, "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=run_env(),
                            errors="replace")
    lines = []
    try:
        deadline = time.monotonic() + 60
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops everything") or time.monotonic() > deadline:
                break
        text = "".join(lines)
        assert "Ctrl-C stops everything" in text, text
        dnsd_pid = int(re.search(r"kill -HUP (\d+)", text).group(1))
        tmp = re.search(r"^Logs: (\S+)/\{", text, re.M).group(1)
        assert os.path.isdir(tmp)
        assert f"dig -p {port} @127.0.4.10 c2.malware.example" in text, text
        # the prod VPC's malware block, as printed
        m = dns.query.udp(dns.message.make_query("c2.malware.example.", "A"), "127.0.4.10",
                          port=port, timeout=5)
        assert m.rcode() == dns.rcode.NXDOMAIN, m
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 143, "".join(lines) + rest
    with pytest.raises(ProcessLookupError):
        os.kill(dnsd_pid, 0)
    assert not os.path.exists(tmp)
    for host in ADDRS:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((host, port))     # nothing listens there any more
