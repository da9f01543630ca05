# tests/integration/test_reload.py - SIGHUP: new definitions and health swapped in whole, broken ones refused.
"""Reloading the real dnsd with SIGHUP (Dnsd.reload() waits for the
"reloaded:" or "reload failed" log line; nothing sleeps).

Each test copies the shipped world in zones/ to a temporary directory,
starts dnsd on it, changes files and reloads. Health follows the facts'
round-robin rule (aws-dns-facts.md §1): regional and private names answer
the healthy ENIs, all of them when none is healthy; zonal names always
answer their own ENI.
"""
import os
import re
import shutil
import signal
import socket
import threading
import time

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype

from tests.integration.harness import ZONES, Dnsd, World, addresses, rcode, run_dnsd

STAGING = "vpc-0b2c3d4e5f6a70819"
CW = "vpce-099deb00b40f00e22-lj2wisx3.monitoring.us-east-2.vpce.amazonaws.com"
CW_ZONAL = {
    "us-east-2a": "vpce-099deb00b40f00e22-lj2wisx3-us-east-2a.monitoring.us-east-2.vpce.amazonaws.com",
    "us-east-2b": "vpce-099deb00b40f00e22-lj2wisx3-us-east-2b.monitoring.us-east-2.vpce.amazonaws.com",
    "us-east-2c": "vpce-099deb00b40f00e22-lj2wisx3-us-east-2c.monitoring.us-east-2.vpce.amazonaws.com",
}
CW_ADDR = {"us-east-2a": "10.0.1.42", "us-east-2b": "10.0.2.17", "us-east-2c": "10.0.3.88"}
CW_ALL = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
ENI_A, ENI_B, ENI_C = "eni-0b1c2d3e4f5a6b7c8", "eni-02c3d4e5f6a7b8c9d", "eni-0e4f5a6b7c8d9e0f1"
MON = "monitoring.us-east-2.amazonaws.com"
SSM = "ssm.us-east-2.amazonaws.com"
SSM_ALL = ["10.0.1.51", "10.0.2.51", "10.0.3.51"]


def definition_files(d):
    return sum(f.endswith((".json", ".yaml", ".yml")) for _, _, fs in os.walk(d) for f in fs)


# zones/ holds the prod and staging VPCs and 9 endpoints
N_FILES = definition_files(ZONES)
SHIPPED_COUNTS = f"2 VPCs, 9 endpoints from {N_FILES} files"

DNSD_YAML = "Dnsd:\n  DefaultVpc: vpc-0a1b2c3d4e5f60718\n  Health:\n%s"


# ---- helpers ----

def start_dnsd(**kw):
    """Dnsd(**kw): dnsd on port 0 picks a port free for both UDP and TCP."""
    return Dnsd(**kw)


def shipped_world():
    """A copy of zones/ that the test may change."""
    w = World()
    shutil.rmtree(w.dir)
    shutil.copytree(ZONES, w.dir)
    return w


def set_health(w, *entries):
    """Rewrite dnsd.yaml with these Health entries (YAML flow mappings)."""
    body = "".join(f"    - {e}\n" for e in entries) or "    []\n"
    w.write("dnsd.yaml", DNSD_YAML % body)


def reload_ok(d, counts=SHIPPED_COUNTS):
    line = d.reload()
    assert "reloaded: " in line, d.log()
    if counts:
        assert counts in line
    return line


def reload_fails(d):
    start = d.mark()
    line = d.reload()
    assert "reload failed" in line, d.log()
    return start, line


def answer(d, name, rdtype="A", addr=None, tcp=False):
    """The addresses of a NOERROR local answer (TTL 60), in their order."""
    r = d.query(name, rdtype, addr=addr, tcp=tcp)
    assert rcode(r) == "NOERROR", r
    assert r.flags & dns.flags.QR and r.flags & dns.flags.RA
    got = addresses(r, rdtype)
    assert got, r
    assert all(rrset.ttl == 60 for rrset in r.answer)
    return got


def answer_set(d, name, rdtype="A", addr=None, tcp=False):
    return sorted(answer(d, name, rdtype, addr, tcp))


def forwarded(d, name, rdtype="A", addr=None):
    """Forwarded to the dead upstream: SERVFAIL."""
    r = d.query(name, rdtype, addr=addr)
    return rcode(r) == "SERVFAIL" and not r.answer


