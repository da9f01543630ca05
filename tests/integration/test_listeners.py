# tests/integration/test_listeners.py - listeners: inbound endpoint addresses without a cap, ports below 1024 without privileges.
"""The listeners dnsd opens: every --listen address and every address of an
inbound Resolver endpoint that this host has. 127.0.0.0/8 is all loopback
on Linux, so any 127.x.y.z address is "on this host" without setup."""
import os
import re
import shutil
import signal
import socket
import subprocess

import dns.message
import dns.query
import pytest

from tests.integration.harness import (DEAD_UPSTREAM, DNSD, ZONES, Dnsd, DnsdError, World,
                                      addresses, tool)

PROD = "vpc-0a1b2c3d4e5f60718"
MON = "monitoring.us-east-2.amazonaws.com"
MON_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
PER_ENDPOINT = 6  # addresses per inbound endpoint in these worlds (AWS allows a handful)


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
        t.bind((host, 0))
        return t.getsockname()[1]


def inbound_world(addrs):
    """The shipped zones plus inbound endpoints in prod holding addrs."""
    w = World()
    shutil.copytree(ZONES, os.path.join(w.dir, "shipped"))
    eps = []
    for k in range(0, len(addrs), PER_ENDPOINT):
        ips = ", ".join(f"{{Ip: {a}}}" for a in addrs[k:k + PER_ENDPOINT])
        eps.append(f"  - {{Id: rslvr-in-{k // PER_ENDPOINT:017x}, Direction: INBOUND, "
                   f"HostVPCId: {PROD}, IpAddresses: [{ips}]}}\n")
    w.write("inbound.yaml", "ResolverEndpoints:\n" + "".join(eps))
    return w


def loopback(n, base="127.1"):
    return [f"{base}.{i // 250}.{i % 250 + 1}" for i in range(n)]


# ---- issue 13: no cap on inbound listeners ----

@pytest.mark.parametrize("total", [63, 64, 65, 300])
def test_every_inbound_address_gets_a_listener_past_64(total):
    """The old fixed array held 64 listeners (one --listen and 63 inbound
    addresses) and dropped the rest; now every address answers, at N-1, N,
    N+1 and far past."""
    addrs = loopback(total - 1)
    port = free_port()
    with inbound_world(addrs) as w, \
            Dnsd(w.dir, args=("--inbound-port", str(port))) as d:
        line = d.wait_log("started: ")
        listed = re.findall(r"(\S+):(\d+)=" + PROD + r"\(inbound\)", line)
        assert [a for a, _ in listed] == addrs and {p for _, p in listed} == {str(port)}
        assert "left out" not in d.log()
        for a in addrs:
            r = dns.query.udp(dns.message.make_query(MON, "A"), a, port=port, timeout=3)
            assert sorted(addresses(r)) == MON_ADDRS, (a, r)
        # TCP too, on the last one
        r = dns.query.tcp(dns.message.make_query(MON, "A"), addrs[-1], port=port, timeout=3)
        assert sorted(addresses(r)) == MON_ADDRS


def test_inbound_address_not_on_this_host_is_named_alone():
    """One endpoint with an address this host has and one it lacks: the
    message names the missing address, and the other one listens."""
    port = free_port()
    with inbound_world(["127.1.9.1", "192.0.2.77"]) as w, \
            Dnsd(w.dir, args=("--inbound-port", str(port))) as d:
        log = d.log()
        assert re.search(r"inbound endpoint rslvr-in-0+: 192\.0\.2\.77 is not an address of "
                         r"this host; not listening there", log), log
        assert f"127.1.9.1:{port}={PROD}(inbound)" in d.wait_log("started: ")
        assert "127.1.9.1 is not" not in log


# ---- ports below 1024 without privileges ----

