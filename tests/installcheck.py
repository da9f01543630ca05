#!/usr/bin/env python3
# tests/installcheck.py - `make installcheck`: the installed dnsd, started outside the source tree without --zones, answers from its installed definitions; the installed dnsd-control steers it.
import os
import re
import signal
import subprocess
import sys
import tempfile

import dns.message
import dns.query


def control(dnsd, cwd, *args):
    ctl = os.path.join(os.path.dirname(dnsd), "dnsd-control")
    return subprocess.run([ctl, "-s", os.path.join(cwd, "control")] + list(args),
                          capture_output=True, text=True, timeout=30)


def same_default_socket(dnsd):
    """dnsd and dnsd-control, installed, agree on the socket under runstatedir."""
    ctl = os.path.join(os.path.dirname(dnsd), "dnsd-control")
    a = subprocess.run([dnsd, "--help"], capture_output=True, text=True).stdout
    b = subprocess.run([ctl, "--help"], capture_output=True, text=True).stdout
    m = re.search(r"--control PATH.*?\(default: (\S+)\)", " ".join(a.split()))
    return m and f"(default: {m.group(1)})" in b and m.group(1).endswith("/dnsd/control")


def main(dnsd):
    if not same_default_socket(dnsd):
        print("installcheck: dnsd and dnsd-control disagree on the default control socket",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as cwd:
        p = subprocess.Popen([dnsd, "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9",
                              "--control", os.path.join(cwd, "control")],
                             cwd=cwd, stderr=subprocess.PIPE, text=True)
        lines = []
        try:
            for line in p.stderr:
                lines.append(line)
                if "started: " in line:
                    break
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", lines[-1] if lines else "")
            if not m:
                print("installcheck: dnsd did not start:\n" + "".join(lines), file=sys.stderr)
                return 1
            q = dns.message.make_query("monitoring.us-east-2.amazonaws.com", "A")
            r = dns.query.udp(q, "127.0.0.1", port=int(m.group(1)), timeout=3)
            got = sorted(rr.address for rrset in r.answer for rr in rrset)
            down = control(dnsd, cwd, "health", "az", "us-east-2b", "down")
            r = dns.query.udp(q, "127.0.0.1", port=int(m.group(1)), timeout=3)
            after = sorted(rr.address for rrset in r.answer for rr in rrset)
        finally:
            p.send_signal(signal.SIGTERM)
            rc = p.wait(10)
        if got != ["10.0.1.42", "10.0.2.17", "10.0.3.88"] or rc != 0:
            print(f"installcheck: got {got}, exit {rc}:\n" + "".join(lines), file=sys.stderr)
            return 1
        if down.returncode != 0 or after != ["10.0.1.42", "10.0.3.88"]:
            print(f"installcheck: dnsd-control health: exit {down.returncode} "
                  f"{down.stdout}{down.stderr}; then {after}", file=sys.stderr)
            return 1
        print(f"installcheck: {dnsd} from {cwd} answered {got} from its default definitions")
        print(f"installcheck: dnsd-control {down.stdout.strip()}; then {after}")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
