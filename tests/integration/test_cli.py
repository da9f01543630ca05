# tests/integration/test_cli.py - the command line: --help, the man page, exit codes, start-up failures.
import os
import re
import socket

from tests.integration.harness import SRCDIR, ZONES, Dnsd, World, run_dnsd

MAN_IN = os.path.join(SRCDIR, "src", "dnsd.8.in")


def help_options():
    out = run_dnsd(["--help"])
    assert out.returncode == 0
    return out.stdout, re.findall(r"^  (?:-(\w), |    )--([a-z-]+)", out.stdout, re.M)


def help_entries():
    """{long name: its --help text, unwrapped}."""
    text, _ = help_options()
    entries, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^  (?:-\w, |    )--([a-z-]+)", line)
        if m:
            name = m.group(1)
            entries[name] = ""
        elif name and line.startswith("          "):
            entries[name] += " " + line.strip()
        else:
            name = None
    return entries


def man_entries():
    """{long name: the text of its OPTIONS entry in src/dnsd.8.in}."""
    man = open(MAN_IN).read()
    options = man.split(".SH OPTIONS", 1)[1].split("\n.SH ", 1)[0]
    entries = {}
    for item in options.split(".TP\n")[1:]:
        head, _, body = item.partition("\n")
        m = re.search(r"\\-\\-([a-z\\-]+)", head)
        assert m, head
        name = m.group(1).replace("\\-", "-")
        assert name not in entries, f"--{name} is in the man page twice"
        entries[name] = " ".join(body.replace("\\-", "-").split())
    return entries


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


def test_man_page_states_every_default_bound_and_limit_of_the_table():
    """--help is made from the option table; the man page, written by hand,
    must say the same numbers: defaults, bounds and list limits."""
    helps, man = help_entries(), man_entries()
    assert sorted(helps) == sorted(man)
    for name, text in helps.items():
        m = re.search(r"; (\d+) to (\d+) \(default: (\d+)\)", text)
        if m:
            lo, hi, default = m.groups()
            assert f"{lo} to {hi}" in man[name], (name, man[name])
            assert re.search(rf"default {default}\b", man[name]), (name, man[name])
        m = re.search(r"repeatable, at most \d+ times \(default: (.*)\)$", text)
        if m and re.match(r"[\d\[]", m.group(1)):  # a list of values: each is in the man page
            for value in re.split(r", | and ", m.group(1)):
                assert value in man[name], (name, value, man[name])
        m = re.search(r"at most (\d+) times", text)
        if m:
            assert f"at most {m.group(1)}" in man[name] or f"up to {m.group(1)}" in man[name], \
                (name, man[name])


def test_man_page_has_files_and_definitions_sections():
    man = open(MAN_IN).read()
    sections = re.findall(r"^\.SH (\w+)", man, re.M)
    for s in ("NAME", "SYNOPSIS", "OPTIONS", "DEFINITIONS", "FILES", "SIGNALS", "EXIT"):
        assert s in sections, s
    defs = man.split(".SH DEFINITIONS", 1)[1].split("\n.SH ", 1)[0]
    subsections = re.findall(r"^\.SS (.+)$", defs, re.M)
    for s in ("VPCs, subnets and interface endpoints", "Private hosted zones", "Zone files",
              "Resolver rules", "Resolver endpoints"):
        assert s in subsections, s
    for cli in ("describe-vpc-endpoints", "list-hosted-zones", "list-resource-record-sets",
                "list-resolver-rules", "list-resolver-rule-associations",
                "list-resolver-endpoints", "list-resolver-endpoint-ip-addresses", "ZoneFile"):
        assert cli in defs.replace("\\-", "-"), cli
    files = man.split(".SH FILES", 1)[1].split("\n.SH ", 1)[0]
    assert "@zonesdir@" in files and "resolv.conf" in files


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


def test_getopt_long_forms():
    """-zDIR, --zones=DIR, abbreviations, clustered flags and `--` work as
    getopt_long(3) has them."""
    for args in (["-c", "-z" + ZONES], ["-c", "--zones=" + ZONES], ["--che", "--zon", ZONES],
                 ["-cz", ZONES], ["-cqz" + ZONES], ["--check", "--zones", ZONES, "--"]):
        out = run_dnsd(args)
        assert out.returncode == 0, (args, out.stderr)
        assert re.search(r"ok: 2 VPCs, 9 endpoints", out.stderr), args


def test_getopt_errors_say_what_is_wrong():
    for args, text in ((["--c"], "option '--c' is ambiguous: --check, --control, --cache-size"),
                       (["--qu"], "option '--qu' is ambiguous: --quiet, --query-log, "
                                  "--query-log-format"),
                       (["--check=yes"], "--check takes no value"),
                       (["-x"], "unknown option '-x'"),
                       (["-cx"], "unknown option '-x'"),
                       (["--nope=1"], "unknown option '--nope'"),
                       (["-w"], "--workers needs N"),
                       (["--work"], "--workers needs N"),
                       (["--workers="], "--workers: '' is not a number from 1 to 64"),
                       (["--check", "extra"], "unexpected argument 'extra'"),
                       (["--check", "--", "-v"], "unexpected argument '-v'")):
        out = run_dnsd(["--zones", ZONES] + args)
        assert out.returncode == 2, (args, out.stderr)
        assert text in out.stderr, (args, out.stderr)


