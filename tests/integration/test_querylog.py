# tests/integration/test_querylog.py - the query log in the Route 53 Resolver format, read with jq.
"""The JSON fields and their types are those of the Route 53 Developer
Guide, "Values that appear in Resolver query logs"
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs-format.html)
and its example ("Resolver query log example", resolver-query-logs-example-json):
every value a string ("srcport": "56067", "version": "1.100000"), answers a
list of {Rdata, Type, Class}, srcids an object ({"instance": ...}, or the
resolver endpoint a query came through). The firewall_* fields appear only
when a DNS Firewall rule matched, which dnsd has no notion of."""
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import dns.message
import dns.name
import dns.query
import pytest

from tests.integration.harness import (DNSD, ZONES, Dnsd, World, addresses, file_lines, rcode,
                                      tool, wait_file_line)
from tests.integration.test_forward import FakeUpstream

MON = "monitoring.us-east-2.amazonaws.com"
PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"
AWS_FIELDS = ["version", "account_id", "region", "vpc_id", "query_timestamp", "query_name",
              "query_type", "query_class", "rcode", "answers", "srcaddr", "srcport",
              "transport", "srcids"]
INBOUND = "127.0.0.53"


def jq(path, program, *args):
    """jq over the file; each output line parsed as JSON."""
    out = subprocess.run([tool("jq"), "-c"] + list(args) + [program, path],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


TYPES = ('[(.version, .account_id, .region, .vpc_id, .query_timestamp, .query_name, '
         '.query_type, .query_class, .rcode, .srcaddr, .srcport, .transport) | type] + '
         '[(.answers | type), (.srcids | type)] + [.answers[] | '
         '((.Rdata | type), (.Type | type), (.Class | type)), (keys | join(","))]')


def check_shape(path, n):
    """Every line: the AWS fields, in their order, with AWS's types (jq)."""
    keys = jq(path, "keys_unsorted")
    assert len(keys) == n, keys
    for k in keys:
        assert k == AWS_FIELDS, k
    for types in jq(path, TYPES):
        assert types[:12] == ["string"] * 12, types
        assert types[12:14] == ["array", "object"], types
        rest = types[14:]
        while rest:
            assert rest[:4] == ["string", "string", "string", "Class,Rdata,Type"], types
            rest = rest[4:]


def world_with_inbound(port):
    w = World()
    shutil.copytree(ZONES, os.path.join(w.dir, "z"))
    w.write("resolver.yaml", f"""\
ResolverEndpoints:
  - {{Id: rslvr-in-0123456789abcdef0, Direction: INBOUND, HostVPCId: {PROD},
     IpAddresses: [{{Ip: {INBOUND}}}]}}
""")
    return w


def free_port(host):
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind((host, 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind((host, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


def test_json_lines_have_the_aws_fields_and_values(tmp_path):
    log = str(tmp_path / "q.json")
    port = free_port(INBOUND)
    w = world_with_inbound(port)
    try:
        with FakeUpstream() as up:
            with Dnsd(w.dir, listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}"),
                      upstream=(up.addr,), args=("--query-log", log, "--inbound-port",
                                                 str(port))) as d:
                assert len(addresses(d.query("MoNiToRiNg.us-east-2.AmAzOnAwS.com"))) == 3
                assert rcode(d.query("nope." + MON, "AAAA", tcp=True)) == "NXDOMAIN"
                assert addresses(d.query("www.example.")) == ["192.0.2.99"]
                d.query(MON, addr=d.addrs[1])                       # the staging VPC
                d.query(MON, addr=(INBOUND, port))                 # the inbound endpoint
                assert d.raw(b"\x00\x01\x80\x00" + bytes(8)) is None  # dropped: not logged
                wait_file_line(log, r'"srcids":\{"resolver_endpoint"')
                wait_file_line(log, STAGING)
    finally:
        w.cleanup()
    check_shape(log, 5)
    lines = jq(log, ".")
    by_name = {l["query_name"].lower() + l["transport"] + l["vpc_id"]: l for l in lines}
    a = lines[0]
    assert a["version"] == "1.100000"
    assert a["account_id"] == "111122223333"          # the VPC's OwnerId (describe-vpcs)
    assert a["region"] == "us-east-2" and a["vpc_id"] == PROD
    assert a["query_name"] == "MoNiToRiNg.us-east-2.AmAzOnAwS.com."    # as asked
    assert a["query_type"] == "A" and a["query_class"] == "IN" and a["rcode"] == "NOERROR"
    assert sorted(x["Rdata"] for x in a["answers"]) == ["10.0.1.42", "10.0.2.17", "10.0.3.88"]
    assert {(x["Type"], x["Class"]) for x in a["answers"]} == {("A", "IN")}
    assert a["srcaddr"] == "127.0.0.1" and a["srcport"].isdigit() and a["transport"] == "UDP"
    assert a["srcids"] == {}
    assert a["query_timestamp"][:2] == "20" and a["query_timestamp"].endswith("Z")
    assert len(a["query_timestamp"]) == len("2026-12-06T08:00:01.123Z")
    nx = by_name["nope." + MON.lower() + ".TCP" + PROD]
    assert nx["rcode"] == "NXDOMAIN" and nx["query_type"] == "AAAA" and nx["answers"] == []
    fwd = by_name["www.example.UDP" + PROD]
    assert fwd["answers"] == [{"Rdata": "192.0.2.99", "Type": "A", "Class": "IN"}]
    st = by_name[MON + ".UDP" + STAGING]
    assert st["account_id"] == "" and st["region"] == "us-east-2"   # no OwnerId written
    inbound = [l for l in lines if l["srcids"]]
    assert inbound[0]["srcids"] == {"resolver_endpoint": "rslvr-in-0123456789abcdef0"}
    assert inbound[0]["vpc_id"] == PROD


FIREWALL_ZONES = os.path.join(os.path.dirname(ZONES), "contrib", "firewall", "zones")


def test_firewall_fields_on_block_and_alert_answers(tmp_path):
    """The AWS page: firewall_rule_group_id, firewall_rule_action and
    firewall_domain_list_id are "populated only if DNS Firewall found a
    match for a rule with action set to alert or block" (contrib/firewall's
    world: prod blocks malware, staging alerts on it)."""
    log = str(tmp_path / "q.json")
    zones = tmp_path / "zones"
    shutil.copytree(ZONES, zones)             # as contrib/firewall/run puts them together
    shutil.copytree(FIREWALL_ZONES, zones, dirs_exist_ok=True)
    with Dnsd(str(zones), listen=(f"127.0.0.1:0={PROD}", f"127.0.0.2:0={STAGING}"),
              args=("--query-log", log, "--inbound-port", "0")) as d:
        assert rcode(d.query("c2.malware.example.")) == "NXDOMAIN"           # BLOCK
        d.query("c2.malware.example.", addr=d.addrs[1])                       # ALERT
        d.query("www.example.")                                               # no match
        wait_file_line(log, "www.example")
        wait_file_line(log, STAGING)
    lines = jq(log, ".")
    blocked = [l for l in lines if l["vpc_id"] == PROD and l["query_name"] == "c2.malware.example."]
    alerted = [l for l in lines if l["vpc_id"] == STAGING]
    plain = [l for l in lines if l["query_name"] == "www.example."]
    fw = ["firewall_rule_group_id", "firewall_rule_action", "firewall_domain_list_id"]
    assert list(blocked[0]) == AWS_FIELDS + fw, blocked
    assert blocked[0]["firewall_rule_action"] == "BLOCK"
    assert blocked[0]["firewall_rule_group_id"].startswith("rslvr-frg-")
    assert blocked[0]["firewall_domain_list_id"].startswith("rslvr-fdl-")
    assert list(alerted[0]) == AWS_FIELDS + fw and alerted[0]["firewall_rule_action"] == "ALERT"
    assert list(plain[0]) == AWS_FIELDS
    for l in blocked + alerted:
        assert all(isinstance(l[k], str) for k in fw)


def test_names_with_any_bytes_stay_valid_json(tmp_path):
    """A label may hold any byte: the name is written in presentation form
    (\\DDD), and the JSON escapes its backslashes (jq reads every line)."""
    log = str(tmp_path / "q.json")
    with Dnsd(ZONES, args=("--query-log", log)) as d:
        for label in (b'a"b', b"c\\d", b"\x01\x7f\xff", b"e f"):
            name = dns.name.Name([label, b"example", b""])
            d.send(dns.message.make_query(name, "A"))
        wait_file_line(log, "032f")
    names = [l["query_name"] for l in jq(log, ".")]
    assert names == ["a\\034b.example.", "c\\092d.example.", "\\001\\127\\255.example.",
                     "e\\032f.example."], names
    check_shape(log, 4)


def test_every_line_is_whole_with_two_workers_and_many_clients(tmp_path):
    log = str(tmp_path / "q.json")
    with Dnsd(ZONES, args=("--query-log", log, "--workers", "2")) as d:
        def client(k):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for i in range(100):
                    q = dns.message.make_query(f"n{k}-{i}.{MON}" if i % 2 else MON, "A")
                    dns.query.udp(q, d.host, port=d.port, sock=s, timeout=3)
        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        wait_file_line(log, ".", after=799)
    assert len(file_lines(log)) == 800
    check_shape(log, 800)
    rc = jq(log, "group_by(.rcode) | map({(.[0].rcode): length}) | add", "-s")[0]
    assert rc == {"NOERROR": 400, "NXDOMAIN": 400}, rc


def test_a_pipe_gets_whole_lines_from_two_workers_or_loses_them(tmp_path):
    """--query-log - into a pipe whose reader falls behind: writes of
    PIPE_BUF at most, cut at line ends, so that the workers' lines never
    mix; what does not fit is lost and counted, and answering goes on."""
    err = open(tmp_path / "stderr", "w")
    p = subprocess.Popen([DNSD, "--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream",
                          "127.0.0.1:9", "--control", "none", "--workers", "2", "--query-log",
                          "-", "--metrics", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=err)
    got = []

    def slow_reader():
        while True:
            chunk = p.stdout.read1(512)
            if not chunk:
                return
            got.append(chunk)
            time.sleep(0.002)
    reader = threading.Thread(target=slow_reader)
    reader.start()
    try:
        line = wait_file_line(str(tmp_path / "stderr"), "started: ")
        port = int(line.split("listening on 127.0.0.1:")[1].split()[0])
        metrics = re.search(r"metrics (http://\S+)", line).group(1)

        def client(k):
            # bursts of 25: dnsd reads them in batches, whose lines exceed PIPE_BUF
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(5)
                for burst in range(8):
                    for i in range(25):
                        name = f"q{k}-{burst}-{i}-" + "x" * 40 + "." + MON
                        s.sendto(dns.message.make_query(name, "A").to_wire(), ("127.0.0.1", port))
                    for i in range(25):
                        s.recv(4096)
        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        text = urllib.request.urlopen(metrics, timeout=10).read().decode()
    finally:
        p.terminate()
        assert p.wait(10) == 0
        reader.join(30)
        err.close()
    made = int(float(re.search(r"^dnsd_query_log_lines_total (\S+)$", text, re.M).group(1)))
    lost = int(float(re.search(r"^dnsd_query_log_lost_lines_total (\S+)$", text, re.M).group(1)))
    lines = b"".join(got).decode().splitlines()
    assert made == 1600 and len(lines) + lost == 1600, (made, lost, len(lines))
    for line in lines:
        rec = json.loads(line)
        assert list(rec) == AWS_FIELDS and rec["rcode"] == "NXDOMAIN", line


def test_standard_output_and_the_text_format(tmp_path):
    """- is standard output (here a file); text lines have key=value fields
    and also the queries that got no reply, with why."""
    out = open(tmp_path / "stdout", "w")
    err = open(tmp_path / "stderr", "w")
    p = subprocess.Popen([DNSD, "--zones", ZONES, "--listen", "127.0.0.1:0", "--upstream",
                          "127.0.0.1:9", "--control", "none", "--query-log", "-",
                          "--query-log-format", "text", "-vv"], stdout=out, stderr=err)
    try:
        line = wait_file_line(str(tmp_path / "stderr"), "started: ")
        port = int(line.split("listening on 127.0.0.1:")[1].split()[0])
        q = dns.message.make_query(MON, "A")
        dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.5)
            s.sendto(q.to_wire()[:20], ("127.0.0.1", port))   # cut: FORMERR
            s.recv(512)
        ok = wait_file_line(str(tmp_path / "stdout"), "source=local")
        bad = wait_file_line(str(tmp_path / "stdout"), "source=error")
    finally:
        p.terminate()
        assert p.wait(10) == 0
        out.close()
        err.close()
    assert f" client=127.0.0.1:" in ok and f" vpc={PROD} name={MON}. type=A rcode=NOERROR " \
        in ok and " answers=A:10.0.1.42,A:10.0.2.17,A:10.0.3.88" in ok, ok
    assert "rcode=FORMERR" in bad and 'why="malformed question"' in bad, bad
    # nothing of the query log in the operations log
    assert "client=" not in open(tmp_path / "stderr").read()


def test_query_log_that_cannot_be_opened_stops_the_start(tmp_path):
    d = Dnsd(ZONES, args=("--query-log", str(tmp_path / "no" / "such" / "dir.log")),
             expect_start=False)
    assert d.proc.wait(10) == 3
    d.stop()
    assert "--query-log " in d.log() and "No such file or directory" in d.log(), d.log()
    d = Dnsd(ZONES, args=("--query-log-format", "xml"), expect_start=False)
    assert d.proc.wait(10) == 2
    d.stop()
    assert "--query-log-format: 'xml' is not one of json|text" in d.log(), d.log()
