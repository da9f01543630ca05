# tests/integration/test_readme.py - the README's "Operating dnsd" session and dnsd-control(8)'s examples, run as written.
"""The session is run command by command in a network namespace of its
own (so that ports 5300 and 9153 are free whatever else runs), from a
directory where ./dnsd and ./dnsd-control are the build tree's: the same
defaults as in the build tree, the control socket among them. Each
command's output must be what the README shows, but for what differs
from run to run: times, durations, source ports and the path to zones/."""
import os
import re
import subprocess
import time

import pytest

from tests.integration.harness import DNSD, DNSD_CONTROL, SRCDIR, DnsdError, tool, wait_file_line
from tests.integration.netns import Netns

README = os.path.join(SRCDIR, "README")
CONTROL_MAN = os.path.join(SRCDIR, "src", "dnsd-control.8.in")


def session():
    """[(command, expected output lines)] of the "Operating dnsd" session."""
    text = open(README).read()
    part = text.split("\nOperating dnsd\n", 1)[1]
    block = part.split("\n    $ ", 1)[1].split("\n(`tests/integration/test_readme.py`", 1)[0]
    lines = ("    $ " + block).splitlines()
    steps = []
    for line in lines:
        if line.startswith("    $ "):
            steps.append((line[6:], []))
        else:
            assert line == "" or line.startswith("    "), line
            steps[-1][1].append(line[4:])
    for _, out in steps:
        while out and out[-1] == "":
            out.pop()
    return steps


def normal(text):
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", "TIME", text)
    text = re.sub(r"in \d+\.\d{3} s", "in N s", text)
    text = re.sub(r'"srcport":"\d+"', '"srcport":"PORT"', text)
    return re.sub(r"/[^\s()]*/zones/", "zones/", text)


def man_examples(path):
    """The commands in the EXAMPLES section of a man page source."""
    man = open(path).read().split("\n.SH EXAMPLES", 1)[1].split("\n.SH ", 1)[0]
    cmds = []
    for block in re.findall(r"\.nf\n\.RS\n(.*?)\n\.RE\n\.fi", man, re.S):
        cmds += [line.replace("\\-", "-") for line in block.splitlines()]
    return cmds


@pytest.fixture()
def place(tmp_path):
    ns = Netns(v4=(), v6=())
    for name, target in (("dnsd", DNSD), ("dnsd-control", DNSD_CONTROL)):
        os.symlink(target, tmp_path / name)
    env = dict(os.environ, PATH=os.path.dirname(os.path.realpath(DNSD_CONTROL)) + ":" +
               os.path.dirname(tool("dig")) + ":" + os.environ.get("PATH", ""))
    yield ns, str(tmp_path), env
    ns.close()


def test_operating_session_runs_as_written(place):
    ns, cwd, env = place
    for t in ("dig", "curl", "jq"):
        tool(t)
    steps = session()
    assert steps[0][0].endswith(" &") and steps[-1][0] == "kill %1", steps
    assert len(steps) >= 8
    bg = None
    try:
        for cmd, want in steps:
            if cmd.endswith(" &"):
                bg = subprocess.Popen(list(ns.wrap) + ["bash", "-c", "exec " + cmd[:-2]],
                                      cwd=cwd, env=env)
                wait_file_line(os.path.join(cwd, "dnsd.log"), "started: ", timeout=30)
                continue
            if cmd == "kill %1":
                bg.terminate()
                assert bg.wait(10) == 0
                bg = None
                continue
            out = subprocess.run(list(ns.wrap) + ["bash", "-c", cmd], cwd=cwd, env=env,
                                 capture_output=True, text=True, timeout=60)
            got = (out.stdout + out.stderr).rstrip("\n").split("\n")
            assert out.returncode == 0, (cmd, out.stdout, out.stderr)
            assert normal("\n".join(got)) == normal("\n".join(want)), \
                f"$ {cmd}\n--- README:\n" + "\n".join(want) + "\n--- got:\n" + "\n".join(got)
            if cmd.startswith("./dnsd-control health") and "clear" in cmd:
                # dnsd-control(8)'s examples, in the same place, as written
                for ex in man_examples(CONTROL_MAN):
                    r = subprocess.run(list(ns.wrap) + ["bash", "-c", ex], cwd=cwd, env=env,
                                       capture_output=True, text=True, timeout=60)
                    assert r.returncode == 0 and r.stdout.startswith(("ok", "query:")), \
                        (ex, r.stdout, r.stderr)
    finally:
        if bg:
            bg.kill()
            bg.wait()
    log = open(os.path.join(cwd, "dnsd.log")).read()
    assert not re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", log), log
