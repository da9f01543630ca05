# tests/integration/test_control.py - dnsd-control against the real dnsd: every command, errors, the socket.
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time

import dns.message
import dns.query
import pytest

from tests.integration.harness import (DEAD_UPSTREAM, DNSD, DNSD_CONTROL, ZONES, Dnsd, World,
                                      addresses, dig, file_lines, loaded_summary, rcode,
                                      wait_file_line)
from tests.integration.test_forward import FakeUpstream

MON = "monitoring.us-east-2.amazonaws.com"
MON_2A, MON_2B, MON_2C = "10.0.1.42", "10.0.2.17", "10.0.3.88"
PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"
BROKEN = "Vpcs:\n  - VpcId: vpc-1\n    CidrBlock: 10.0.0.0/33\n"


def control(path, *args, timeout=30):
    return subprocess.run([DNSD_CONTROL, "-s", path] + list(args), capture_output=True,
                          text=True, timeout=timeout)


def raw_request(path, line):
    """Send one request line as is; the reply text."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(path)
        s.sendall(line)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out.decode()
            out += chunk


def copy_zones(w):
    shutil.copytree(ZONES, os.path.join(w.dir, "z"))


# ---- the socket ----

def test_socket_is_0660_and_removed_at_stop():
    d = Dnsd(ZONES)
    try:
        st = os.stat(d.control)
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660
        assert "control: " + d.control in d.ctl_ok("status")
    finally:
        assert d.stop() == 0
    assert not os.path.exists(d.control)


def test_no_socket_names_the_path_and_exits_3(tmp_path):
    path = str(tmp_path / "nothing-here")
    out = control(path, "status")
    assert out.returncode == 3, out
    assert f"cannot reach dnsd at {path}: No such file or directory" in out.stderr, out.stderr
    assert out.stdout == ""


def test_a_stale_socket_is_replaced_a_live_one_is_not(tmp_path):
    path = str(tmp_path / "control")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)            # a file left by a dnsd that is gone: nobody listens
    s.close()
    with Dnsd(ZONES, args=("--control", path)) as d:
        assert control(path, "status").returncode == 0
        # a second dnsd asked for the same socket does not start
        out = subprocess.run([DNSD, "--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream",
                              DEAD_UPSTREAM, "--control", path], capture_output=True, text=True,
                             timeout=30)
        assert out.returncode == 3, out.stderr
        assert f"control socket {path}: another dnsd answers there" in out.stderr
        assert control(path, "status").returncode == 0
    # a path that is not a socket is left alone
    plain = tmp_path / "plain"
    plain.write_text("mine\n")
    out = subprocess.run([DNSD, "--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream",
                          DEAD_UPSTREAM, "--control", str(plain)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 3 and "exists and is not a socket" in out.stderr, out.stderr
    assert plain.read_text() == "mine\n"


def test_control_none_opens_no_socket(tmp_path):
    with Dnsd(ZONES, args=("--control", "none")) as d:
        assert "control: " not in d.log()
        assert not os.path.exists(d.control)


# ---- wrong commands and arguments ----

def test_wrong_commands_and_arguments_are_usage_errors():
    with Dnsd(ZONES) as d:
        for args, text in ((["bogus"], "unknown command 'bogus'"),
                           (["status", "extra"], "usage: status"),
                           (["health"], "usage: health az AZ up|down|clear"),
                           (["explain"], "usage: explain NAME"),
                           (["stats", "--reset", "x"], "usage: stats [--reset]"),
                           (["explain", MON, "A", "--vpc", "vpc-1", "--from", "10.0.0.1"],
                            "usage: explain NAME [TYPE] [--vpc VPC-ID | --from ADDR]")):
            out = d.ctl(*args)
            assert out.returncode == 2, (args, out)
            assert text in out.stderr, (args, out.stderr)
        out = subprocess.run([DNSD_CONTROL], capture_output=True, text=True)
        assert out.returncode == 2 and "Usage: dnsd-control" in out.stderr
        # dnsd checks for itself, whatever the client: "error" and exit 1
        for args, text in ((["health", "az", "us-east-2a", "sideways"], "error: usage: health"),
                           (["health", "region", "x", "up"], "error: usage: health"),
                           (["stats", "--now"], "error: usage: stats [--reset]"),
                           (["explain", MON, "NOTATYPE"], "is not a query type"),
                           (["explain", MON, "--from", "10.0.0.300"], "is not an IPv4"),
                           (["explain", MON, "--vpc", PROD, "--from"],
                            "'--from' is not a query type, --vpc VPC-ID or --from ADDR"),
                           (["explain", MON, "--vpc", "vpc-1"], "--vpc vpc-1: no such VPC"),
                           (["explain", "a..b"], "'a..b' is not a domain name"),
                           (["flush", "a..b"], "is not a domain name"),
                           (["zones", "--vpc", "vpc-1"], "no such VPC"),
                           (["health", "az", "us-east-2z", "down"],
                            "Availability Zone 'us-east-2z' is not in the definitions (AZs: "
                            "us-east-2a, us-east-2b, us-east-2c)"),
                           (["health", "eni", "eni-0nope", "down"],
                            "network interface 'eni-0nope' is not in the definitions"),
                           (["logrotate"], "there is no query log")):
            out = d.ctl(*args)
            assert out.returncode == 1, (args, out)
            assert out.stderr.startswith("error") and text in out.stderr, (args, out.stderr)
        # the protocol: another version, a command the table lacks, too many arguments
        assert raw_request(d.control, b"DNSDCTL9\tstatus\n").startswith(
            "error: this dnsd speaks DNSDCTL1, not 'DNSDCTL9'")
        assert raw_request(d.control, b"DNSDCTL1\tfly\n").startswith(
            "error: unknown command 'fly' (commands: status reload health explain")
        assert raw_request(d.control, b"DNSDCTL1" + b"\tx" * 9 + b"\n").startswith(
            "error: more than 7 arguments")
        assert raw_request(d.control, b"DNSDCTL1\t" + b"x" * 5000 + b"\n").startswith(
            "error: request longer than 4096 bytes")
        # still serving
        assert "version: dnsd " in d.ctl_ok("status")


def test_a_client_that_leaves_early_does_not_hurt(tmp_path):
    with World() as w:
        copy_zones(w)
        with Dnsd(w.dir) as d:
            for _ in range(20):
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.connect(d.control)
                    s.sendall(b"DNSDCTL1\treload\n")     # and gone before the answer
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(d.control)                     # says nothing at all
                assert d.ctl_ok("reload").startswith("ok: reloaded: ")
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2B, MON_2C]


# ---- status and reload ----

def test_status_says_what_is_loaded_and_the_last_reload():
    with World() as w:
        copy_zones(w)
        with Dnsd(w.dir, args=("--workers", "2")) as d:
            st = d.ctl_ok("status")
            assert re.search(r"^version: dnsd \d+\.\d+\.\d+$", st, re.M), st
            assert re.search(r"^uptime: \d+ s \(since \d{4}-\d\d-\d\dT", st, re.M), st
            assert "workers: 2\n" in st and f"definitions: {w.dir}\n" in st
            _, loaded = loaded_summary()
            assert f"loaded: {loaded}\n" in st, st
            assert "last reload: none\n" in st and "health overrides: 0\n" in st
            assert re.search(r"^memory: answers [\d.]+ MiB, definitions kept [\d.]+ MiB$", st,
                             re.M)
            assert "query log: off\n" in st and "metrics: off\n" in st
            assert f"upstreams: {DEAD_UPSTREAM}\n" in st
            w.write("bad.yaml", BROKEN)
            st = d.ctl_ok("status")
            out = d.ctl("reload")
            assert out.returncode == 1, out
            assert out.stderr.startswith("error: reload failed with 1 error; still serving the "
                                         "previous definitions\n"), out.stderr
            assert re.search(r"\S+/bad\.yaml:3: error: ", out.stderr), out.stderr
            st = d.ctl_ok("status")
            assert re.search(r"^last reload: failed with 1 error at \d{4}-", st, re.M), st
            assert "reloads: 0 ok, 1 failed\n" in st
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2B, MON_2C]
            w.remove("bad.yaml")
            out = d.ctl_ok("reload")
            assert re.match(r"ok: reloaded: " + re.escape(loaded) + r" in [\d.]+ s, 0 "
                            r"warnings\n$", out), out
            assert re.search(r"^last reload: ok at ", d.ctl_ok("status"), re.M)


def test_reload_replies_when_the_new_data_serves():
    """The reply comes after the swap: a query sent after it sees the new
    data, every time (a Health entry of the definitions, toggled)."""
    with World() as w:
        copy_zones(w)
        text = open(os.path.join(w.dir, "z", "dnsd.yaml")).read()
        down = text + "    - {AvailabilityZone: us-east-2b, Healthy: false}\n"
        with Dnsd(w.dir, args=("--workers", "2")) as d:
            for i in range(6):
                w.write("z/dnsd.yaml", down if i % 2 == 0 else text)
                d.ctl_ok("reload")
                want = [MON_2A, MON_2C] if i % 2 == 0 else [MON_2A, MON_2B, MON_2C]
                for tcp in (False, True):
                    assert sorted(addresses(d.query(MON, tcp=tcp))) == want, i
            # SIGHUP and dnsd-control together: the reply waits for a reload that
            # started after the request
            d.proc.send_signal(signal.SIGHUP)
            assert d.ctl_ok("reload").startswith("ok: reloaded: ")


def test_many_reloads_at_once_are_each_answered():
    with World() as w:
        copy_zones(w)
        with Dnsd(w.dir) as d:
            results = []

            def ask():
                results.append(d.ctl("reload"))
            threads = [threading.Thread(target=ask) for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(results) == 16
            assert all(r.returncode == 0 and r.stdout.startswith("ok: reloaded: ")
                       for r in results), results
            st = d.ctl_ok("status")
            # requests that came while one ran share the next: fewer reloads than requests
            n = int(re.search(r"^reloads: (\d+) ok", st, re.M).group(1))
            assert 1 <= n <= 16, st


# ---- health ----

def test_az_down_is_seen_by_the_next_query_and_clear_restores():
    with Dnsd(ZONES, args=("--workers", "2")) as d:
        full = [MON_2A, MON_2B, MON_2C]
        for _ in range(10):
            out = d.ctl_ok("health", "az", "us-east-2b", "down")
            assert re.match(r"ok: az us-east-2b down: 6 ENIs there, 6 out of round robin; "
                            r"answers rebuilt in [\d.]+ s, queries see it now\n$", out), out
            # every query after the reply, over UDP and TCP and on either worker
            for tcp in (False, True, False, True):
                assert sorted(addresses(d.query(MON, tcp=tcp))) == [MON_2A, MON_2C]
            out = d.ctl_ok("health", "az", "us-east-2b", "clear")
            assert "ok: az us-east-2b cleared: 6 ENIs there, 0 out of round robin" in out
            for tcp in (False, True, False, True):
                assert sorted(addresses(d.query(MON, tcp=tcp))) == full
        # zonal names answer their AZ whatever its health
        d.ctl_ok("health", "az", "us-east-2b", "down")
        zonal = "vpce-099deb00b40f00e22-lj2wisx3-us-east-2b.monitoring.us-east-2.vpce.amazonaws.com"
        assert addresses(d.query(zonal)) == [MON_2B]
        # the same again: nothing to do
        assert "is already down; nothing changed" in d.ctl_ok("health", "az", "us-east-2b",
                                                              "down")
        show = d.ctl_ok("health", "show")
        assert re.search(r"^overrides: 1\n  az us-east-2b down \(since \d{4}-", show), show
        assert "  us-east-2b: 0 of 6\n" in show and "  us-east-2c: 5 of 5\n" in show, show


def test_eni_override_beats_its_az_and_all_down_fails_open():
    with Dnsd(ZONES) as d:
        eni_2b = re.search(r"(eni-\w+)\s+us-east-2b\s+10\.0\.2\.17",
                           d.ctl_ok("explain", MON)).group(1)
        d.ctl_ok("health", "az", "us-east-2b", "down")
        d.ctl_ok("health", "eni", eni_2b, "up")
        assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2B, MON_2C]
        d.ctl_ok("health", "eni", eni_2b, "clear")
        d.ctl_ok("health", "az", "us-east-2a", "down")
        d.ctl_ok("health", "az", "us-east-2c", "down")
        # no ENI healthy: all of them (Route 53 fails open)
        assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2B, MON_2C]
        assert "no ENI is healthy: all are answered" in d.ctl_ok("explain", MON)


def test_overrides_are_kept_across_reloads_until_cleared():
    with World() as w:
        copy_zones(w)
        with Dnsd(w.dir) as d:
            d.ctl_ok("health", "az", "us-east-2b", "down")
            d.ctl_ok("reload")
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2C]
            d.proc.send_signal(signal.SIGHUP)
            d.wait_log("reloaded: ", start=0)
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2C]
            # a failed reload keeps the answers, and the override
            w.write("bad.yaml", BROKEN)
            assert d.ctl("reload").returncode == 1
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2C]
            w.remove("bad.yaml")
            d.ctl_ok("health", "az", "us-east-2b", "clear")
            assert sorted(addresses(d.query(MON))) == [MON_2A, MON_2B, MON_2C]
            st = d.ctl_ok("status")
            assert "health rebuilds: 2 ok, 0 failed" in st, st


TWO_AZ = """\
Vpcs:
  - VpcId: vpc-0a1b2c3d4e5f60718
    CidrBlock: 10.0.0.0/16
    EnableDnsHostnames: true
    Subnets:
      - {SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}
      - {SubnetId: subnet-b, AvailabilityZone: us-east-2b, CidrBlock: 10.0.2.0/24}
    VpcEndpoints:
      - ServiceName: com.amazonaws.us-east-2.sqs
        SubnetIds: [subnet-a, subnet-b]
