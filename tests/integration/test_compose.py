# tests/integration/test_compose.py - contrib/compose rehearsed with network namespaces and veth pairs.
"""There is no container runtime here, so this test builds what
`docker compose up` would from contrib/compose/docker-compose.yml, with the
kernel's own parts: a namespace per service, a bridge per network (in a
namespace of its own, as a runtime's host has them), a veth pair per
attachment with the file's static address, and each app's `dns:` as its
/etc/resolv.conf (`ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf).
dnsd runs with the file's command (the build tree's binary and zones/ for
the image's; its forwarding goes nowhere, as the namespaces have no
outside). The apps then run their own commands' lookups: glibc's
getaddrinfo (`getent ahosts`) through resolv.conf, to dnsd on port 53."""
import json
import os
import re
import subprocess

import pytest
import yaml

from tests.integration.harness import DNSD, DNSD_CONTROL, SRCDIR, DnsdError, tool, wait_file_line
from tests.integration.netns import Netns, Switch, require_root

COMPOSE_DIR = os.path.join(SRCDIR, "contrib", "compose")
COMPOSE = os.path.join(COMPOSE_DIR, "docker-compose.yml")
MON = "monitoring.us-east-2.amazonaws.com"
PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"


def compose():
    with open(COMPOSE) as f:
        return yaml.safe_load(f)


def dnsd_argv(spec, control, qlog):
    """The dnsd service's command, for the build tree: the volume's source
    for the image's /etc/dnsd/zones, a control socket and query log of the
    test's, no upstream (nothing outside the namespaces)."""
    mounts = {}
    for v in spec["volumes"]:
        src, dst = v.split(":")[:2]
        mounts[dst] = os.path.normpath(os.path.join(COMPOSE_DIR, src))
    argv = [DNSD]
    for a in spec["command"]:
        argv.append(mounts.get(a, a))
    argv[argv.index("--control") + 1] = control
    argv[argv.index("--query-log") + 1] = qlog
    return argv + ["--upstream", "127.0.0.1:9"]


def lookup_of(spec):
    """The lookup an app's command starts with: `getent ahosts NAME`."""
    m = re.match(r"getent ahosts (\S+);", spec["command"][-1])
    assert m, spec["command"]
    return ["getent", "ahosts", m.group(1)]


class Topology:
    """The compose file's networks and services as namespaces."""

    def __init__(self, c):
        self.switch = Switch()
        self.ns = {}
        try:
            for name, spec in c["services"].items():
                ns = self.ns[name] = Netns(v4=(), v6=())
                for k, (net, attach) in enumerate(spec["networks"].items()):
                    plen = c["networks"][net]["ipam"]["config"][0]["subnet"].split("/")[1]
                    self.switch.plug(ns, "br-" + net, f"eth{k}",
                                     f"{attach['ipv4_address']}/{plen}")
                if "dns" in spec:
                    ns.resolv_conf("".join(f"nameserver {a}\n" for a in spec["dns"]))
        except Exception:
            self.close()
            raise

    def close(self):
        for ns in self.ns.values():
            ns.close()
        self.switch.close()


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    require_root()
    tool("getent")
    c = compose()
    t = Topology(c)
    tmp = tmp_path_factory.mktemp("compose")
    control, qlog, err = str(tmp / "control"), str(tmp / "query.log"), str(tmp / "dnsd.err")
    with open(err, "w") as e:
        proc = subprocess.Popen(t.ns["dnsd"].wrap + tuple(dnsd_argv(c["services"]["dnsd"],
                                                                    control, qlog)),
                                stdout=subprocess.DEVNULL, stderr=e)
    try:
        wait_file_line(err, "started: ", timeout=30)
        t.c, t.control, t.qlog, t.err, t.proc = c, control, qlog, err, proc
        yield t
    finally:
        proc.terminate()
        rc = proc.wait(10)
        t.close()
    log = open(err).read()
    assert rc == 0, log
    assert not re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", log), log


def getent(t, service, name=None):
    argv = lookup_of(t.c["services"][service])
    if name:
        argv[-1] = name
    out = t.ns[service].run(*argv, check=False)
    addrs = sorted({line.split()[0] for line in out.stdout.splitlines()})
    return out.returncode, addrs