def check_cw(d, healthy_azs):
    """CloudWatch's regional and private names answer the ENIs of
    healthy_azs (rotating through them); every zonal name its own ENI."""
    expect = sorted(CW_ADDR[az] for az in healthy_azs)
    seen = set()
    # one socket, so one worker: each worker rotates with its own counters
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(len(expect) + 1):
            r = dns.query.udp(dns.message.make_query(CW, "A"), d.host, port=d.port, sock=s,
                              timeout=3)
            got = addresses(r)
            assert sorted(got) == expect
            seen.add(got[0])
            assert answer_set(d, MON) == expect
    # every healthy ENI takes its turn first
    assert seen == set(expect)
    for az, name in CW_ZONAL.items():
        assert answer(d, name) == [CW_ADDR[az]]


LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z dnsd: ")


def error_lines(log):
    """Definition errors: `path:line: error: message` lines; each is a log
    line with its timestamp (one is stripped off here)."""
    errs = []
    for line in log.splitlines():
        m = LOG_PREFIX.match(line)
        rest = line[m.end():] if m else line
        if re.match(r"\S+:\d+(:\d+)?: error: ", rest):
            assert m, f"an error line without a timestamp: {line!r}"
            errs.append(rest)
    return errs


# ---- health (facts §1: round robin over healthy ENIs) ----

def test_unhealthy_az_disappears_after_sighup_and_comes_back_after_another__facts_s1():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        check_cw(d, CW_ADDR)
        set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}")
        reload_ok(d)
        check_cw(d, ["us-east-2b", "us-east-2c"])
        # the AZ is down for every endpoint: SSM and the logs endpoint too
        assert answer_set(d, SSM) == ["10.0.2.51", "10.0.3.51"]
        assert answer_set(d, "logs.us-east-2.amazonaws.com") == ["10.0.2.71"]
        set_health(w, "{AvailabilityZone: us-east-2a, Healthy: true}")
        reload_ok(d)
        check_cw(d, CW_ADDR)
        assert answer_set(d, SSM) == SSM_ALL


def test_unhealthy_eni_by_id_after_sighup__facts_s1():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        set_health(w, f"{{NetworkInterfaceId: {ENI_B}, Healthy: false}}")
        reload_ok(d)
        check_cw(d, ["us-east-2a", "us-east-2c"])
        # only that ENI: SSM's ENI in the same AZ stays
        assert answer_set(d, SSM) == SSM_ALL
        set_health(w)
        reload_ok(d)
        check_cw(d, CW_ADDR)


def test_endpoint_with_no_healthy_eni_answers_every_eni__facts_s1():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        set_health(w, "{VpcEndpointId: vpce-099deb00b40f00e22, Healthy: false}")
        reload_ok(d)
        # Route 53 fails open: all ENIs rather than none
        check_cw(d, CW_ADDR)
        assert answer_set(d, SSM) == SSM_ALL


def test_later_health_entry_wins__facts_s1():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        set_health(w, "{VpcEndpointId: vpce-099deb00b40f00e22, Healthy: false}",
                   f"{{NetworkInterfaceId: {ENI_C}, Healthy: true}}")
        reload_ok(d)
        check_cw(d, ["us-east-2c"])
        set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}",
                   f"{{NetworkInterfaceId: {ENI_A}, Healthy: true}}")
        reload_ok(d)
        check_cw(d, CW_ADDR)
        assert answer_set(d, SSM) == ["10.0.2.51", "10.0.3.51"]


def test_health_of_an_unknown_eni_is_a_warning_and_reload_succeeds():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        start = d.mark()
        set_health(w, "{NetworkInterfaceId: eni-0ffffffffffffffff, Healthy: false}")
        reload_ok(d)
        line = d.wait_log(r"warning: health entry names network interface "
                          r"eni-0ffffffffffffffff, which is not defined", start=start)
        assert re.search(r"dnsd\.yaml:4: warning: ", line), line
        check_cw(d, CW_ADDR)


def test_health_change_reaches_every_worker__facts_s1():
    with shipped_world() as w, start_dnsd(zones=w.dir, args=("--workers", "2")) as d:
        check_cw(d, CW_ADDR)
        set_health(w, "{AvailabilityZone: us-east-2b, Healthy: false}")
        reload_ok(d)
        # fresh sockets (fresh source ports) land on either worker
        for _ in range(20):
            assert answer_set(d, CW) == ["10.0.1.42", "10.0.3.88"]


# ---- new data swapped in whole ----

