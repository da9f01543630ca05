# tests/integration/test_install.py - make install: what goes where, the installed dnsd outside the source tree, the systemd unit.
"""`make install DESTDIR=...` from the build tree under test, then the
installed files are checked and the installed dnsd is run from outside the
source tree. (`make distcheck` runs tests/installcheck.py as well, against
an install with its real prefix, where dnsd finds its definitions without
--zones.)"""
import filecmp
import os
import re
import shutil
import signal
import subprocess

import dns.message
import dns.query
import pytest

from tests.integration.harness import DEAD_UPSTREAM, DNSD, SRCDIR, DnsdError, addresses, tool

BUILDDIR = os.environ.get("DNSD_BUILDDIR", SRCDIR)
ZONESDIR = os.environ.get("DNSD_ZONESDIR", "/usr/local/etc/dnsd/zones")
SBINDIR = os.environ.get("DNSD_SBINDIR", "/usr/local/sbin")
MANDIR = os.environ.get("DNSD_MANDIR", "/usr/local/share/man")
DOCDIR = os.environ.get("DNSD_DOCDIR", "/usr/local/share/doc/dnsd")
UNITDIR = os.environ.get("DNSD_UNITDIR", "/usr/local/lib/systemd/system")
CONTROLDIR = os.environ.get("DNSD_CONTROLDIR", "/usr/local/var/run/dnsd")
MON = "monitoring.us-east-2.amazonaws.com"
MON_ADDRS = ["10.0.1.42", "10.0.2.17", "10.0.3.88"]


