# tests/integration/test_dnsdist_example.py - contrib/dnsdist/, the recipe "Serving many clients" links, works.
"""contrib/dnsdist/run starts two dnsd instances, each with a listener per
VPC, and Debian's dnsdist in front of them with a pool per VPC and health
checks; with --check it digs through dnsdist from both VPCs, stops one
dnsd and checks that dnsdist takes it out within seconds while the other
answers every query, starts it again, reloads both, and exits non-zero on
any mismatch. This runs it with the dnsd under test on a port free on all
of its addresses."""
import os
import re
import shutil
import socket
import subprocess

from tests.integration.harness import DNSD, SRCDIR

RUN = os.path.join(SRCDIR, "contrib", "dnsdist", "run")
CONF = os.path.join(SRCDIR, "contrib", "dnsdist", "dnsdist.conf")
ADDRS = ("127.0.2.1", "127.0.2.11", "127.0.2.12", "127.0.2.21", "127.0.2.22")


def dnsdist():
    path = shutil.which("dnsdist", path=os.environ.get("PATH", "") + ":/usr/bin:/usr/sbin")
    assert path, "dnsdist is not installed (.ci/packages: dnsdist)"
    return path


def port_free_everywhere():
    """A port free for UDP and TCP on every address of the recipe, whose
    console port (port + 99 on dnsdist's address) is free too."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 99 > 65535:
            continue
        socks = []
        try:
            for host in ADDRS:
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    socks.append(s)
                    s.bind((host, port))
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((ADDRS[0], port + 99))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no port free on every address of the recipe")


def test_the_configuration_is_valid():
    out = subprocess.run([dnsdist(), "--check-config", "-C", CONF], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr


def test_run_check_passes():
    dnsdist()
    port = port_free_everywhere()
    out = subprocess.run([RUN, "--check", "--port", str(port), "--dnsd", DNSD],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "# all passed" in out.stdout
    # the health checks did the work: the stopped dnsd was taken out, then back
    assert "ok    dnsd-a/prod down after" in out.stdout
    assert "ok    50 queries, all answered by dnsd B" in out.stdout
    assert "ok    dnsd-a/prod up after" in out.stdout
    assert not re.search(r"^FAIL ", out.stdout, re.M)
