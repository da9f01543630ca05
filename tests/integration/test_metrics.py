# tests/integration/test_metrics.py - /metrics read by a real Prometheus parser, counts checked against the queries sent.
import socket
import urllib.error
import urllib.request

import dns.message
import dns.query
import dns.rdataclass
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.harness import DEAD_UPSTREAM, ZONES, Dnsd, addresses, loaded_summary, rcode
from tests.integration.test_forward import FakeUpstream, silent_socket

MON = "monitoring.us-east-2.amazonaws.com"
PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"


def scrape(d):
    with urllib.request.urlopen(d.metrics_url, timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = r.read().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    return families


def value(families, family, name=None, **labels):
    """The sample of a family with exactly these labels (0 when absent)."""
    for s in families[family].samples:
        if (name is None or s.name == name) and s.labels == labels:
            return s.value
    return 0


def samples(families, family, name):
    return [s for s in families[family].samples if s.name == name]


def raw_udp(d, wire, addr=None):
    host, port = addr or d.addrs[0]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        s.sendto(wire, (host, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def test_counts_match_the_queries_sent():
    """Every kind of query once or a few times, over two workers; each
    counter is what was sent (Prometheus text parsed by prometheus_client)."""
    with FakeUpstream() as up:
        with Dnsd(ZONES, listen=("127.0.0.1:0", f"127.0.0.2:0={STAGING}"),
                  upstream=(up.addr,), args=("--metrics", "127.0.0.1:0", "--workers", "2",
                                             "--allow", "127.0.0.0/8")) as d:
            for _ in range(3):
                assert len(addresses(d.query(MON))) == 3                  # local A, udp
            assert rcode(d.query(MON, "AAAA", tcp=True)) == "NOERROR"    # local AAAA, tcp
            assert rcode(d.query("nope." + MON)) == "NXDOMAIN"           # local, udp
            # forward, then cache: from one socket, so that one worker (one cache) gets both
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as one:
                one.bind(("127.0.0.1", 0))
                for _ in range(2):
                    r = dns.query.udp(dns.message.make_query("www.example.", "A"), d.host,
                                      port=d.port, sock=one, timeout=3)
                    assert addresses(r) == ["192.0.2.99"]
            q = dns.message.make_query("x.example.", "TXT", rdclass=dns.rdataclass.HS)
            assert rcode(d.send(q)) == "REFUSED"                         # refused (class)
            bad = dns.message.make_query("y.example.", "A").to_wire() + b"junk"
            assert dns.message.from_wire(raw_udp(d, bad), ignore_trailing=True).rcode() == 1
            assert raw_udp(d, b"\x00\x01\x80\x00" + bytes(8)) is None    # QR set: dropped
            assert rcode(d.query(MON, addr=d.addrs[1])) in ("NOERROR", "SERVFAIL")  # staging
            m = scrape(d)
    src = {(t, k): value(m, "dnsd_queries", "dnsd_queries_total", transport=t, source=k)
           for t in ("udp", "tcp") for k in ("local", "forward", "cache", "refused", "error",
                                              "dropped")}
    # staging has the endpoint with private DNS off: its query went to the fake upstream
    want = {("udp", "local"): 4, ("tcp", "local"): 1, ("udp", "forward"): 2,
            ("udp", "cache"): 1, ("udp", "refused"): 1, ("udp", "error"): 1,
            ("udp", "dropped"): 1}
    for k, v in src.items():
        assert v == want.get(k, 0), (k, v, src)
    types = {s.labels["type"]: s.value for s in samples(m, "dnsd_queries_by_type",
                                                        "dnsd_queries_by_type_total")}
    assert types["A"] == 8 and types["AAAA"] == 1 and types["TXT"] == 1, types
    assert types["other"] == 1, types     # the dropped one: no question read
    assert sum(types.values()) == 11
    rc = {s.labels["rcode"]: s.value for s in samples(m, "dnsd_responses", "dnsd_responses_total")}
    assert rc["NOERROR"] == 7 and rc["NXDOMAIN"] == 1 and rc["REFUSED"] == 1 and \
        rc["FORMERR"] == 1, rc
    assert sum(rc.values()) == 11 - 1      # the dropped one got none
    views = {s.labels["view"]: s.value for s in samples(m, "dnsd_queries_by_view",
                                                        "dnsd_queries_by_view_total")}
    assert views == {PROD: 7, STAGING: 1}, views
    # the forwarding target: one answer in the histogram (the cache answered the other)
    target = f"127.0.0.1:{up.port}"
    count = value(m, "dnsd_forward_duration_seconds", "dnsd_forward_duration_seconds_count",
                  target=target)
    assert count == 2, m["dnsd_forward_duration_seconds"].samples   # www.example. and staging
    buckets = [s for s in samples(m, "dnsd_forward_duration_seconds",
                                  "dnsd_forward_duration_seconds_bucket")
               if s.labels["target"] == target]
    assert buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == 2
    assert all(a.value <= b.value for a, b in zip(buckets, buckets[1:]))
    assert 0 < value(m, "dnsd_forward_duration_seconds", "dnsd_forward_duration_seconds_sum",
                     target=target) < 5
    assert m["dnsd_forward_duration_seconds"].type == "histogram"
    assert value(m, "dnsd_cache_hits", "dnsd_cache_hits_total") == 1
    assert value(m, "dnsd_cache_misses", "dnsd_cache_misses_total") == 2
    assert value(m, "dnsd_cache_entries") == 2 and value(m, "dnsd_cache_bytes") > 0
    assert m["dnsd_cache_entries"].type == "gauge"
    assert value(m, "dnsd_tcp_connections", "dnsd_tcp_connections_total") == 1
    assert value(m, "dnsd_forwarded_queries", "dnsd_forwarded_queries_total") == 3
    assert value(m, "dnsd_workers") == 2


def test_timeouts_and_errors_per_target():
    silent, silent_addr = silent_socket()
    try:
        with Dnsd(ZONES, upstream=(DEAD_UPSTREAM, silent_addr),
                  args=("--metrics", "127.0.0.1:0", "--forward-timeout", "100")) as d:
            assert rcode(d.query("www.example.", timeout=5)) == "SERVFAIL"
            m = scrape(d)
    finally:
        silent.close()
    assert value(m, "dnsd_forward_errors", "dnsd_forward_errors_total",
                 target=DEAD_UPSTREAM) == 1
    assert value(m, "dnsd_forward_timeouts", "dnsd_forward_timeouts_total",
                 target=silent_addr) == 1
    assert value(m, "dnsd_forward_servfail", "dnsd_forward_servfail_total") == 1
    assert value(m, "dnsd_queries", "dnsd_queries_total", transport="udp",
                 source="forward") == 1
    assert value(m, "dnsd_responses", "dnsd_responses_total", rcode="SERVFAIL") == 1


def test_reloads_rebuilds_and_what_is_loaded():
    with Dnsd(ZONES, args=("--metrics", "127.0.0.1:0")) as d:
        m = scrape(d)
        start = value(m, "dnsd_last_reload_success_timestamp_seconds")
        assert start == value(m, "dnsd_start_time_seconds") > 1.7e9
        counts, _ = loaded_summary()     # what dnsd --check reads from the same zones/
        for what in ("vpcs", "endpoints", "zones", "names", "records", "files"):
            key = "VPCs" if what == "vpcs" else what
            assert value(m, "dnsd_loaded_" + what) == counts[key] > 0, (what, counts)
        d.ctl_ok("reload")
        d.ctl_ok("health", "az", "us-east-2b", "down")
        m = scrape(d)
        assert value(m, "dnsd_reloads", "dnsd_reloads_total", result="ok") == 1
        assert value(m, "dnsd_reloads", "dnsd_reloads_total", result="failed") == 0
        assert value(m, "dnsd_health_rebuilds", "dnsd_health_rebuilds_total", result="ok") == 1
        assert value(m, "dnsd_health_overrides") == 1
        assert value(m, "dnsd_last_reload_success_timestamp_seconds") >= start
        assert samples(m, "dnsd_build_info", "dnsd_build_info")[0].labels["version"]


def test_http_paths_and_methods():
    with Dnsd(ZONES, args=("--metrics", "127.0.0.1:0")) as d:
        base = d.metrics_url.rsplit("/", 1)[0]
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "/other", timeout=5)
        assert e.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(urllib.request.Request(d.metrics_url, data=b"x",
                                                          method="POST"), timeout=5)
        assert e.value.code == 405 and e.value.headers["Allow"] == "GET, HEAD"
        with urllib.request.urlopen(urllib.request.Request(d.metrics_url, method="HEAD"),
                                    timeout=5) as r:
            assert r.status == 200 and r.read() == b""
        # a client that leaves before the answer, then many scrapes at once
        for _ in range(20):
            host, port = d.metrics_url.split("//")[1].split("/")[0].rsplit(":", 1)
            s = socket.create_connection((host, int(port)))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            s.close()
        for _ in range(5):
            assert "dnsd_queries" in scrape(d)


def test_bad_metrics_address_is_a_start_error():
    for spec in ("127.0.0.1", "nowhere:9153", "127.0.0.1:99999"):
        d = Dnsd(ZONES, args=("--metrics", spec), expect_start=False)
        assert d.proc.wait(10) == 3, spec
        d.stop()
        assert f"--metrics {spec}: not ADDR:PORT" in d.log(), d.log()
