"""The perf harness asks for the CPU mark before any line of the timed module runs."""

from __future__ import annotations

import builtins

import pytest

from grader.harness import perf
from grader.sandbox import child, fake
from grader.sandbox.api import Outcome

CASES = (
    "import builtins\n"
    "def perf_input(n, rng):\n"
    "    builtins._perf_events.append('input')\n"
    "    return (list(range(n)),)\n"
)
MODULE = (
    "import builtins\n"
    "builtins._perf_events.append('module')\n"
    "def f(x):\n"
    "    builtins._perf_events.append('call')\n"
    "    return len(x)\n"
)


@pytest.fixture
def events():
    recorded: list[str] = []
    builtins._perf_events = recorded  # type: ignore[attr-defined]
    child._install(lambda: recorded.append("mark"))
    try:
        yield recorded
    finally:
        child._install(None)
        del builtins._perf_events  # type: ignore[attr-defined]


def _payload(**changes):
    payload = {
        "source": MODULE,
        "filename": "submission.py",
        "function": "f",
        "cases_source": CASES,
        "inputs": "perf_input",
        "n": 10,
        "seed": 1,
        "calls": 3,
    }
    payload.update(changes)
    return payload


def test_it_builds_the_input_then_marks_then_runs_the_module_and_the_calls(events):
    assert perf.main(_payload()) == {"calls": 3}
    assert events == ["input", "mark", "module", "call", "call", "call"]


def test_it_reports_a_missing_function_as_the_runs_exception():
    plain_cases = "def perf_input(n, rng):\n    return (n,)\n"
    payload = _payload(source="g = 1\n", cases_source=plain_cases)
    r = fake.run("grader.harness.perf:main", payload)
    assert r.outcome is Outcome.EXCEPTION and r.exc_type == "NameError"
    assert r.cpu_after_mark_seconds is not None  # the mark came before the module ran
