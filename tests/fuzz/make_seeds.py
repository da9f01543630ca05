#!/usr/bin/python3
# tests/fuzz/make_seeds.py - write the seed corpora of the fuzz targets (run once; the output is committed).
"""Seeds: well-formed queries for every kind of name in the fuzz world,
the malformed inputs of docs/reliability.md §4, definition files, and
upstream replies. libFuzzer grows the corpora from these."""
import glob
import hashlib
import os
import struct
import sys

import dns.edns
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


def save(target, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def query_seeds():
    names = ["monitoring.us-east-2.amazonaws.com", "MoNiToRiNg.us-east-2.amazonaws.com",
             "abc.execute-api.us-east-2.amazonaws.com", "api.partner.example.com",
             "nope.monitoring.us-east-2.amazonaws.com", "ip-10-0-1-5.us-east-2.compute.internal",
             "5.1.0.10.in-addr.arpa", "bucket.vpce-0e25b8cdd720f900e-abcd1234.s3.us-east-2.vpce.amazonaws.com",
             "example.com", "localhost", "version.bind", "w.corp.example", "c.corp.example",
             "x.m.corp.example", "i.corp.example", "f.corp.example"]
    for n in names:
        for t in ("A", "AAAA", "ANY", "SOA", "NS", "PTR", "TXT", "CNAME"):
            for edns in (-1, 0):
                q = dns.message.make_query(n, t, use_edns=edns)
                for flags in (0, 2):
                    save("query", bytes([flags]) + q.to_wire())
    ch = dns.message.make_query("version.bind", "TXT", "CH")
    save("query", b"\0" + ch.to_wire())
    base = dns.message.make_query("monitoring.us-east-2.amazonaws.com", "A", use_edns=0).to_wire()
    hdr = base[:12]
    bad = [b"", b"\0" * 11, hdr[:2] + b"\x80\0" + hdr[4:], hdr[:4] + b"\0\0" + hdr[6:],
           hdr[:4] + b"\0\2" + hdr[6:], base[:20], base + b"junk",
           hdr[:2] + b"\x78\0" + hdr[4:] + base[12:],            # opcode 15
           hdr + b"\xc0\x0c\0\1\0\1",                           # pointer loop in qname
           hdr + b"\x40abc\0\0\1\0\1", hdr + b"\x80abc\0\0\1\0\1",
           hdr + (b"\x3f" + b"a" * 63) * 5 + b"\0\0\1\0\1",      # name > 255
           base.replace(b"\0\0\x29\x04\xd0\0\0\0\0\0\0", b"\0\0\x29\x04\xd0\0\1\0\0\0\0"),  # EDNS v1
           base[:-2] + b"\0\x04\0\x64\0\x10",                    # option overruns
           base + base[-11:]]                                      # two OPT
    for b in bad:
        save("query", b"\0" + b)
        save("query", b"\2" + b)


FIREWALL_SEED = """\
Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/16}]
FirewallDomainLists: [{Id: rslvr-fdl-1, Domains: ['*.bad.example', Good.Example.]}]
FirewallRuleGroups:
  - Id: rslvr-frg-1
    FirewallRules:
      - {Name: b, Priority: 1, FirewallDomainListId: rslvr-fdl-1, Action: BLOCK, BlockResponse: OVERRIDE,
         BlockOverrideDomain: garden.example., BlockOverrideDnsType: CNAME, BlockOverrideTtl: 5, Qtype: TYPE28}
FirewallRuleGroupAssociations: [{FirewallRuleGroupId: rslvr-frg-1, VpcId: vpc-1, Priority: 101}]
FirewallConfigs: [{ResourceId: vpc-1, FirewallFailOpen: ENABLED, Healthy: false}]
---
FirewallDomainListId: rslvr-fdl-1
Domains: [x.example.]
"""


def tsig_seeds():
    """Queries signed with the fuzz world's key (secret bytes 0..31), and
    with a key it does not have, as of a fixed time: replayed later they
    take the BADTIME path after the MAC checks, or BADKEY."""
    import time
    import dns.tsig
    import dns.tsigkeyring
    ring = dns.tsigkeyring.from_text({"fuzz-key.": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                      "other-key.": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
    real = time.time
    time.time = lambda: 1700000000
    try:
        for key in ("fuzz-key.", "other-key."):
            for zone, qtype in (("monitoring.us-east-2.amazonaws.com", "SOA"),
                                ("monitoring.us-east-2.amazonaws.com", "AXFR"),
                                ("us-east-2.vpce.amazonaws.com", "IXFR"),
                                ("catalog.invalid", "AXFR"), ("example.com", "A")):
                q = dns.message.make_query(zone, qtype, use_edns=0)
                if qtype == "IXFR":
                    q.authority.append(dns.rrset.from_text(zone + ".", 0, "IN", "SOA",
                                                           ". . 1 0 0 0 0"))
                q.use_tsig(ring, keyname=key, algorithm=dns.tsig.HMAC_SHA256)
                wire = q.to_wire()
                for flags in (0, 2):
                    save("query", bytes([flags]) + wire)
    finally:
        time.time = real


def defs_seeds():
    for path in glob.glob(os.path.join(SRC, "zones", "**", "*.*"), recursive=True):
        with open(path, "rb") as f:
            save("defs", f.read())
    world = open(os.path.join(HERE, "world.h")).read()
    lines = [l.strip()[1:-1].encode().decode("unicode_escape") for l in world.splitlines()
             if l.strip().startswith('"')]
    save("defs", "".join(lines).rstrip(";").encode())
    for text in ("Vpcs: [{VpcId: vpc-1, CidrBlock: 10.0.0.0/33}]\n",
                 "{\"Vpcs\": [ {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"} ]}",
                 "a: &x 1\nb: *x\n", "key: 'unterminated\n", "- [a, b\n",
                 "Dnsd: {DefaultVpc: vpc-x, Health: [{AvailabilityZone: us-east-2a, Healthy: false}]}\n",
                 FIREWALL_SEED,
                 "Text: |\n  block\n  scalar\nFolded: >-\n  a\n  b\n---\n...\n"):
        save("defs", text.encode())
    # strict JSON (as fuzz.json) and mistakes with suggestions
    for text in ('{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"},]}',
                 '{\n  # note\n  "Vpcs": []\n}', "{'Vpcs': []}", '{Vpcs: []}',
                 '{"Vpcs": [{"VpcId": vpc-1}]}', '[01, 1., -, 1e+, "\\x41", "\\ud83d\\ude00"]',
                 '{"a": 1}{"b": 2}', '{"a": "x\ny"}', '{"Vpcs": [{"VpcId": "vpc-1"', "",
                 "Vpcss: []\nsubnets: []\nReservations: []\nNextToken: x\n",
                 "NetworkInterfaces:\n" + "".join(
                     "  - {NetworkInterfaceId: eni-%d, SubnetId: subnet-1, PrivateIpAdress: 10.0.1.%d, "
                     "Colour: x, privateIpAddress: 1}\n" % (i, i) for i in range(12)),
                 "Vpcs:\n  - VpcId: vpc-1\n    CidrBlock: 10.0.0.0/16\n    EnableDnsHostnames: true\n"
                 "    Subnets: [{SubnetId: subnet-a, AvailabilityZone: us-east-2a, CidrBlock: 10.0.1.0/24}]\n"
                 "    VpcEndpoints:\n"
                 "      - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa1, ServiceName: com.amazonaws.us-east-2.sqss,"
                 " SubnetIds: [subnet-a]}\n"
                 "      - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa2, ServiceName: com.amazonaws.us-esat-2.sqs,"
                 " SubnetIds: [subnet-a]}\n"
                 "      - {VpcEndpointId: vpce-0aaaaaaaaaaaaaaa3, ServiceName: com.amazonaws.us-east-2.kms,"
                 " SubnetIds: [subnet-a], DnsEntries: [{DnsName: vpce-0aaaaaaaaaaaaaaa3-7c1e2f3a."
                 "com.amazonaws.us-east-2.kms, HostedZoneId: 9A8B7C6D5E4F3}]}\n"
                 "Dnsd: {DefaultVPC: vpc-1, Helth: []}\n"):
        save("defs", text.encode())