STS_YAML = """\
VpcEndpoints:
  - VpcEndpointId: vpce-0a0b0c0d0e0f01234
    VpcId: vpc-0a1b2c3d4e5f60718
    ServiceName: com.amazonaws.us-east-2.sts
    DnsEntries:
      - {DnsName: vpce-0a0b0c0d0e0f01234-stsx1234.sts.us-east-2.vpce.amazonaws.com}
    NetworkInterfaces:
      - {SubnetId: subnet-0d1e2f3a4b5c6d7e8, PrivateIpAddress: 10.0.1.111}
      - {SubnetId: subnet-0f9e8d7c6b5a49382, PrivateIpAddress: 10.0.3.111}
"""
STS = "vpce-0a0b0c0d0e0f01234-stsx1234.sts.us-east-2.vpce.amazonaws.com"


def test_sighup_adds_and_removes_endpoints():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        assert forwarded(d, STS)
        assert forwarded(d, "sts.us-east-2.amazonaws.com")
        w.write("sts.yaml", STS_YAML)
        reload_ok(d, f"2 VPCs, 10 endpoints from {N_FILES + 1} files")
        assert answer_set(d, STS) == ["10.0.1.111", "10.0.3.111"]
        assert answer_set(d, "sts.us-east-2.amazonaws.com") == ["10.0.1.111", "10.0.3.111"]
        check_cw(d, CW_ADDR)
        w.remove("sts.yaml")
        reload_ok(d)
        assert forwarded(d, STS)
        assert forwarded(d, "sts.us-east-2.amazonaws.com")
        check_cw(d, CW_ADDR)


def test_sighup_turns_private_dns_on_in_the_staging_view__facts_s2():
    listen = ("127.0.0.1:0", f"127.0.0.2:0={STAGING}")
    with shipped_world() as w, start_dnsd(zones=w.dir, listen=listen) as d:
        staging = d.addrs[1]
        assert forwarded(d, MON, addr=staging)
        regional = None
        for line in run_dnsd(["--check", "--zones", w.dir]).stdout.splitlines():
            if line.startswith("vpce-0f1e2d3c4b5a69788-") and ".monitoring." in line:
                regional = line.split()[0]
                break
        assert regional
        staging_addrs = answer_set(d, regional, addr=staging)
        with open(w.dir + "/staging.yaml") as f:
            text = f.read()
        assert "PrivateDnsEnabled: false" in text
        w.write("staging.yaml", text.replace("PrivateDnsEnabled: false", "PrivateDnsEnabled: true"))
        reload_ok(d)
        assert answer_set(d, MON, addr=staging) == staging_addrs
        # prod keeps its own hidden zone
        assert answer_set(d, MON) == CW_ALL


