# tests/integration/test_xfr.py - real Knot and NSD as dnsd's secondaries: AXFR, IXFR, NOTIFY, TSIG, views by key.
"""Zone transfers (issue 11 item 4) against real secondaries from Debian.

The picture (everything on 127.0.0.1, each server on a free port):

    dnsd   the primary: the shipped zones/ plus a Secondaries document that
           gives key prod-secondary. the prod VPC's view (NOTIFY to Knot
           and NSD), staging-secondary. the staging VPC's, and
           public-secondary. the public names only
    Knot   learns the prod view's zones from dnsd's catalog zone (RFC 9432,
           catalog-role: interpret) and transfers each with the prod key
    NSD    4.6 has no catalog zones: its zone list is written from what
           `dnsd --check` prints for the prod view

Every name of the view is asked of dnsd and of each secondary, with every
type the comparison covers, and the answers must be equal: rcode, answer
and authority sections (a CNAME leading into another zone is followed as a
resolver would, since an authoritative server answers only from the
zone it is asked about). Then a reload changes an endpoint's address and
both secondaries must serve the new one within 2 s (NOTIFY, then IXFR).
"""
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import dns.zone
import pytest

from tests.integration.harness import ZONES, Dnsd, World, dig, kdig, run_dnsd, tool

KNOTD = "/usr/sbin/knotd"
NSD = "/usr/sbin/nsd"
PROD = "vpc-0a1b2c3d4e5f60718"
STAGING = "vpc-0b2c3d4e5f6a70819"
PROD_KEY = "prod-secondary."
STAGING_KEY = "staging-secondary."
PUBLIC_KEY = "public-secondary."
SECRET = base64.b64encode(os.urandom(32)).decode()
KEYRING = dns.tsigkeyring.from_text({PROD_KEY: SECRET, STAGING_KEY: SECRET, PUBLIC_KEY: SECRET})
ENI_FILE = os.path.join("prod-capture", "describe-network-interfaces.json")
# the CloudWatch endpoint's ENI in us-east-2b; the reload test moves it
OLD_ADDR, NEW_ADDR = "10.0.2.17", "10.0.2.99"
TYPES = ("A", "AAAA", "CNAME", "NS", "SOA", "TXT", "MX", "SRV", "PTR")

# A private hosted zone with the record types and shapes the comparison
# should meet: in-zone and cross-zone CNAMEs, a wildcard, MX, TXT, SRV.
HOSTED = f"""\
HostedZones:
  - Name: corp.internal.
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.200}}, {{Value: 10.0.1.201}}]}}
      - {{Name: www.corp.internal., Type: AAAA, TTL: 300, ResourceRecords: [{{Value: 'fd00::200'}}]}}
      - {{Name: db.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: www.corp.internal.}}]}}
      - {{Name: metrics.corp.internal., Type: CNAME, TTL: 120, ResourceRecords: [{{Value: monitoring.us-east-2.amazonaws.com.}}]}}
      - {{Name: '*.apps.corp.internal.', Type: A, TTL: 60, ResourceRecords: [{{Value: 10.0.3.3}}]}}
      - {{Name: corp.internal., Type: MX, TTL: 300, ResourceRecords: [{{Value: 10 mail.corp.internal.}}]}}
      - {{Name: mail.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.25}}]}}
      - {{Name: corp.internal., Type: TXT, TTL: 300, ResourceRecords: [{{Value: '"v=spf1 -all"'}}]}}
      - {{Name: _ldap._tcp.corp.internal., Type: SRV, TTL: 300, ResourceRecords: [{{Value: 0 5 389 www.corp.internal.}}]}}
      - {{Name: deep.a.b.c.corp.internal., Type: A, TTL: 300, ResourceRecords: [{{Value: 10.0.1.7}}]}}
  - Name: staging.internal.
    VPCIds: [{STAGING}]
    ResourceRecordSets:
      - {{Name: app.staging.internal., Type: A, TTL: 60, ResourceRecords: [{{Value: 10.1.1.50}}]}}
"""


