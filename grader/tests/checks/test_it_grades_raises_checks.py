"""The raises check reads what the pipeline's probe saw raised."""

from __future__ import annotations

import pytest
from checks_standins import Spec, make_context

from grader.checks.raises import RaisesCheck, raised_matches

SPEC = Spec(
    "raises", name="raises-1", options={"expr": "broken(5)(1)", "exception": "UnboundLocalError"}
)


def _probe(raised, error=None):
    return {"module": {"ok": True}, "raises": {"raises-1": {"raised": raised, "error": error}}}


@pytest.mark.parametrize(
    "raised,passes,feedback",
    [
        ("UnboundLocalError", True, ""),
        (None, False, "broken(5)(1) did not raise; it should raise UnboundLocalError."),
        ("NameError", False, "broken(5)(1) raised NameError; it should raise UnboundLocalError."),
        # A class of the submission's own that merely carries the builtin's name.
        ("__submission__.UnboundLocalError", False, "raised __submission__.UnboundLocalError"),
    ],
)
def test_it_grades_what_was_raised(raised, passes, feedback):
    r = RaisesCheck(SPEC).run(make_context("", probe=_probe(raised)))
    assert r.passed is passes
    assert feedback in r.feedback
    assert r.details["raised"] == raised


def test_it_counts_a_subclass_of_the_expected_builtin():
    assert raised_matches("KeyError", "LookupError")
    assert raised_matches("KeyError", "builtins.KeyError")
    assert not raised_matches("LookupError", "KeyError")
    assert raised_matches("__submission__.StackEmpty", "StackEmpty")
    assert not raised_matches("__submission__.Other", "StackEmpty")


def test_it_fails_with_a_reason_when_the_expression_ran_out_of_time():
    r = RaisesCheck(SPEC).run(make_context("", probe=_probe(None, "time_limit")))
    assert not r.passed
    assert "broken(5)(1) could not finish: it ran out of time." in r.feedback


def test_it_treats_a_missing_probe_or_sandbox_failure_as_the_graders_fault():
    with pytest.raises(RuntimeError):
        RaisesCheck(SPEC).run(make_context(""))
    with pytest.raises(RuntimeError):
        RaisesCheck(SPEC).run(make_context("", probe=_probe(None, "sandbox_error")))
    with pytest.raises(LookupError):
        RaisesCheck(SPEC).run(make_context("", probe={"module": {"ok": True}, "raises": {}}))
