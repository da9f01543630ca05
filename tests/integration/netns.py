# tests/integration/netns.py - network namespaces a test creates for itself.
"""A Netns is a private network namespace with loopback up and whole
address blocks local to it (10.0.0.0/8 and fd00::/8 by default), so that a
test can send queries from any address of a VPC's CIDR to a dnsd running
inside, as instances of many VPCs would. Nothing leaves the namespace.
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

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
