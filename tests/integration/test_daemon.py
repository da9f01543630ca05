# tests/integration/test_daemon.py - the running daemon: workers, signals, logs, descriptors.
import socket

import dns.message
import dns.query

from tests.integration.harness import ZONES, Dnsd, addresses

CW = "vpce-099deb00b40f00e22-lj2wisx3.monitoring.us-east-2.vpce.amazonaws.com"
CW_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]


def rotations(seq):
    return [list(seq[i:]) + list(seq[:i]) for i in range(len(seq))]


def ask_from(sock, d, name, rdtype="A"):
    q = dns.message.make_query(name, rdtype)
    return addresses(dns.query.udp(q, d.host, port=d.port, sock=sock, timeout=3))


# ---- workers ----

def test_each_worker_rotates_on_its_own_counters():
    """With two workers, a client's queries from one socket reach one
    worker (SO_REUSEPORT hashes the address pair) and rotate by one; each
    worker counts for itself, so fresh sockets see every answer whole."""
    with Dnsd(ZONES, args=("--workers", "2")) as d:
        for _ in range(3):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                seen = [ask_from(s, d, CW) for _ in range(4)]
            first = rotations(CW_ADDRS).index(seen[0])
            assert seen[:3] == rotations(CW_ADDRS)[first:] + rotations(CW_ADDRS)[:first]
            assert seen[3] == seen[0]
        d.reload()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            seen = [sorted(ask_from(s, d, CW)) for _ in range(4)]
        assert seen == [sorted(CW_ADDRS)] * 4
