# tests/integration/test_cli.py - the command line: --help, the man page, exit codes, start-up failures.
import os
import re
import socket

from tests.integration.harness import SRCDIR, ZONES, Dnsd, World, run_dnsd

MAN_IN = os.path.join(SRCDIR, "src", "dnsd.8.in")


def help_options():
    out = run_dnsd(["--help"])
    assert out.returncode == 0
    return out.stdout, re.findall(r"^\s+(?:-(\w), )?--([a-z-]+)", out.stdout, re.M)


def test_help_lists_the_issue_synopsis():
    text, opts = help_options()
    names = {long for _, long in opts}
    for required in ("zones", "listen", "upstream", "check", "help", "version"):
        assert required in names
    assert "127.0.0.1:5300" in text and "[::1]:5300" in text  # the default is stated


def test_every_help_option_is_in_the_man_page():
    _, opts = help_options()
    man = open(MAN_IN).read().replace("\\-", "-")
    missing = [long for _, long in opts if "--" + long not in man]
    assert not missing, f"options missing from src/dnsd.8.in: {missing}"
    for short, long in opts:
        if short:
            assert f"-{short}, --{long}" in man.replace('" "', " ").replace('B ', '') or \
                f"-{short}" in man, f"-{short} missing from the man page"


def test_version():
    out = run_dnsd(["--version"])
    assert out.returncode == 0
    assert re.fullmatch(r"dnsd \d+\.\d+\.\d+\n", out.stdout)
    man = open(MAN_IN).read()
    assert "@PACKAGE_VERSION@" in man  # configure fills in the same version


def test_unknown_option_is_a_usage_error():
    out = run_dnsd(["--no-such-option"])
    assert out.returncode == 2
    assert "unknown option '--no-such-option'" in out.stderr


def test_bad_option_values_are_usage_errors():
    for args, text in ((["--edns-size", "100"], "--edns-size: '100' is not a number from 512 to 4096"),
                       (["--listen", "not-an-address"], "--listen: 'not-an-address' is not ADDR[:PORT]"),
                       (["--upstream", "1.2.3.4:99999"], "--upstream: '1.2.3.4:99999' is not ADDR[:PORT]"),
                       (["--workers"], "--workers needs N")):
        out = run_dnsd(["--zones", ZONES] + args)
        assert out.returncode == 2, args
        assert text in out.stderr, (args, out.stderr)


def test_check_on_the_shipped_zones():
    out = run_dnsd(["--check", "--zones", ZONES])
    assert out.returncode == 0, out.stderr
    assert re.search(r"ok: 2 VPCs, 9 endpoints", out.stderr)
    assert "; zone monitoring.us-east-2.amazonaws.com. view vpc-0a1b2c3d4e5f60718 kind private" in out.stdout


def test_check_missing_directory_fails():
    out = run_dnsd(["--check", "--zones", "/nonexistent-dnsd-zones"])
    assert out.returncode == 1
    assert "/nonexistent-dnsd-zones: error: cannot read the definitions directory" in out.stderr


def test_taken_port_fails_at_once_with_a_clear_message():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        out = run_dnsd(["--zones", ZONES, "--listen", f"127.0.0.1:{port}", "--upstream", "127.0.0.1:9"],
                       timeout=10)
    assert out.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port} (udp): the address is in use" in out.stderr


def test_listener_bound_to_unknown_vpc_is_refused():
    out = run_dnsd(["--zones", ZONES, "--listen", "127.0.0.1:0=vpc-nope", "--upstream", "127.0.0.1:9"])
    assert out.returncode == 1
    assert "listener bound to VPC vpc-nope, which no definition describes" in out.stderr


def test_broken_definitions_stop_the_start():
    with World({"bad.yaml": "Vpcs:\n  - VpcId: vpc-1\n    CidrBlock: 10.0.0.0/33\n"}) as w:
        out = run_dnsd(["--zones", w.dir, "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9"])
    assert out.returncode == 1
    assert re.search(r"bad\.yaml:3: error: a VPC: '10\.0\.0\.0/33' is not an address block", out.stderr)


def test_starts_and_stops_cleanly_on_sigterm():
    d = Dnsd(ZONES)
    assert d.query("monitoring.us-east-2.amazonaws.com").answer
    assert d.stop() == 0
    assert re.search(r"stopped: 1 queries, 1 answered locally", d.log())


def test_upstream_equal_to_a_listener_is_left_out():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Dnsd(ZONES, listen=(f"127.0.0.1:{port}",), upstream=(f"127.0.0.1:{port}",)) as d:
        assert f"upstream 127.0.0.1:{port} is dnsd itself; left out" in d.log()
        assert "upstream none" in d.log()


def test_libevent_stays_at_the_edges():
    """Only the I/O modules include libevent; the answer logic is plain C
    that unit tests drive without sockets (docs/style.md §15)."""
    src = os.path.join(SRCDIR, "src")
    users = sorted(f for f in os.listdir(src) if f.endswith((".c", ".h")) and
                   "#include <event2/" in open(os.path.join(src, f)).read())
    assert users == ["server.c", "upstream.c"]
    for f in os.listdir(src):
        if f.endswith((".c", ".h")) and f not in ("server.c", "upstream.c", "main.c"):
            assert "#include <ldns/" not in open(os.path.join(src, f)).read() or f in (
                "export.c", "defs_rrset.c", "defs_zonefile.c"), \
                f"{f} uses ldns: keep it off the answer path"