def secondaries_doc(notify):
    targets = ", ".join(f'"127.0.0.1:{p}"' for p in notify)
    return f"""\
Dnsd:
  Secondaries:
    - Key: {PROD_KEY}
      Algorithm: hmac-sha256
      Secret: "{SECRET}"
      View: {PROD}
      Notify: [{targets}]
    - Key: {STAGING_KEY}
      Secret: "{SECRET}"
      View: {STAGING}
    - Key: {PUBLIC_KEY}
      Secret: "{SECRET}"
      View: public
      Catalog: public.catalog.invalid.
"""


# ======================================================================
# helpers
# ======================================================================

def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP on host."""
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
    raise RuntimeError("no free port on " + host)


def shipped_world(files):
    w = World()
    shutil.copytree(ZONES, w.dir, dirs_exist_ok=True)
    for name, text in files.items():
        w.write(name, text)
    return w


def stop_proc(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def axfr_records(port, zone, key=PROD_KEY):
    """The records of a zone by AXFR with a key (dnspython checks every message's TSIG)."""
    out = []
    for msg in dns.query.xfr("127.0.0.1", zone, port=port, keyring=KEYRING, keyname=key,
                             keyalgorithm=dns.tsig.HMAC_SHA256, lifetime=10, relativize=False):
        for rrset in msg.answer:
            for rd in rrset:
                out.append((rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype),
                            rrset.ttl, rd.to_text()))
    return out


def catalog_members(port, catalog="catalog.invalid.", key=PROD_KEY):
    return sorted(r[3] for r in axfr_records(port, catalog, key) if r[1] == "PTR")


def parse_check(text):
    """The zones `dnsd --check` prints: {(name, view): {"kind", "records"}}.
    Of a routing policy that picks per query only the first alternative is
    kept: what dnsd answers when it does not pick, and what it transfers."""
    zones, cur, skip = {}, None, None
    for line in text.splitlines():
        m = re.match(r"; zone (\S+) view (\S+) kind (\S+)", line)
        if m:
            cur = zones.setdefault((m.group(1), m.group(2)), {"kind": m.group(3), "records": []})
            continue
        alt = re.match(r"; \S+ alternative (\d+) of \d+", line)
        if alt:
            skip = "next" if alt.group(1) != "1" else None
            continue
        if cur is None or not line or line[0] in ";$":
            continue
        owner, ttl, _, rtype, rdata = line.split(None, 4)
        if skip == "next":
            skip = (owner, rtype)
        if skip == (owner, rtype):
            cur.setdefault("picked", set()).add(owner.lower())
            continue
        skip = None
        cur["records"].append((owner, rtype, int(ttl), rdata))
    return zones


def view_zones(check, view):
    """What a key of view transfers: its private zones, its public ones
    (EC2 public DNS names), the public endpoint names, less zones whose apex
    is a CNAME (no zone may hold one beside its SOA)."""
    out = {}
    # the view's own zones first: one at the same apex hides the public one
    for (name, v), z in sorted(check.items(), key=lambda item: item[0][1] == "public"):
        if z["kind"] not in ("private", "public") or v not in (view, "public"):
            continue
        if (v == "public" and z["kind"] != "public") or name in out:
            continue
        out[name] = z
    return {name: z for name, z in out.items()
            if not any(r[0] == name and r[1] == "CNAME" for r in z["records"])}


def soa_serial(port, zone, key=None):
    q = dns.message.make_query(zone, "SOA")
    if key:
        q.use_tsig(KEYRING, keyname=key, algorithm=dns.tsig.HMAC_SHA256)
    try:
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=0.5)
    except (dns.exception.Timeout, OSError):
        return None
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            return rrset[0].serial
    return None


def wait_serials(port, zones, want, what, proc, timeout=30):
    """Wait until a secondary answers every zone's SOA with dnsd's serial."""
    deadline = time.monotonic() + timeout
    left = dict(want)
    while left:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        for z in list(left):
            if soa_serial(port, z) == left[z]:
                del left[z]
        if not left:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} does not serve {sorted(left)} with dnsd's serials")
        time.sleep(0.1)