def test_the_file_is_what_the_rehearsal_reads():
    c = compose()
    assert c["networks"]["prod"]["ipam"]["config"][0]["subnet"] == "10.0.0.0/16"
    assert c["networks"]["staging"]["ipam"]["config"][0]["subnet"] == "10.1.0.0/16"
    dnsd = c["services"]["dnsd"]
    assert dnsd["networks"]["prod"]["ipv4_address"] == "10.0.0.2"      # VPC base + 2
    assert "--listen" in dnsd["command"] and "0.0.0.0:53" in dnsd["command"]
    for app in ("app-prod", "app-staging"):
        net = next(iter(c["services"][app]["networks"]))
        assert c["services"][app]["dns"] == [dnsd["networks"][net]["ipv4_address"]]
    # the Dockerfile builds with the script the README gives
    docker = open(os.path.join(COMPOSE_DIR, "Dockerfile")).read()
    assert "RUN contrib/debian-build " in docker
    readme = " ".join(open(os.path.join(SRCDIR, "README")).read().split())
    assert "contrib/debian-build && ./dnsd" in readme
    # the packages the README names are those the script installs
    script = open(os.path.join(SRCDIR, "contrib", "debian-build")).read()
    pkgs = script.split("--no-install-recommends", 1)[1].split("\n", 2)[1].split()
    assert "sudo apt-get install -y " + " ".join(pkgs) in readme, pkgs


def test_dnsd_listens_on_port_53_of_both_networks(rehearsal):
    line = open(rehearsal.err).read()
    assert "listening on 0.0.0.0:53 (udp, tcp)" in line, line
    for service, server in (("app-prod", "10.0.0.2"), ("app-staging", "10.1.0.2")):
        out = rehearsal.ns[service].run(tool("dig"), "+short", "+time=2", "@" + server,
                                        "localhost", check=False)
        assert out.stdout.split() == ["127.0.0.1"], out


def test_an_app_in_the_prod_vpc_gets_the_endpoint_enis(rehearsal):
    rc, addrs = getent(rehearsal, "app-prod")
    assert rc == 0 and addrs == ["10.0.1.42", "10.0.2.17", "10.0.3.88"], addrs
    # EC2 IP names: its own; another VPC's private address too; a public one is no host
    assert getent(rehearsal, "app-prod", "ip-10-0-1-5.us-east-2.compute.internal") == \
        (0, ["10.0.1.5"])
    assert getent(rehearsal, "app-prod", "ip-10-1-1-5.us-east-2.compute.internal") == \
        (0, ["10.1.1.5"])
    assert getent(rehearsal, "app-prod", "ip-192-0-2-5.us-east-2.compute.internal")[0] == 2


def test_an_app_in_the_staging_vpc_lands_in_its_vpc(rehearsal):
    assert getent(rehearsal, "app-staging") == (0, ["10.1.1.5"])
    # staging's endpoint has private DNS off: the name goes upstream (none here)
    rc, addrs = getent(rehearsal, "app-staging", MON)
    assert rc == 2 and addrs == [], addrs


def test_the_query_log_places_each_app_in_its_vpc(rehearsal):
    getent(rehearsal, "app-prod")
    getent(rehearsal, "app-staging")
    wait_file_line(rehearsal.qlog, '"srcaddr":"10.1.1.5"')
    seen = {}
    for line in open(rehearsal.qlog).read().splitlines():
        rec = json.loads(line)
        seen.setdefault(rec["srcaddr"], set()).add(rec["vpc_id"])
    assert seen["10.0.1.5"] == {PROD} and seen["10.1.1.5"] == {STAGING}, seen


def test_dnsd_control_marks_an_az_down_for_the_apps(rehearsal):
    out = subprocess.run([DNSD_CONTROL, "-s", rehearsal.control, "health", "az", "us-east-2b",
                          "down"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    try:
        assert getent(rehearsal, "app-prod") == (0, ["10.0.1.42", "10.0.3.88"])
    finally:
        subprocess.run([DNSD_CONTROL, "-s", rehearsal.control, "health", "az", "us-east-2b",
                        "clear"], capture_output=True, timeout=30)
    assert getent(rehearsal, "app-prod")[1] == ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
