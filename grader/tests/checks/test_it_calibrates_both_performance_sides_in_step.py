"""Baseline and submission are calibrated in step (one run of each per pass), so the
calibration's last runs of the two sides follow one another: they are the first
paired round, measured as close together as the later rounds are.
"""

from __future__ import annotations

import pytest
from checks_standins import Code, Spec, make_context

from grader.checks.performance import PerformanceCheck
from grader.sandbox.api import Outcome, RunResult

CASES = "def perf_input(n, rng):\n    return (n,)\n"


def _runs(cost: dict[str, float]) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []

    def runner(task, payload, limits):
        seen.append((payload["filename"], payload["calls"]))
        took = payload["calls"] * cost[payload["filename"]]
        return RunResult(Outcome.OK, cpu_after_mark_seconds=took)

    code = Code(entry=("f",), reference_source="def f(x):\n    pass\n", cases_source=CASES)
    spec = Spec(
        "performance",
        target="f",
        options={"inputs": "perf_input", "sizes": [1000], "faster_by": 2.0},
    )
    PerformanceCheck(spec).run(make_context("def f(x):\n    pass\n", run_sandbox=runner, code=code))
    return seen


def test_it_alternates_the_sides_while_calibrating():
    seen = _runs({"reference.py": 2e-3, "submission.py": 5e-4})
    assert seen[:4] == [
        ("reference.py", 1),
        ("submission.py", 1),
        ("reference.py", 10),  # 2 ms a call: 10 calls for 20 ms
        ("submission.py", 40),  # 0.5 ms a call: 40 calls
    ]


@pytest.mark.parametrize("slow", ["reference.py", "submission.py"])
def test_it_keeps_calibrating_only_the_side_that_needs_it(slow):
    fast = {"reference.py": "submission.py", "submission.py": "reference.py"}[slow]
    # One side's single call already takes 30 ms; the other needs more calls.
    seen = _runs({slow: 3e-2, fast: 1e-3})
    calibration = seen[:3]
    assert [side for side, _ in calibration].count(slow) == 1
    assert calibration[0][0] == "reference.py"
    assert [calls for side, calls in calibration if side == fast] == [1, 20]