class Knot:
    """knotd in the foreground, a secondary of dnsd's catalog zone."""

    def __init__(self, port, primary):
        if not os.access(KNOTD, os.X_OK):
            raise RuntimeError(KNOTD + " is not installed (.ci/packages: knot)")
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="dnsd-knot-")
        conf = os.path.join(self.dir, "knot.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    rundir: "{self.dir}"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{self.dir}"
log:
  - target: stderr
    any: info
key:
  - id: {PROD_KEY}
    algorithm: hmac-sha256
    secret: {SECRET}
remote:
  - id: dnsd
    address: 127.0.0.1@{primary}
    key: {PROD_KEY}
acl:
  - id: notify_from_dnsd
    address: 127.0.0.1
    key: {PROD_KEY}
    action: notify
template:
  - id: default
    storage: "{self.dir}"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
  - id: member
    storage: "{self.dir}"
    master: dnsd
    acl: notify_from_dnsd
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
zone:
  - domain: catalog.invalid.
    master: dnsd
    acl: notify_from_dnsd
    catalog-role: interpret
    catalog-template: member
""")
        self.log = open(os.path.join(self.dir, "knot.log"), "w+")
        self.proc = subprocess.Popen([KNOTD, "-c", conf], stdout=self.log, stderr=subprocess.STDOUT)

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        stop_proc(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class NsdSecondary:
    """NSD in the foreground, a secondary of the zones given."""

    def __init__(self, port, primary, zones):
        if not os.access(NSD, os.X_OK):
            raise RuntimeError(NSD + " is not installed")
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="dnsd-nsd2-")
        zone_conf = "".join(
            f"zone:\n    name: {z}\n    request-xfr: 127.0.0.1@{primary} {PROD_KEY}\n"
            f"    allow-notify: 127.0.0.1 {PROD_KEY}\n" for z in zones)
        conf = os.path.join(self.dir, "nsd.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    ip-address: 127.0.0.1@{port}
    port: {port}
    zonesdir: "{self.dir}"
    pidfile: "{self.dir}/nsd.pid"
    xfrdfile: "{self.dir}/xfrd.state"
    zonelistfile: "{self.dir}/zone.list"
    database: ""
    username: ""
    verbosity: 2
    rrl-ratelimit: 0
    server-count: 1
    minimal-responses: yes
remote-control:
    control-enable: no
key:
    name: {PROD_KEY}
    algorithm: hmac-sha256
    secret: "{SECRET}"
{zone_conf}""")
        self.log = open(os.path.join(self.dir, "nsd.log"), "w+")
        self.proc = subprocess.Popen([NSD, "-d", "-c", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        stop_proc(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ======================================================================
# comparing answers
# ======================================================================

def ask(port, name, rdtype):
    q = dns.message.make_query(name, rdtype)
    q.flags &= ~dns.flags.RD
    for _ in range(3):
        try:
            return dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
        except dns.exception.Timeout:
            continue
    raise AssertionError(f"no answer from port {port} for {name} {rdtype}")


def rrsets(section):
    return {(r.name.to_text().lower(), dns.rdatatype.to_text(r.rdtype), r.ttl,
             tuple(sorted(rd.to_text().lower() for rd in r))) for r in section}


def resolve(port, name, rdtype):
    """What a resolver asking this server gets: the answer, with a CNAME into
    another zone followed there (an authoritative server stops at its zone's
    edge; dnsd follows chains through its own data)."""
    r = ask(port, name, rdtype)
    answer, rcode, authority = rrsets(r.answer), r.rcode(), rrsets(r.authority)
    for _ in range(8):
        if rcode != dns.rcode.NOERROR or rdtype == "CNAME":
            break
        owners = {a[0] for a in answer}
        cnames = [a for a in answer if a[1] == "CNAME" and a[3][0] not in owners]
        if not cnames:
            break
        nxt = ask(port, cnames[0][3][0], rdtype)
        answer |= rrsets(nxt.answer)
        rcode, authority = nxt.rcode(), rrsets(nxt.authority)
    return dns.rcode.to_text(rcode), sorted(answer), sorted(authority)


def names_to_ask(zones):
    """Every owner name (a wildcard's with a label for it), and below each
    private zone a name it does not have (NXDOMAIN). A public zone's apex
    and the names it lacks are not dnsd's: it forwards them. Names whose
    answer a routing policy picks per query are compared on their own."""
    names = set()
    for apex, z in zones.items():
        for owner, rtype, _, _ in z["records"]:
            if z["kind"] == "public" and rtype == "SOA":
                continue    # not a name dnsd holds: --check prints it for loaders
            if owner.lower() in z.get("picked", ()):
                continue
            names.add(owner.replace("*.", "wild-card-check.", 1) if owner.startswith("*.")
                      else owner)
        if z["kind"] == "private":
            names.add("no-such-name." + apex)
    return sorted(names)


# ======================================================================
# fixtures
# ======================================================================

class Env:
    pass


@pytest.fixture(scope="module")
def env():
    e = Env()
    e.knot_port, e.nsd_port = free_port(), free_port()
    e.world = shipped_world({"hosted.yaml": HOSTED,
                             "secondaries.yaml": secondaries_doc([e.knot_port, e.nsd_port])})
    e.knot = e.nsd = None
    e.dnsd = Dnsd(zones=e.world.dir, args=("-v",))
    try:
        checked = run_dnsd(["--check", "--zones", e.world.dir])
        assert checked.returncode == 0, checked.stderr
        e.check = parse_check(checked.stdout)
        e.zones = view_zones(e.check, PROD)
        e.serials = {z: soa_serial(e.dnsd.port, z, PROD_KEY) for z in e.zones}
        e.knot = Knot(e.knot_port, e.dnsd.port)
        e.nsd = NsdSecondary(e.nsd_port, e.dnsd.port, sorted(e.zones))
        wait_serials(e.knot_port, e.zones, e.serials, "knotd", e.knot.proc)
        wait_serials(e.nsd_port, e.zones, e.serials, "nsd", e.nsd.proc)
        yield e
    except Exception:
        for what, p in (("knot", e.knot), ("nsd", e.nsd)):
            if p:
                print(f"---- {what} log ----\n" + p.read_log())
        print("---- dnsd log ----\n" + e.dnsd.log())
        raise
    finally:
        for p in (e.knot, e.nsd):
            if p:
                p.stop()
        e.dnsd.stop()
        e.world.cleanup()


# ======================================================================
# tests
# ======================================================================

def test_catalog_lists_every_zone_of_the_view(env):
    """RFC 9432 catalog of the prod key: the prod VPC's private zones and the
    public endpoint names; an endpoint service's private name (apex CNAME)
    and the EC2 name zones (made per query) are not zones to transfer."""
    members = catalog_members(env.dnsd.port)
    assert members == sorted(env.zones)
    assert "corp.internal." in members and "us-east-2.vpce.amazonaws.com." in members
    assert "staging.internal." not in members
    assert "api.partner-payments.example.com." not in members
    assert not any(m.endswith("compute.internal.") for m in members)


def test_every_axfr_equals_what_check_prints(env):
    """Each zone's AXFR holds the records `dnsd --check` exports (besides the
    SOA serial, which transfers make dnsd's)."""
    for apex, z in env.zones.items():
        got = axfr_records(env.dnsd.port, apex)
        assert got[0][1] == "SOA" and got[-1][1] == "SOA"
        body = sorted((o.lower(), t, ttl, d.lower()) for o, t, ttl, d in got[1:-1])
        want = sorted((o.lower(), t, ttl, " ".join(d.split()).lower())
                      for o, t, ttl, d in z["records"] if t != "SOA")
        assert body == [(o, t, ttl, " ".join(d.split())) for o, t, ttl, d in want], apex


@pytest.mark.parametrize("secondary", ["knot", "nsd"])
def test_secondary_answers_every_name_as_dnsd(env, secondary):
    """For every name of the prod view and every type, the secondary's rcode,
    answer and authority equal dnsd's, negative answers included."""
    port = env.knot_port if secondary == "knot" else env.nsd_port
    names = names_to_ask(env.zones)
    assert len(names) > 40
    diffs = []
    asked = 0
    for name in names:
        for rdtype in TYPES:
            public = any(name.endswith("." + z) or name == z for z, v in env.zones.items()
                         if v["kind"] == "public")
            if public and name.startswith("no-such-name."):
                continue    # dnsd forwards names its public zones lack
            want = resolve(env.dnsd.port, name, rdtype)
            got = resolve(port, name, rdtype)
            asked += 1
            if want != got:
                diffs.append(f"{name} {rdtype}:\n  dnsd {want}\n  {secondary} {got}")
    assert not diffs, f"{len(diffs)} of {asked} answers differ:\n" + "\n".join(diffs[:10])
    assert asked > 300


@pytest.mark.parametrize("secondary", ["knot", "nsd"])
def test_a_weighted_name_answers_its_first_set(env, secondary):
    """A name a routing policy answers per query (weighted api.apps.internal,
    blue 90 and green 10): the secondary holds the first set, the answer
    dnsd gives when it does not pick; dnsd gives it or the other."""
    port = env.knot_port if secondary == "knot" else env.nsd_port
    picked = [(apex, z) for apex, z in env.zones.items() if z.get("picked")]
    assert picked, "the shipped world has no routing policy any more"
    for apex, z in picked:
        for name in sorted(z["picked"]):
            first = sorted(r[3] for r in z["records"] if r[0].lower() == name and r[1] == "A")
            got = sorted(rd.address for rrset in ask(port, name, "A").answer for rd in rrset)
            assert got == first, name
            seen = set()
            for _ in range(40):
                seen.add(tuple(sorted(rd.address for rrset in ask(env.dnsd.port, name, "A").answer
                                      for rd in rrset)))
            assert tuple(first) in seen, (name, seen)


def test_reload_reaches_both_secondaries_within_2s(env):
    """SIGHUP with a moved ENI: dnsd NOTIFYs, Knot and NSD ask with IXFR and
    answer the new address within 2 s."""
    path = os.path.join(env.world.dir, ENI_FILE)
    text = open(path).read()
    assert OLD_ADDR in text
    mark = env.dnsd.mark()
    with open(path, "w") as f:
        f.write(text.replace(OLD_ADDR, NEW_ADDR).replace(OLD_ADDR.replace(".", "-"),
                                                         NEW_ADDR.replace(".", "-")))
    start = time.monotonic()
    assert "reloaded" in env.dnsd.reload()
    name = "monitoring.us-east-2.amazonaws.com."
    pending = {"knot": env.knot_port, "nsd": env.nsd_port}
    took = {}
    while pending and time.monotonic() - start < 5:
        for who, port in list(pending.items()):
            got = {rd.address for rrset in ask(port, name, "A").answer for rd in rrset}
            if NEW_ADDR in got and OLD_ADDR not in got:
                took[who] = time.monotonic() - start
                del pending[who]
        time.sleep(0.02)
    assert not pending, f"{sorted(pending)} still answer the old address after 5 s"
    print(f"SIGHUP until the secondaries answer the change: {took}")
    assert max(took.values()) < 2.0, took
    # incremental: both asked with IXFR and got the difference
    env.dnsd.wait_log(rf"sent IXFR {re.escape(name)}", start=mark)
    assert "IXFR, incoming" in env.knot.read_log()
    # and still every answer is dnsd's
    for port in (env.knot_port, env.nsd_port):
        for n in (name, "vpce-099deb00b40f00e22-lj2wisx3-us-east-2b.monitoring.us-east-2.vpce."
                  "amazonaws.com."):
            assert resolve(port, n, "A") == resolve(env.dnsd.port, n, "A")


def test_knot_follows_the_catalog(env):
    """A zone added to the view reaches Knot through the catalog (NOTIFY,
    then the catalog's new member transferred); a zone removed goes."""
    zone = "added.internal."
    path = env.world.write("added.yaml", f"""\
HostedZones:
  - Name: {zone}
    VPCIds: [{PROD}]
    ResourceRecordSets:
      - {{Name: www.{zone}, Type: A, TTL: 60, ResourceRecords: [{{Value: 10.0.9.9}}]}}
""")
    assert "reloaded" in env.dnsd.reload()
    assert zone in catalog_members(env.dnsd.port)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        got = ask(env.knot_port, "www." + zone, "A")
        if got.rcode() == dns.rcode.NOERROR and got.answer:
            break
        time.sleep(0.05)
    assert resolve(env.knot_port, "www." + zone, "A") == resolve(env.dnsd.port, "www." + zone, "A")
    os.unlink(path)
    assert "reloaded" in env.dnsd.reload()
    assert zone not in catalog_members(env.dnsd.port)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and ask(env.knot_port, "www." + zone, "A").answer:
        time.sleep(0.05)
    assert not ask(env.knot_port, "www." + zone, "A").answer


def test_dig_and_kdig_transfer_with_the_key(env):
    port = env.dnsd.port
    out = dig("-y", f"hmac-sha256:{PROD_KEY}:{SECRET}", "AXFR", "corp.internal.", port=port)
    assert "mail.corp.internal." in out and "XFR size" in out
    assert "tsig verify failure" not in out.lower() and "failed" not in out.lower()
    out = kdig("-y", f"hmac-sha256:{PROD_KEY}:{SECRET}", "AXFR", "corp.internal.", port=port)
    assert "www.corp.internal." in out and re.search(r"Received \d+ B \(1 messages", out)
    assert "failed" not in out.lower()
    serial = soa_serial(port, "corp.internal.", PROD_KEY)
    out = dig("-y", f"hmac-sha256:{PROD_KEY}:{SECRET}", f"IXFR={serial}", "corp.internal.",
              port=port)
    assert "XFR size: 1 records" in out    # up to date: the SOA alone
    # UDP IXFR: the SOA, which sends the client to TCP (RFC 1995 §2)
    q = dns.message.make_query("corp.internal.", "IXFR")
    q.authority.append(dns.rrset.from_text("corp.internal.", 0, "IN", "SOA",
                                           f". . {serial - 1} 0 0 0 0"))
    q.use_tsig(KEYRING, keyname=PROD_KEY, algorithm=dns.tsig.HMAC_SHA256)
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
    assert r.rcode() == dns.rcode.NOERROR and r.had_tsig and r.flags & dns.flags.AA
    assert [rr.rdtype for rr in r.answer] == [dns.rdatatype.SOA]
    assert r.answer[0][0].serial == serial


def test_refused_without_the_right_key(env):
    port = env.dnsd.port
    out = dig("-y", f"hmac-sha256:{PROD_KEY}:{base64.b64encode(b'x' * 32).decode()}", "AXFR",
              "corp.internal.", port=port)
    assert "BADSIG" in out and "Transfer failed" in out
    out = dig("-y", f"hmac-sha256:unknown-key.:{SECRET}", "AXFR", "corp.internal.", port=port)
    assert "BADKEY" in out and "Transfer failed" in out
    out = dig("AXFR", "corp.internal.", port=port)
    assert "Transfer failed" in out
    q = dns.message.make_query("corp.internal.", "AXFR")
    r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=3)
    assert r.rcode() == dns.rcode.REFUSED
    # another view's key: that view has no such zone
    q = dns.message.make_query("corp.internal.", "SOA")
    q.use_tsig(KEYRING, keyname=STAGING_KEY, algorithm=dns.tsig.HMAC_SHA256)
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)   # checks the answer's TSIG
    assert r.rcode() == dns.rcode.NOTAUTH and r.had_tsig


def read_name(wire, pos):
    labels = []
    while wire[pos]:
        labels.append(wire[pos + 1:pos + 1 + wire[pos]])
        pos += 1 + wire[pos]
    return b".".join(labels), pos + 1


def test_badtime_is_signed_and_names_our_clock(env):
    """A query signed 20 minutes ago: NOTAUTH, TSIG error BADTIME, signed over
    the request's MAC, the request's time signed and dnsd's time as Other
    Data (RFC 8945 §5.2.3). dnspython stops at BADTIME, so the MAC is
    checked here with Python's hmac."""
    import hmac
    import hashlib
    import struct
    q = dns.message.make_query("corp.internal.", "SOA", use_edns=False)
    q.use_tsig(KEYRING, keyname=PROD_KEY, algorithm=dns.tsig.HMAC_SHA256)
    real = time.time
    time.time = lambda: real() - 1200
    try:
        wire = q.to_wire()
    finally:
        time.time = real
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(wire, ("127.0.0.1", env.dnsd.port))
        reply = s.recv(4096)
    assert reply[3] & 0x0f == dns.rcode.NOTAUTH
    assert struct.unpack("!4H", reply[4:12]) == (1, 0, 0, 1)
    _, pos = read_name(reply, 12)
    start = pos + 4                      # the TSIG record
    key, pos = read_name(reply, start)
    assert key == b"prod-secondary"
    pos += 10
    alg, pos = read_name(reply, pos)
    time_signed = int.from_bytes(reply[pos:pos + 6], "big")
    fudge, mac_len = struct.unpack("!HH", reply[pos + 6:pos + 10])
    mac = reply[pos + 10:pos + 10 + mac_len]
    pos += 10 + mac_len
    orig_id, error, other_len = struct.unpack("!3H", reply[pos:pos + 6])
    other = reply[pos + 6:pos + 6 + other_len]
    assert error == dns.rcode.BADTIME and mac_len == 32
    assert abs(time_signed - (time.time() - 1200)) < 5
    assert other_len == 6 and abs(int.from_bytes(other, "big") - time.time()) < 5
    unsigned = reply[:10] + b"\0\0" + reply[12:start]
    key_wire = reply[start:start + len(key) + 2]            # one label and the root
    alg_at = start + len(key) + 2 + 10
    variables = (key_wire + struct.pack("!HI", 255, 0) + reply[alg_at:alg_at + len(alg) + 2] +
                 time_signed.to_bytes(6, "big") + struct.pack("!HHH", fudge, error, other_len) +
                 other)
    digest = hmac.new(base64.b64decode(SECRET), struct.pack("!H", len(q.mac)) + q.mac +
                      unsigned + variables, hashlib.sha256).digest()
    assert hmac.compare_digest(digest, mac)


def test_views_follow_the_key(env):
    """The staging key opens the staging VPC's zones, the public key the public
    endpoint names only: as BIND views match on keys."""
    port = env.dnsd.port
    staging = catalog_members(port, key=STAGING_KEY)
    assert "staging.internal." in staging and "corp.internal." not in staging
    assert "us-east-2.vpce.amazonaws.com." in staging
    public = catalog_members(port, "public.catalog.invalid.", PUBLIC_KEY)
    assert public == sorted(view_zones(env.check, "public"))
    assert "us-east-2.vpce.amazonaws.com." in public and "corp.internal." not in public
    recs = axfr_records(port, "staging.internal.", STAGING_KEY)
    assert ("app.staging.internal.", "A", 60, "10.1.1.50") in recs
    with pytest.raises(dns.exception.DNSException):
        axfr_records(port, "staging.internal.", PROD_KEY)


def test_a_client_that_stops_reading_is_dropped():
    """A transfer is sent message by message as the socket drains; a client
    that asks and reads nothing is closed after --tcp-idle-timeout while
    dnsd keeps answering everyone else."""
    lines = ["HostedZones:\n  - Name: big.internal.\n    VPCIds: [vpc-0a1b2c3d4e5f60718]\n"
             "    ResourceRecordSets:\n"]
    for i in range(40000):
        lines.append(f"      - {{Name: host-{i}.big.internal., Type: TXT, TTL: 60, "
                     f"ResourceRecords: [{{Value: '\"{'x' * 80} {i}\"'}}]}}\n")
    with shipped_world({"big.yaml": "".join(lines),
                        "secondaries.yaml": secondaries_doc([])}) as w, \
            Dnsd(zones=w.dir, args=("-vv", "--tcp-idle-timeout", "1")) as d:
        q = dns.message.make_query("big.internal.", "AXFR")
        q.use_tsig(KEYRING, keyname=PROD_KEY, algorithm=dns.tsig.HMAC_SHA256)
        wire = q.to_wire()
        s = socket.create_connection(("127.0.0.1", d.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(len(wire).to_bytes(2, "big") + wire)
        start = time.monotonic()
        d.wait_log(r"the client stopped reading a zone transfer", timeout=10)
        assert time.monotonic() - start < 5
        d.wait_log(r"stopped AXFR big\.internal\.")
        s.close()
        assert d.query("monitoring.us-east-2.amazonaws.com.", tcp=True).answer
        # a client that reads gets all of it, in many signed messages
        records = axfr_records(d.port, "big.internal.")
        assert len(records) == 40000 + 4 + 2
        line = d.wait_log(r"sent AXFR big\.internal\.")
        assert int(re.search(r"in (\d+) messages", line).group(1)) > 40