def test_vv_logs_every_dropped_packet_and_v_does_not():
    garbage = b"\x00\x01\x80\x00" + bytes(8)  # QR set: dropped
    for flags, logged in (("-vv", True), ("-v", False), ("-v -v", True), ("-qvvv", False)):
        with Dnsd(ZONES, args=flags.split()) as d:
            d.raw(garbage, timeout=0.2)
            d.query("monitoring.us-east-2.amazonaws.com")  # after the drop
        assert ("dropped a query" in d.log()) == logged, (flags, d.log())


def test_bad_option_values_are_usage_errors():
    for args, text in ((["--edns-size", "100"], "--edns-size: '100' is not a number from 512 to 4096"),
                       (["--listen", "not-an-address"], "--listen: 'not-an-address' is not ADDR[:PORT]"),
                       (["--upstream", "1.2.3.4:99999"], "--upstream: '1.2.3.4:99999' is not ADDR[:PORT]"),
                       (["--workers"], "--workers needs N")):
        out = run_dnsd(["--zones", ZONES] + args)
        assert out.returncode == 2, args
        assert text in out.stderr, (args, out.stderr)


def test_upstream_limit_is_stated_and_enforced():
    """--upstream: at most 8 (FWD_MAX_TARGETS), said by --help and the man
    page, and a ninth is a usage error rather than silently left out."""
    assert "at most 8 times" in help_entries()["upstream"]
    assert "at most 8" in man_entries()["upstream"]
    for n in (7, 8):
        ups = [f"127.0.0.{i + 10}:9" for i in range(n)]
        with Dnsd(ZONES, upstream=ups) as d:
            line = d.wait_log("started: ")
            listed = re.search(r"upstream (.*?); ", line).group(1).split()
            assert listed == ups, line
    args = ["--zones", ZONES, "--listen", "127.0.0.1:0"]
    for i in range(9):
        args += ["--upstream", f"127.0.0.{i + 10}:9"]
    out = run_dnsd(args, timeout=10)
    assert out.returncode == 2, out.stderr
    assert "--upstream 127.0.0.18:9: at most 8 may be given" in out.stderr


def test_resolv_conf_beyond_8_nameservers_names_each_one_left_out():
    with World() as w:
        conf = w.write("resolv.conf", "".join(f"nameserver 127.0.0.{i + 10}\n" for i in range(10)))
        with Dnsd(ZONES, upstream=(), args=("--resolv-conf", conf)) as d:
            line = d.wait_log("started: ")
            assert len(re.search(r"upstream (.*?); ", line).group(1).split()) == 8
            log = d.log()
    for left_out in ("127.0.0.18", "127.0.0.19"):
        assert re.search(rf"{re.escape(conf)}: nameserver {left_out} is left out: dnsd "
                         r"forwards to at most 8", log), log
    assert "127.0.0.17 is left out" not in log


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
    assert re.search(r"stopped: 1 query, 1 answered locally", d.log())


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1 (dnsd needs both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                u.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def test_upstream_equal_to_a_listener_is_left_out():
    port = free_port()
    with Dnsd(ZONES, listen=(f"127.0.0.1:{port}",), upstream=(f"127.0.0.1:{port}",)) as d:
        assert f"upstream 127.0.0.1:{port} is dnsd itself; left out" in d.log()
        assert "upstream none" in d.log()


# The files that may use libevent: the daemon's lifecycle, its UDP and TCP
# I/O, its workers' loops, the forwarder, the control socket and the
# metrics endpoint. Headers stay free of it.
EVENT_EDGES = ["ctlsock.c", "http.c", "server.c", "tcp.c", "udp.c", "upstream.c", "worker.c",
               "xfr_notify.c"]


def test_libevent_stays_at_the_edges():
    """Only the I/O modules include libevent; the answer logic is plain C
    that unit tests drive without sockets (docs/style.md §15)."""
    src = os.path.join(SRCDIR, "src")
    users = sorted(f for f in os.listdir(src) if f.endswith((".c", ".h")) and
                   "#include <event2/" in open(os.path.join(src, f)).read())
    assert users == EVENT_EDGES
    for f in os.listdir(src):
        if f.endswith((".c", ".h")) and f not in EVENT_EDGES + ["main.c"]:
            assert "#include <ldns/" not in open(os.path.join(src, f)).read() or f in (
                "export.c", "defs_rrset.c", "defs_zonefile.c"), \
                f"{f} uses ldns: keep it off the answer path"


CONTROL_MAN_IN = os.path.join(SRCDIR, "src", "dnsd-control.8.in")


def test_dnsd_control_man_page_has_every_command_and_option():
    """dnsd-control --help lists the command table (src/ctlproto.c); the
    man page, written by hand, must have each command and option."""
    from tests.integration.harness import DNSD_CONTROL
    import subprocess
    out = subprocess.run([DNSD_CONTROL, "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    commands = re.findall(r"^  ([a-z]+)(?: |$)", out.stdout.split("Commands:", 1)[1], re.M)
    assert commands == ["status", "reload", "health", "explain", "stats", "flush", "zones",
                        "logrotate"], commands
    man = open(CONTROL_MAN_IN).read().replace("\\-", "-")
    section = man.split(".SH COMMANDS", 1)[1].split("\n.SH ", 1)[0]
    for c in commands:
        assert re.search(rf"^\.(?:B|BI|BR|TQ)\s+\"?{c}\b", section, re.M) or \
            f".B {c}" in section or f".BR {c} " in section or f".BI {c} " in section or \
            f'.BI "{c} ' in section, c
    for opt in re.findall(r"^  -(\w), --([a-z]+)", out.stdout, re.M):
        assert f"-{opt[0]}" in man and f"--{opt[1]}" in man, opt
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS",
                    "FILES", "EXAMPLES"):
        assert f".SH {section}" in man, section