def unprivileged():
    """Run as nobody when the tests run as root; as we are otherwise."""
    start = int(open("/proc/sys/net/ipv4/ip_unprivileged_port_start").read())
    if start <= 53:
        raise DnsdError(f"net.ipv4.ip_unprivileged_port_start is {start}: every user may "
                        "bind port 53 here, so these tests cannot check the refusal")
    if os.geteuid() != 0:
        return []
    return [tool("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def readable(w):
    """A World that nobody may read."""
    for root, dirs, files in os.walk(w.dir):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return w


def run_as_user(args, timeout=10):
    return subprocess.run(unprivileged() + [DNSD, "--control", "none"] + args,
                          capture_output=True, text=True,
                          timeout=timeout)


def test_port_53_without_privilege_names_the_fixes():
    out = run_as_user(["--zones", ZONES, "--listen", "127.0.0.1:53", "--upstream",
                       DEAD_UPSTREAM])
    assert out.returncode == 3, out.stderr
    err = out.stderr
    assert "cannot listen on 127.0.0.1:53 (udp): permission denied: ports below 1024 need the " \
           "CAP_NET_BIND_SERVICE capability" in err, err
    assert re.search(r"setcap cap_net_bind_service=\+ep /\S+/dnsd", err), err
    assert "dnsd.service" in err and "--listen ADDR:5300" in err, err


def start_as_user(zones, *args):
    cmd = unprivileged() + [DNSD, "--control", "none", "--zones", zones, "--listen",
                            "127.0.0.1:0", "--upstream", DEAD_UPSTREAM] + list(args)
    return subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def wait_started(p):
    lines = []
    for line in p.stderr:
        lines.append(line.rstrip("\n"))
        if "started: " in line:
            return lines
    raise DnsdError("dnsd did not start:\n" + "\n".join(lines))


def stop(p, lines):
    p.send_signal(signal.SIGTERM)
    rc = p.wait(10)
    lines += [l.rstrip("\n") for l in p.stderr]
    log = "\n".join(lines)
    assert not re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", log), log
    return rc, log


def test_inbound_endpoint_on_port_53_without_privilege_is_skipped_with_a_warning():
    """The inbound port defaults to 53: a normal user's dnsd still starts,
    says which addresses it leaves out and why, and serves --listen."""
    with readable(inbound_world(["127.1.8.1", "127.1.8.2"])) as w:
        p = start_as_user(w.dir)
        lines = wait_started(p)
        started = lines[-1]
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", started).group(1))
        r = dns.query.udp(dns.message.make_query(MON, "A"), "127.0.0.1", port=port, timeout=3)
        assert sorted(addresses(r)) == MON_ADDRS
        rc, log = stop(p, lines)
    assert rc == 0, log
    for a in ("127.1.8.1", "127.1.8.2"):
        assert re.search(rf"warning: inbound endpoint address left out: cannot listen on "
                         rf"{a}:53 \(udp\): permission denied: ports below 1024", log), log
    assert "(inbound)" not in started, started


def test_inbound_port_asked_for_without_privilege_is_an_error():
    with readable(inbound_world(["127.1.8.1"])) as w:
        out = run_as_user(["--zones", w.dir, "--listen", "127.0.0.1:0", "--upstream",
                           DEAD_UPSTREAM, "--inbound-port", "53"])
    assert out.returncode == 3, out.stderr
    assert re.search(r"error: cannot listen on 127\.1\.8\.1:53 \(udp\): permission denied: .*"
                     r"--inbound-port 5300", out.stderr), out.stderr
    assert "started: " not in out.stderr


def test_inbound_port_0_turns_inbound_listeners_off():
    with readable(inbound_world(["127.1.8.1"])) as w:
        p = start_as_user(w.dir, "--inbound-port", "0")
        lines = wait_started(p)
        rc, log = stop(p, lines)
    assert rc == 0 and "inbound" not in log, log


def test_inbound_listeners_survive_reloads():
    """An inbound listener's VPC binding outlives the snapshot it came
    from: each reload binds it again (under ASan: no use after free)."""
    port = free_port()
    with inbound_world(["127.1.7.1"]) as w, \
            Dnsd(w.dir, args=("--inbound-port", str(port))) as d:
        for _ in range(3):
            assert "reloaded: " in d.reload()
            r = dns.query.udp(dns.message.make_query(MON, "A"), "127.1.7.1", port=port,
                              timeout=3)
            assert sorted(addresses(r)) == MON_ADDRS