def upstream_seeds():
    q = dns.message.make_query("www.example.com", "A", use_edns=0)
    q.id = 0x1234
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text("www.example.com.", 300, "IN", "A", "192.0.2.1", "192.0.2.2"))
    save("upstream", r.to_wire())
    r2 = dns.message.make_response(q)
    r2.set_rcode(dns.rcode.NXDOMAIN)
    r2.authority.append(dns.rrset.from_text("example.com.", 300, "IN", "SOA",
                                            "ns1.example.com. h.example.com. 1 2 3 4 60"))
    save("upstream", r2.to_wire())
    r3 = dns.message.make_response(q)
    r3.answer.append(dns.rrset.from_text("www.example.com.", 60, "IN", "CNAME", "web.example.com."))
    r3.answer.append(dns.rrset.from_text("web.example.com.", 60, "IN", "A", "192.0.2.9"))
    save("upstream", r3.to_wire())
    r4 = dns.message.make_response(q)
    r4.flags |= 0x0200
    save("upstream", r4.to_wire())
    save("upstream", r.to_wire()[:20])


def scrub_seeds():
    """What the scrubber sorts out: chains, DNAME steps, referrals and
    glue, RRSIGs and NSECs, names the fuzz view serves (kms.*), junk.
    IDs 0x12.. and 0x13..: the fuzz target's bailiwick is the root or
    example.com by the first byte."""
    def reply(qid, rcode=0, qtype="A", name="www.example.com"):
        q = dns.message.make_query(name, qtype, use_edns=0)
        q.id = qid
        r = dns.message.make_response(q)
        r.set_rcode(rcode)
        return r

    def rr(*args):
        return dns.rrset.from_text(*args)

    out = []
    r = reply(0x1234)
    r.answer += [rr("old.example.com.", 60, "IN", "DNAME", "new.example.net."),
                 rr("www.example.com.", 60, "IN", "CNAME", "evil.example.org."),
                 rr("www.new.example.net.", 60, "IN", "A", "192.0.2.7")]
    out.append(r)
    r = reply(0x1234)
    r.answer += [rr("www.example.com.", 60, "IN", "CNAME", "kms.us-east-2.amazonaws.com."),
                 rr("kms.us-east-2.amazonaws.com.", 60, "IN", "A", "6.6.6.7")]
    r.additional += [rr("kms.us-east-2.amazonaws.com.", 60, "IN", "AAAA", "2001:db8::66")]
    out.append(r)
    r = reply(0x1234)
    r.authority += [rr("example.com.", 60, "IN", "NS", "ns1.example.com.", "ns.evil.org."),
                    rr("org.", 60, "IN", "NS", "ns.org.")]
    r.additional += [rr("ns1.example.com.", 60, "IN", "A", "192.0.2.53"),
                     rr("ns.evil.org.", 60, "IN", "A", "6.6.6.6")]
    out.append(r)
    r = reply(0x1234, qtype="MX", name="example.com")
    r.answer += [rr("example.com.", 60, "IN", "MX", "10 mail.example.com."),
                 rr("example.com.", 60, "IN", "RRSIG",
                    "MX 13 2 60 20300101000000 20200101000000 1 example.com. AAAA")]
    r.additional += [rr("mail.example.com.", 60, "IN", "A", "192.0.2.25"),
                     rr("other.example.com.", 60, "IN", "A", "192.0.2.26")]
    out.append(r)
    r = reply(0x1234, rcode=dns.rcode.NXDOMAIN)
    r.authority += [rr("com.", 60, "IN", "SOA", "a.gtld. n.verisign. 1 2 3 4 60"),
                    rr("example.com.", 60, "IN", "SOA", "ns1.example.com. h.example.com. 1 2 3 4 60"),
                    rr("a.example.com.", 60, "IN", "NSEC", "zzz.example.org. A RRSIG NSEC"),
                    rr("example.com.", 60, "IN", "NSEC3",
                       "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A")]
    out.append(r)
    r = reply(0x1234, qtype="SRV", name="_x._tcp.example.com")
    r.answer += [rr("_x._tcp.example.com.", 60, "IN", "SRV", "0 0 443 host.example.com."),
                 rr("_x._tcp.example.com.", 60, "IN", "NAPTR",
                    '10 20 "s" "SIP+D2U" "" _sip._udp.example.com.')]
    r.additional += [rr("host.example.com.", 60, "IN", "A", "192.0.2.80")]
    out.append(r)
    r = reply(0x1234, qtype="ANY")
    r.answer += [rr("www.example.com.", 60, "IN", "A", "192.0.2.1"),
                 rr("www.example.com.", 60, "IN", "TXT", "hello"),
                 rr("www.example.com.", 60, "CH", "TXT", "chaos")]
    out.append(r)
    for r in out:
        wire = r.to_wire()
        save("upstream", wire)
        save("upstream", b"\x13" + wire[1:])
    # a chain of 15 steps and a long DNAME substitution
    r = reply(0x1334)
    names = ["www.example.com."] + ["c%d.example.com." % i for i in range(15)]
    r.answer += [rr(a, 60, "IN", "CNAME", b) for a, b in zip(names, names[1:])]
    save("upstream", r.to_wire())
    long = ".".join(["a" * 60] * 3) + ".old.example.com"
    r = reply(0x1234, rcode=6, name=long)
    r.answer += [rr("old.example.com.", 60, "IN", "DNAME", ".".join(["b" * 60] * 2) + ".example.")]
    save("upstream", r.to_wire())


if __name__ == "__main__":
    query_seeds()
    tsig_seeds()
    defs_seeds()
    upstream_seeds()
    scrub_seeds()
    for t in ("query", "defs", "upstream"):
        print(t, len(os.listdir(os.path.join(HERE, "corpus", t))), file=sys.stderr)