"""


def test_an_override_left_by_a_reload_can_be_cleared():
    """An AZ that a reload removed keeps its override (it is not in the
    definitions any more); it can be cleared, not set."""
    with World({"w.yaml": TWO_AZ}) as w:
        with Dnsd(w.dir) as d:
            d.ctl_ok("health", "az", "us-east-2b", "down")
            assert len(addresses(d.query("sqs.us-east-2.amazonaws.com"))) == 1
            w.write("w.yaml", TWO_AZ.replace("      - {SubnetId: subnet-b, AvailabilityZone: "
                                             "us-east-2b, CidrBlock: 10.0.2.0/24}\n", "")
                    .replace("[subnet-a, subnet-b]", "[subnet-a]"))
            d.ctl_ok("reload")
            assert "  az us-east-2b down (since" in d.ctl_ok("health", "show")
            assert "not in the definitions" in d.ctl("health", "az", "us-east-2b", "up").stderr
            assert "az us-east-2b cleared: 0 ENIs there" in d.ctl_ok("health", "az",
                                                                     "us-east-2b", "clear")
            assert "overrides: 0\n" in d.ctl_ok("health", "show")


# ---- explain, stats, flush, zones, logrotate ----

def test_explain_through_the_socket():
    with Dnsd(ZONES) as d:
        d.ctl_ok("health", "az", "us-east-2b", "down")
        out = d.ctl_ok("explain", MON)
        assert f"view:     {PROD}: 127.0.0.1 is in no VPC's block, so it lands in the " \
               "default VPC (Dnsd DefaultVpc at " in out, out
        assert re.search(r"eni-\w+\s+us-east-2b\s+10\.0\.2\.17\s+out dnsd-control health az "
                         r"us-east-2b down, since ", out), out
        assert re.search(r"eni-\w+\s+us-east-2a\s+10\.0\.1\.42\s+in  Health entry "
                         r"AvailabilityZone us-east-2a at \S+/dnsd\.yaml:9", out), out
        assert f"{MON}.\t60\tIN\tA\t{MON_2A}\n" in out and f"\tA\t{MON_2B}" not in out
        # the staging VPC: its own endpoint, found by its block
        out = d.ctl_ok("explain", MON, "A", "--from", "10.1.2.3")
        assert f"view:     {STAGING}: 10.1.2.3 is in its block 10.1.0.0/16\n" in out, out
        out = d.ctl_ok("explain", "nope.example", "AAAA", "--vpc", STAGING)
        assert "IN AAAA" in out and f"forward:  to {DEAD_UPSTREAM} (the upstreams)" in out


def test_stats_counts_and_reset():
    with Dnsd(ZONES) as d:
        for _ in range(3):
            d.query(MON)
        d.query(MON, "AAAA", tcp=True)
        d.query("nope.monitoring.us-east-2.amazonaws.com")
        out = d.ctl_ok("stats")
        st = dict(line.split("=", 1) for line in out.splitlines())
        assert st["queries"] == "5" and st["queries.udp"] == "4" and st["queries.tcp"] == "1"
        assert st["source.local"] == "5" and st["type.A"] == "4" and st["type.AAAA"] == "1"
        assert st["rcode.NOERROR"] == "4" and st["rcode.NXDOMAIN"] == "1"
        assert st[f"view.{PROD}"] == "5" and st["tcp.connections"] == "1"
        assert int(st["uptime"]) >= 0
        out = d.ctl_ok("stats", "--reset")
        assert "queries=5\n" in out
        d.query(MON)
        st = dict(line.split("=", 1) for line in d.ctl_ok("stats").splitlines())
        assert st["queries"] == "1" and st[f"view.{PROD}"] == "1", st


def test_flush_drops_cached_answers():
    with FakeUpstream() as up:
        with Dnsd(ZONES, upstream=(up.addr,)) as d:
            for name in ("a.example.", "b.example.", "a.example."):
                assert addresses(d.query(name)) == ["192.0.2.99"]
            assert len(up.records()) == 2      # the second a.example. came from the cache
            assert d.ctl_ok("flush", "A.Example") == "ok: 1 cached answer dropped\n"
            d.query("a.example.")
            assert len(up.records()) == 3
            d.query("c.example.")
            assert d.ctl_ok("flush") == "ok: 3 cached answers dropped\n"
            assert d.ctl_ok("flush") == "ok: 0 cached answers dropped\n"


def test_zones_lists_each_view():
    with Dnsd(ZONES) as d:
        out = d.ctl_ok("zones")
        rows = [line.split("\t") for line in out.splitlines()]
        assert all(len(r) == 4 for r in rows), out
        assert ["public", "us-east-2.vpce.amazonaws.com.", "public", "public endpoint names"] \
            in rows, out
        assert [PROD, "monitoring.us-east-2.amazonaws.com.", "private",
                "vpce-099deb00b40f00e22 (com.amazonaws.us-east-2.monitoring) private DNS"] \
            in rows, out
        assert [PROD, "us-east-2.compute.internal.", "ec2", "autodefined EC2 hostnames"] \
            in rows
        staging = d.ctl_ok("zones", "--vpc", STAGING)
        views = {line.split("\t")[0] for line in staging.splitlines()}
        assert views == {"public", STAGING}, views


def test_logrotate_reopens_the_query_log(tmp_path):
    log = str(tmp_path / "query.log")
    with Dnsd(ZONES, args=("--query-log", log, "--workers", "2")) as d:
        d.query(MON)
        wait_file_line(log, MON)
        os.rename(log, log + ".1")
        assert d.ctl_ok("logrotate") == f"ok: reopened the query log {log}\n"
        d.query("nope." + MON)
        assert wait_file_line(log, "nope." + MON)
        assert len(file_lines(log + ".1")) == 1 and len(file_lines(log)) == 1
        # the file cannot be made: the old one stays in use
        os.rename(log, log + ".2")
        os.chmod(str(tmp_path), 0o500)
        try:
            out = d.ctl("logrotate")
            if os.geteuid() != 0:
                assert out.returncode == 1 and "still writing the old file" in out.stderr
        finally:
            os.chmod(str(tmp_path), 0o700)
    with Dnsd(ZONES, args=("--query-log", "-")) as d:
        out = d.ctl("logrotate")
        assert out.returncode == 1 and "standard output: nothing to reopen" in out.stderr