def make(*args):
    """make in the build tree under test, outside the jobserver of the make
    that runs the tests."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run([tool("make"), "-s", "-C", BUILDDIR] + list(args), env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


@pytest.fixture()
def dest(tmp_path):
    make("install", f"DESTDIR={tmp_path}")
    return str(tmp_path)


def files_under(top):
    found = set()
    for root, _, files in os.walk(top):
        found |= {os.path.relpath(os.path.join(root, f), top) for f in files}
    return found


def test_install_puts_every_piece_in_place(dest):
    shipped = files_under(os.path.join(SRCDIR, "zones"))
    assert len(shipped) >= 10
    assert files_under(dest + ZONESDIR) == shipped
    assert files_under(dest + DOCDIR + "/examples/zones") == shipped
    assert os.access(dest + SBINDIR + "/dnsd", os.X_OK)
    assert os.access(dest + SBINDIR + "/dnsd-control", os.X_OK)
    # no build-tree marker travels with the binaries
    assert sorted(os.listdir(dest + SBINDIR)) == ["dnsd", "dnsd-control"]
    version = open(os.path.join(SRCDIR, "configure.ac")).read() \
        .split("AC_INIT([dnsd], [", 1)[1].split("]", 1)[0]
    for page in ("dnsd.8", "dnsd-control.8"):
        man = open(dest + MANDIR + "/man8/" + page).read()
        assert not re.search(r"@\w+@", man), re.findall(r"@\w+@", man)
        assert "dnsd " + version in man and "/dnsd/control" in man, page
        # every warning but "cannot adjust line" (long install paths in FILES)
        groff = subprocess.run([tool("groff"), "-man", "-ww", "-Wbreak", "-z", "-Tutf8",
                                dest + MANDIR + "/man8/" + page], capture_output=True, text=True)
        assert groff.returncode == 0 and groff.stderr == "", (page, groff.stderr)
    assert ZONESDIR in open(dest + MANDIR + "/man8/dnsd.8").read()
    unit = open(dest + UNITDIR + "/dnsd.service").read()
    assert f"ExecStart={SBINDIR}/dnsd --control %t/dnsd/control\n" in unit, unit
    assert f"ExecReload={SBINDIR}/dnsd-control -s %t/dnsd/control reload\n" in unit, unit
    assert not re.search(r"@\w+@", unit)


def test_installed_dnsd_defaults_to_sysconfdir_and_the_build_tree_to_its_zones(dest, tmp_path):
    """The installed binary has no marker beside it: its default is
    $(sysconfdir)/dnsd/zones; the one in the build tree reads the source
    tree's zones/ from wherever it is started."""
    installed = dest + SBINDIR + "/dnsd"
    out = subprocess.run([installed, "--help"], capture_output=True, text=True, cwd="/")
    assert f"(default: {ZONESDIR})" in " ".join(out.stdout.split()), out.stdout
    out = subprocess.run([installed, "--check"], capture_output=True, text=True, cwd="/")
    assert ZONESDIR in out.stderr, out.stderr  # not installed for real here: read or missing
    assert SRCDIR not in out.stderr
    out = subprocess.run([DNSD, "--check"], capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr
    assert re.search(rf"{re.escape(os.path.realpath(SRCDIR))}/zones: ok: 2 VPCs, 9 endpoints",
                     out.stderr), out.stderr


def test_control_socket_defaults_installed_and_in_the_build_tree(dest):
    """Installed, dnsd and dnsd-control agree on $(runstatedir)/dnsd/control;
    in the build tree, on dnsd.control beside the binaries (no root needed)."""
    def default(prog):
        out = subprocess.run([prog, "--help"], capture_output=True, text=True, cwd="/")
        m = re.search(r"--(?:control|socket) PATH.*?\(default: (\S+)\)", " ".join(out.stdout.split()))
        assert m, out.stdout
        return m.group(1)
    installed = CONTROLDIR + "/control"
    assert default(dest + SBINDIR + "/dnsd") == installed
    assert default(dest + SBINDIR + "/dnsd-control") == installed
    here = os.path.join(os.path.dirname(os.path.realpath(DNSD)), "dnsd.control")
    assert default(DNSD) == here
    assert default(os.path.join(os.path.dirname(DNSD), "dnsd-control")) == here


def test_installed_dnsd_serves_the_installed_examples_from_outside_the_tree(dest, tmp_path):
    p = subprocess.Popen([dest + SBINDIR + "/dnsd", "--zones", dest + ZONESDIR, "--listen",
                          "127.0.0.1:0", "--upstream", DEAD_UPSTREAM, "--control", "none"],
                         cwd=str(tmp_path),
                         stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in p.stderr:
            lines.append(line)
            if "started: " in line:
                break
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", lines[-1])
        assert m, lines
        r = dns.query.udp(dns.message.make_query(MON, "A"), "127.0.0.1", port=int(m.group(1)),
                          timeout=3)
        assert sorted(addresses(r)) == MON_ADDRS
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(10) == 0
        p.stderr.close()


def test_systemd_analyze_verifies_the_installed_unit(dest, tmp_path):
    """systemd-analyze verify checks the keys, the binaries it would run and
    the Documentation= man page (found in the installed man tree)."""
    unit = open(dest + UNITDIR + "/dnsd.service").read()
    unit = unit.replace(f"ExecStart={SBINDIR}/dnsd", f"ExecStart={dest}{SBINDIR}/dnsd")
    unit = unit.replace(f"ExecReload={SBINDIR}/dnsd-control",
                        f"ExecReload={dest}{SBINDIR}/dnsd-control")
    (tmp_path / "unit").mkdir()
    path = tmp_path / "unit" / "dnsd.service"
    path.write_text(unit)
    out = subprocess.run([tool("systemd-analyze"), "verify", str(path)], capture_output=True,
                         text=True, env=dict(os.environ, MANPATH=dest + MANDIR))
    assert out.returncode == 0 and out.stderr == "" and out.stdout == "", \
        out.stdout + out.stderr
    for line in ("Type=notify", "DynamicUser=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                 "RuntimeDirectory=dnsd", "Documentation=man:dnsd(8) man:dnsd-control(8)"):
        assert line + "\n" in unit, line
    assert "kill -HUP" not in unit


def test_reinstall_keeps_edited_definitions_and_uninstall_only_removes_pristine_ones(dest):
    mine = dest + ZONESDIR + "/dnsd.yaml"
    with open(mine, "a") as f:
        f.write("# edited by the operator\n")
    os.remove(dest + ZONESDIR + "/staging.yaml")
    out = make("install", f"DESTDIR={dest}")
    assert "exists: left as it is" in out.stdout
    assert open(mine).read().endswith("# edited by the operator\n")
    assert not os.path.exists(dest + ZONESDIR + "/staging.yaml")
    make("uninstall", f"DESTDIR={dest}")
    assert files_under(dest + ZONESDIR) == {"dnsd.yaml"}
    assert files_under(dest) == {os.path.relpath(mine, dest)}