def test_cname_chain_of_an_endpoint_service_follows_health_after_sighup__facts_s5():
    name = "api.partner-payments.example.com"
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        assert sorted(addresses(d.query(name, "A"))) == ["10.0.1.101", "10.0.3.101"]
        set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}")
        reload_ok(d)
        for _ in range(3):
            r = d.query(name, "A")
            assert rcode(r) == "NOERROR"
            assert [x.rdtype for x in r.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
            assert addresses(r) == ["10.0.3.101"]


AAA_VPC = """\
Vpcs:
  - VpcId: vpc-0000000000000000a
    CidrBlock: 10.77.0.0/16
    EnableDnsHostnames: true
    Subnets: [{SubnetId: subnet-0000000000000000a, AvailabilityZone: us-east-2a, CidrBlock: 10.77.1.0/24}]
    VpcEndpoints:
      - {ServiceName: com.amazonaws.us-east-2.monitoring, SubnetIds: [subnet-0000000000000000a]}
"""


def test_listener_keeps_its_vpc_when_a_reload_adds_vpcs_before_it():
    listen = ("127.0.0.1:0", f"127.0.0.2:0={STAGING}")
    with shipped_world() as w, start_dnsd(zones=w.dir, listen=listen) as d:
        staging = d.addrs[1]
        # aaa.yaml sorts first: the new VPC is read before prod and staging
        w.write("aaa.yaml", AAA_VPC)
        reload_ok(d, f"3 VPCs, 10 endpoints from {N_FILES + 1} files")
        assert forwarded(d, MON, addr=staging)
        assert forwarded(d, SSM, addr=staging)
        assert answer_set(d, MON) == CW_ALL
        assert answer_set(d, SSM) == SSM_ALL


def test_sighup_changes_the_default_vpc():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        assert answer_set(d, SSM) == SSM_ALL
        w.write("dnsd.yaml", f"Dnsd:\n  DefaultVpc: {STAGING}\n")
        reload_ok(d)
        # outside clients are now in staging: no SSM endpoint, private DNS off
        assert forwarded(d, SSM)
        assert forwarded(d, MON)
        assert answer_set(d, CW) == CW_ALL


def test_open_tcp_connection_sees_the_new_data_after_sighup():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        with socket.create_connection((d.host, d.port), timeout=3) as s:
            def ask(name):
                q = dns.message.make_query(name, "A")
                dns.query.send_tcp(s, q)
                r, _ = dns.query.receive_tcp(s, expiration=time.time() + 3)
                assert r.id == q.id
                return r

            assert sorted(addresses(ask(CW))) == CW_ALL
            set_health(w, "{AvailabilityZone: us-east-2c, Healthy: false}")
            reload_ok(d)
            assert sorted(addresses(ask(CW))) == ["10.0.1.42", "10.0.2.17"]
            assert sorted(addresses(ask(MON))) == ["10.0.1.42", "10.0.2.17"]


def test_answers_during_repeated_reloads_are_always_whole():
    """A client querying while the definitions flip between two states sees
    one state or the other in every answer, never a mix or an error."""
    both = (CW_ALL, ["10.0.2.17", "10.0.3.88"])
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        stop = threading.Event()
        bad, count = [], [0]

        def client():
            while not stop.is_set():
                try:
                    r = d.query(MON, "A", timeout=2)
                except Exception as e:  # a lost reply counts as bad
                    bad.append(repr(e))
                    continue
                got = sorted(addresses(r))
                if rcode(r) != "NOERROR" or got not in both:
                    bad.append((rcode(r), got))
                count[0] += 1

        t = threading.Thread(target=client)
        t.start()
        try:
            for i in range(10):
                if i % 2 == 0:
                    set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}")
                else:
                    set_health(w)
                reload_ok(d)
                assert sorted(answer(d, MON)) == both[1 if i % 2 == 0 else 0]
        finally:
            stop.set()
            t.join(10)
        assert not bad, bad[:5]
        assert count[0] > 10


def big_world_text(n):
    """A VPC with n endpoints (private DNS off), to make a reload take a while."""
    lines = ["Vpcs:", "  - VpcId: vpc-0eeeeeeeeeeeeeee1", "    CidrBlock: 10.50.0.0/16",
             "    Subnets: [{SubnetId: subnet-0eeeeeeeeeeeeeee1, AvailabilityZone: us-east-2a,"
             " CidrBlock: 10.50.0.0/16}]",
             "    VpcEndpoints:"]
    for i in range(n):
        lines.append(f"      - {{VpcEndpointId: vpce-1{i:016x}, ServiceName: com.amazonaws.us-east-2.sqs,"
                     " PrivateDnsEnabled: false, SubnetIds: [subnet-0eeeeeeeeeeeeeee1]}")
    return "\n".join(lines) + "\n"


