# tests/integration/test_onprem_example.py - contrib/onprem/, the worked example the README links, works.
"""contrib/onprem/run starts NSD (the corporate DNS), dnsd (the prod VPC's
resolver, with its inbound endpoint on 127.0.0.53) and Unbound (the
on-premises resolver) on loopback addresses; with --check it digs every
answer contrib/onprem/README.md promises, tries its SIGHUP experiment and
exits non-zero on any mismatch. These tests run it with the dnsd under test
on a port free on all of its addresses."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import dns.message
import dns.query
import pytest

from tests.integration.harness import DNSD, SRCDIR, addresses, tool

RUN = os.path.join(SRCDIR, "contrib", "onprem", "run")
# every address the example listens on (all on lo)
ADDRS = ("127.0.0.1", "127.0.0.2", "127.0.0.53", "127.0.1.1", "127.0.1.2")

pytestmark = pytest.mark.skipif(
    not all(shutil.which(p, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin")
            for p in ("nsd", "unbound")),
    reason="NSD or Unbound is not installed")


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


def test_onprem_example_check_passes():
    tool("dig")
    out = subprocess.run(["bash", RUN, "--check", "--port", str(port_free_everywhere())],
                         capture_output=True, text=True, timeout=180, env=run_env(),
                         errors="replace")
    report = f"exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    assert out.returncode == 0, report
    assert "# all passed" in out.stdout, report
    assert not re.search(r"^FAIL", out.stdout, re.M), report
    # every section ran, the reload experiment (dnsd-control reload) included
    assert len(re.findall(r"^ok ", out.stdout, re.M)) >= 25, report
    assert "ok    dnsd reloaded" in out.stdout, report


def test_onprem_example_runs_until_stopped_and_cleans_up():
    port = port_free_everywhere()
    proc = subprocess.Popen(["bash", RUN, "--port", str(port), "--upstream", "127.0.0.1:9"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=run_env(), errors="replace")
    lines = []
    try:
        deadline = time.monotonic() + 60
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops everything") or time.monotonic() > deadline:
                break
        text = "".join(lines)
        assert "Ctrl-C stops everything" in text, text
        dnsd_pid = int(re.search(r"dnsd is pid (\d+)", text).group(1))
        assert re.search(r"dnsd-control -s \S+/control reload", text), text
        tmp = re.search(r"^Logs: (\S+)/\{", text, re.M).group(1)
        assert os.path.isdir(tmp)
        # the printed dig commands name the chosen port
        assert f"dig -p {port} @127.0.1.2 www.corp.internal" in text, text
        # the office resolves the VPC's private zone through the inbound endpoint
        q = dns.message.make_query("www.corp.internal.", "A")
        m = dns.query.udp(q, "127.0.1.2", port=port, timeout=5)
        assert addresses(m) == ["10.0.1.200"], m
    finally:
        # SIGTERM, not SIGINT: a shell started with SIGINT ignored (a background
        # job of a script) cannot trap it
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 143, "".join(lines) + rest
    # everything it started is gone, and so is its directory
    with pytest.raises(ProcessLookupError):
        os.kill(dnsd_pid, 0)
    assert not os.path.exists(tmp)
    for host in ADDRS:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((host, port))     # nothing listens there any more
