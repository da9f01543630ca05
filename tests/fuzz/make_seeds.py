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
             "example.com", "localhost", "version.bind"]
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
                 "Text: |\n  block\n  scalar\nFolded: >-\n  a\n  b\n---\n...\n"):
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


if __name__ == "__main__":
    query_seeds()
    defs_seeds()
    upstream_seeds()
    for t in ("query", "defs", "upstream"):
        print(t, len(os.listdir(os.path.join(HERE, "corpus", t))), file=sys.stderr)
