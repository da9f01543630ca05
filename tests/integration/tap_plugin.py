# tests/integration/tap_plugin.py - report each pytest case as a TAP line for automake's driver.
"""A pytest plugin: every test becomes one "ok"/"not ok" line, so that the
automake TAP driver (and .ci/run's summary) counts cases, not files."""

_results = []


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        name = report.nodeid.split("::", 1)[-1]
        if report.outcome == "passed":
            _results.append(("ok", name, ""))
        elif report.outcome == "skipped":
            _results.append(("ok", name, " # SKIP"))
        else:
            _results.append(("not ok", name, ""))
            print(f"\nnot ok {len(_results)} - {name}", flush=True)
            return
        print(f"\n{_results[-1][0]} {len(_results)} - {name}{_results[-1][2]}", flush=True)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus not in (0, 5) and not any(r[0] == "not ok" for r in _results):
        # a collection or internal error: make it count as a failure
        _results.append(("not ok", f"pytest exited with status {exitstatus}", ""))
        print(f"\nnot ok {len(_results)} - {_results[-1][1]}", flush=True)
    print(f"\n1..{len(_results)}", flush=True)
