"""The verdict on each test, and the sentences for a submission that did not run.

Values are compared as plain data (``grader.values``); what a hidden test's verdict
may say is decided here (never its input, expected value or the submission's output).
"""

from __future__ import annotations

import builtins
from typing import Any

from grader import messages
from grader.checks.base import CheckResult
from grader.sandbox.api import Limits, Outcome
from grader.values import equal, render
from questions.format import Question, TestSpec


def entry_missing(probe: dict[str, Any], question: Question) -> str | None:
    if question.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected question.code is not None")
    for name in question.code.entry:
        b = probe.get("bindings", {}).get(name)
        if type(b) is dict and b.get("kind") == "missing":
            return name
    return None


def _hidden_raised(name: Any) -> str:
    # Only a builtin's name: the submission names its own classes, and a class made
    # while a hidden test ran could carry that test's inputs in its name.
    if type(name) is str and name.isidentifier() and name in _BUILTIN_EXCEPTIONS:
        return messages.hidden_test_raised(name)
    return messages.hidden_test_failed()


_BUILTIN_EXCEPTIONS = frozenset(
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
)


def test_result(
    t: TestSpec,
    expected: Any,
    got: Any,
    limits: Limits,
    missing_entry: str | None,
    errors: list[str],
) -> tuple[CheckResult, bool]:
    """(result, grader_error) for one test."""

    def res(passed: bool, feedback: str = "") -> CheckResult:
        return CheckResult(t.name, "test", passed, t.points if passed else 0.0, t.points, feedback)

    label = t.expr if t.expr is not None else f"Test {t.name}"
    if type(expected) is not dict or not ("value" in expected or "raised" in expected):
        errors.append(f"test {t.name}: the reference gave no value ({expected!r})")
        return res(False, messages.grader_error()), True
    if type(got) is not dict:
        # The submission's process answered without this test: only the submission can
        # have caused that (the probe always answers for every test it was given).
        return res(False, messages.hidden_test_failed() if t.hidden else messages.crashed()), False
    if "sandbox_error" in got:
        errors.append(f"test {t.name}: sandbox error: {got['sandbox_error']}")
        return res(False, messages.grader_error()), True

    if "limit" in got:
        outcome = got["limit"]
        if t.hidden:
            fb = (
                messages.hidden_memory_limit()
                if outcome == Outcome.MEMORY_LIMIT.value
                else messages.hidden_time_limit()
                if outcome == Outcome.TIME_LIMIT.value
                else messages.hidden_test_failed()
            )
        elif outcome == Outcome.TIME_LIMIT.value:
            fb = messages.test_time_limit(label, limits.cpu_seconds)
        elif outcome == Outcome.MEMORY_LIMIT.value:
            fb = messages.test_memory_limit(label, limits.memory_mb)
        elif outcome == Outcome.OUTPUT_LIMIT.value:
            fb = messages.test_output_limit(label)
        else:
            fb = messages.crashed()
        return res(False, fb), False
    if got.get("too_large"):
        return res(
            False, messages.hidden_test_failed() if t.hidden else messages.test_too_large(label)
        ), False

    if "raised" in expected:
        if got.get("raised") == expected["raised"]:
            return res(True), False
        if t.hidden:
            fb = _hidden_raised(got["raised"]) if "raised" in got else messages.hidden_test_failed()
        elif "raised" in got:
            fb = messages.test_raised_wrong(label, expected["raised"], got["raised"])
        else:
            fb = messages.test_should_raise(label, expected["raised"], render(got.get("value")))
        return res(False, fb), False

    if "raised" in got:
        if missing_entry and got["raised"] == "NameError":
            return res(False, messages.not_defined(missing_entry)), False
        if t.hidden:
            return res(False, _hidden_raised(got["raised"])), False
        return (
            res(
                False,
                messages.test_raised(
                    label, got["raised"], str(got.get("message", "")), got.get("line")
                ),
            ),
            False,
        )
    if "value" not in got:
        return res(False, messages.hidden_test_failed() if t.hidden else messages.crashed()), False
    if equal(expected["value"], got["value"], t.tolerance):
        return res(True), False
    if t.hidden:
        return res(False, messages.hidden_test_failed()), False
    exp_text, got_text = render(expected["value"]), render(got["value"])
    if t.expr is not None:
        return res(False, messages.test_wrong_value(t.expr, got_text, exp_text)), False
    return res(False, messages.test_wrong_value_case(t.name, got_text, exp_text)), False


def module_failure_feedback(mod: dict[str, Any], limits: Limits) -> str:
    if "limit" in mod:
        outcome = mod["limit"]
        if outcome == Outcome.TIME_LIMIT.value:
            return messages.time_limit(limits.cpu_seconds)
        if outcome == Outcome.MEMORY_LIMIT.value:
            return messages.memory_limit(limits.memory_mb)
        if outcome == Outcome.OUTPUT_LIMIT.value:
            return messages.output_limit()
        return messages.crashed()
    return messages.module_raised(str(mod.get("exc_type", "an exception")), mod.get("line"))


def all_failed(question: Question, feedback: str) -> list[CheckResult]:
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
    out = [CheckResult(t.name, "test", False, 0.0, t.points, feedback) for t in code.tests]
    out += [CheckResult(c.name, c.kind, False, 0.0, c.points, feedback) for c in code.checks]
    return out