def wait_nth(d, pattern, n, start, timeout=20):
    """The first n log lines from start that match pattern (waits for them)."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    with d.cond:
        while True:
            lines = d.lines[start:]
            hits = [l for l in lines if l is not None and rx.search(l)]
            if len(hits) >= n:
                return hits[:n]
            if None in lines:
                raise AssertionError("dnsd exited:\n" + d.log())
            left = deadline - time.monotonic()
            assert left > 0, f"fewer than {n} {pattern!r} lines:\n" + d.log()
            d.cond.wait(left)


def test_sighup_during_a_reload_is_not_lost():
    with shipped_world() as w:
        w.write("big.yaml", big_world_text(3000))
        with start_dnsd(zones=w.dir) as d:
            start = d.mark()
            d.proc.send_signal(signal.SIGHUP)
            d.wait_log(r"reloading ", start=start)
            # the first reload is running (or just done): change and HUP again
            set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}")
            d.proc.send_signal(signal.SIGHUP)
            done = wait_nth(d, r"reloaded: |reload failed", 2, start)
            assert all(f"reloaded: 3 VPCs, 3009 endpoints from {N_FILES + 1} files" in l for l in done), done
            check_cw(d, ["us-east-2b", "us-east-2c"])


# ---- a broken reload keeps the old data ----

def test_broken_yaml_on_reload_is_reported_and_the_old_data_keeps_answering():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        set_health(w, "{AvailabilityZone: us-east-2a, Healthy: false}")
        reload_ok(d)
        path = w.write("broken.yaml", "VpcEndpoints:\n  - VpcEndpointId: vpce-0123\n    ServiceName: [oops\n")
        start, line = reload_fails(d)
        assert "still serving the previous definitions" in line
        errs = error_lines("\n".join(d.log().splitlines()[start:]))
        assert errs and all(path in e for e in errs), d.log()
        assert re.search(re.escape(path) + r":3:18: error: ", errs[0]), errs
        # the health state of the last good load still holds
        check_cw(d, ["us-east-2b", "us-east-2c"])
        w.remove("broken.yaml")
        reload_ok(d)
        check_cw(d, ["us-east-2b", "us-east-2c"])


def test_definition_error_on_reload_keeps_the_old_data():
    bad_eni = STS_YAML.replace("10.0.3.111", "10.0.9.111")
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        path = w.write("sts.yaml", bad_eni)
        start, line = reload_fails(d)
        assert "reload failed with 1 error;" in line
        errs = error_lines("\n".join(d.log().splitlines()[start:]))
        assert len(errs) == 1, errs
        assert f"{path}:9: error: network interface" in errs[0]
        assert "10.0.9.111 is outside subnet subnet-0f9e8d7c6b5a49382" in errs[0]
        assert forwarded(d, STS)
        check_cw(d, CW_ADDR)
        # fixed: the next SIGHUP takes it
        w.write("sts.yaml", STS_YAML)
        reload_ok(d, f"2 VPCs, 10 endpoints from {N_FILES + 1} files")
        assert answer_set(d, STS) == ["10.0.1.111", "10.0.3.111"]


def test_reload_reports_every_error_of_a_broken_reload():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        # files are read in name order: prod-capture/ before zz-*.yaml
        a = w.write("zz-a.yaml", "Subnets: 7\nVpcs:\n  - VpcId: vpc-0a1b2c3d4e5f60718\n    CidrBlock: 10.9.0.0/16\n")
        b = w.write("zz-b.yaml", "Dnsd:\n  Health:\n    - {AvailabilityZone: us-east-2a}\n")
        first = w.dir + "/prod-capture/describe-vpcs.json:3"
        start, line = reload_fails(d)
        assert "reload failed with 3 errors;" in line
        errs = error_lines("\n".join(d.log().splitlines()[start:]))
        assert len(errs) == 3, errs
        assert errs[0].startswith(f"{a}:1: error: Subnets must be a list"), errs
        assert errs[1] == f"{a}:3: error: VPC vpc-0a1b2c3d4e5f60718 is defined twice (first at {first})"
        assert errs[2].startswith(f"{b}:3: error: a Health entry needs Healthy"), errs
        check_cw(d, CW_ADDR)


def test_reload_that_removes_a_listeners_vpc_fails():
    listen = ("127.0.0.1:0", f"127.0.0.2:0={STAGING}")
    with shipped_world() as w, start_dnsd(zones=w.dir, listen=listen) as d:
        staging = d.addrs[1]
        before = answer_set(d, CW, addr=staging)
        w.remove("staging.yaml")
        start, line = reload_fails(d)
        assert any(STAGING in l and "error" in l for l in d.log().splitlines()[start:]), d.log()
        # the staging listener still answers from the old data
        assert answer_set(d, CW, addr=staging) == before
        assert forwarded(d, MON, addr=staging)
        assert answer_set(d, MON) == CW_ALL


def test_reload_of_an_emptied_directory_fails_and_keeps_the_old_data():
    # an empty directory is most likely files being rewritten or a wrong
    # --zones: dnsd refuses it rather than dropping every answer
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        shutil.rmtree(w.dir)
        os.mkdir(w.dir)
        start, line = reload_fails(d)
        assert "reload failed with 1 error;" in line
        assert f"{w.dir}: error: no definitions (*.json, *.yaml, *.yml) found" in d.log()
        check_cw(d, CW_ADDR)
        assert answer_set(d, SSM) == SSM_ALL


def test_reload_of_a_vanished_directory_fails_and_keeps_the_old_data():
    with shipped_world() as w, start_dnsd(zones=w.dir) as d:
        shutil.rmtree(w.dir)
        start, line = reload_fails(d)
        assert "reload failed with 1 error;" in line
        assert f"{w.dir}: error: cannot read the definitions directory" in d.log()
        check_cw(d, CW_ADDR)
        assert answer_set(d, SSM) == SSM_ALL
