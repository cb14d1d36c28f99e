"""A failure of the grader or the question is status "error", never a student's zero."""

import dataclasses

import pytest
from pipeline_helpers import Recorder, by_name, fixture_question

from grader.checks.base import Check
from grader.pipeline import grade
from grader.sandbox.api import Outcome

GOOD = "def double(x):\n    return 2 * x\n\ndef triple(x):\n    return 3 * x\n"


def test_it_reports_a_sandbox_failure_on_the_submission_as_an_error(fake_run):
    runner = Recorder(fake_run, lambda p: True, Outcome.SANDBOX_ERROR)
    result = grade(fixture_question("arith/loop"), GOOD, sandbox=runner)
    assert result.status == "error"
    assert result.as_dict()["status"] == "error"
    assert result.errors and "sandbox error" in result.errors[0]


def test_it_reports_a_reference_that_cannot_run_as_an_error(fake_run):
    q = fixture_question("arith/loop")
    broken = dataclasses.replace(
        q, code=dataclasses.replace(q.code, reference_source="raise ImportError('x')\n")
    )
    result = grade(broken, GOOD, sandbox=fake_run)
    assert result.status == "error"
    assert "the reference raised ImportError" in result.errors[0]


def test_it_reports_a_reference_killed_by_a_limit_as_an_error(fake_run):
    runner = Recorder(fake_run, lambda p: p["filename"] == "reference.py", Outcome.TIME_LIMIT)
    result = grade(fixture_question("arith/loop"), GOOD, sandbox=runner)
    assert result.status == "error"


class _Crashes(Check):
    kind = "_crashes_for_test"

    def run(self, ctx):
        raise RuntimeError("bug in a check")


@pytest.mark.parametrize("kind", ["_crashes_for_test", "_no_such_kind"])
def test_it_reports_a_crashing_or_unknown_check_as_an_error_and_grades_the_rest(fake_run, kind):
    q = fixture_question("arith/loop")
    spec = dataclasses.replace(q.code.checks[0], kind=kind, name="broken")
    q = dataclasses.replace(q, code=dataclasses.replace(q.code, checks=(*q.code.checks, spec)))
    result = grade(q, GOOD, sandbox=fake_run)
    checks = by_name(result)
    assert result.status == "error"
    assert checks["test-1"].passed and checks["scope-1"].passed
    assert not checks["broken"].passed
    assert "not been counted against you" in checks["broken"].feedback
    assert "bug in a check" not in checks["broken"].feedback
