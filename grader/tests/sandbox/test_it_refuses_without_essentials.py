"""doctor's report, and run() refusing to grade without the essential protections."""

import pytest

from grader.sandbox import doctor, protections, run, runner
from grader.sandbox.api import SandboxUnavailable

SELFTEST = "grader.harness._selftest:run_source"


def test_it_reports_every_protection_active_on_this_machine():
    items = doctor.report()
    assert {p.name for p in items if p.essential and not p.active} == set()
    assert any("seccomp" in p.name for p in items)
    assert doctor.main(["--quick"]) == 0


def test_it_refuses_to_run_when_an_essential_protection_is_missing(monkeypatch):
    monkeypatch.setattr(
        protections, "missing_essentials", lambda: ["seccomp filter + no_new_privs"]
    )
    monkeypatch.delenv(runner.DEV_ENV, raising=False)
    with pytest.raises(SandboxUnavailable, match="seccomp"):
        run(SELFTEST, {"source": "x = 1", "name": "x"})


def test_it_runs_in_development_mode_and_says_so(monkeypatch, sandbox_session):
    monkeypatch.setattr(
        protections, "missing_essentials", lambda: ["seccomp filter + no_new_privs"]
    )
    monkeypatch.setenv(runner.DEV_ENV, "1")
    r = run(SELFTEST, {"source": "x = 1", "name": "x"})
    assert r.ok and r.value == 1
    assert r.extra["development_mode_missing"] == ["seccomp filter + no_new_privs"]
