# tests/integration/netns.py - network namespaces a test creates for itself.
"""A Netns is a private network namespace with loopback up and whole
address blocks local to it (10.0.0.0/8 and fd00::/8 by default), so that a
test can send queries from any address of a VPC's CIDR to a dnsd running
inside, as instances of many VPCs would. Nothing leaves the namespace.
A Switch is a namespace of bridges that others plug into with veth pairs:
a container network's topology, without a container runtime.
Creating one needs root; tests that need one skip, saying why, without it.
"""
import ctypes
import itertools
import os
import subprocess
from contextlib import contextmanager

import pytest

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_counter = itertools.count()


def require_root():
    if os.geteuid() != 0:
        pytest.skip("needs root to create network namespaces (sudo .ci/run)")


def _ip(*args):
    subprocess.run(["ip"] + list(args), check=True, capture_output=True, text=True)


class Netns:
    def __init__(self, v4=("10.0.0.1/8",), v6=("fd00::1/8",)):
        require_root()
        self.name = f"dnsd-test-{os.getpid()}-{next(_counter)}"
        _ip("netns", "add", self.name)
        try:
            self.run("ip", "link", "set", "lo", "up")
            for block in v4:
                self.run("ip", "addr", "add", block, "dev", "lo")
            for block in v6:
                self.run("ip", "-6", "addr", "add", block, "dev", "lo")
                # an IPv6 address makes only itself local: route the block
                # too, and let sockets bind to its addresses
                self.run("ip", "-6", "route", "add", "local", block, "dev", "lo")
                self.run("sysctl", "-qw", "net.ipv6.ip_nonlocal_bind=1")
        except Exception:
            self.close()
            raise

    @property
    def wrap(self):
        """Prefix that runs a command inside (for harness.Dnsd(wrap=...))."""
        return ("ip", "netns", "exec", self.name)

    def run(self, *argv, **kw):
        kw.setdefault("check", True)
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(list(self.wrap) + list(argv), **kw)

    @contextmanager
    def inside(self):
        """Sockets the calling thread creates in this block live in the namespace."""
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into " + self.name)
            try:
                yield self
            finally:
                if _libc.setns(home, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back home")
        finally:
            os.close(target)
            os.close(home)

    def resolv_conf(self, text):
        """The namespace's own /etc/resolv.conf: `ip netns exec` bind-mounts
        /etc/netns/NAME/resolv.conf over /etc/resolv.conf for what it runs."""
        d = f"/etc/netns/{self.name}"
        os.makedirs(d, exist_ok=True)
        with open(f"{d}/resolv.conf", "w") as f:
            f.write(text)

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        d = f"/etc/netns/{self.name}"
        if os.path.isdir(d):
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            os.rmdir(d)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Switch(Netns):
    """A namespace that holds one bridge per network, as a container
    runtime's host does: other namespaces plug into a bridge with a veth
    pair (plug). Nothing of it is in the test's own namespace."""

    def __init__(self):
        super().__init__(v4=(), v6=())
        self.bridges = set()

    def bridge(self, name):
        if name not in self.bridges:
            self.run("ip", "link", "add", name, "type", "bridge")
            self.run("ip", "link", "set", name, "up")
            self.bridges.add(name)
        return name

    def plug(self, ns, bridge, ifname, cidr):
        """A veth pair: ifname with address cidr in ns, its peer on the bridge."""
        peer = f"p{os.getpid() % 10000}x{next(_counter)}"
        tmp = f"t{os.getpid() % 10000}x{next(_counter)}"
        _ip("link", "add", tmp, "type", "veth", "peer", "name", peer)
        try:
            _ip("link", "set", tmp, "netns", ns.name)
            _ip("link", "set", peer, "netns", self.name)
        except Exception:
            subprocess.run(["ip", "link", "del", tmp], capture_output=True)
            raise
        ns.run("ip", "link", "set", tmp, "name", ifname)
        ns.run("ip", "addr", "add", cidr, "dev", ifname)
        ns.run("ip", "link", "set", ifname, "up")
        self.run("ip", "link", "set", peer, "master", self.bridge(bridge))
        self.run("ip", "link", "set", peer, "up")
