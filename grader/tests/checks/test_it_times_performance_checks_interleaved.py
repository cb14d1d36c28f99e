"""The performance check's measuring logic, against a runner with a cost model.

The stand-in runner answers each timing run with ``calls * cost(side, n)`` as the CPU
time after the mark, the way the real sandbox reports what it measured from outside;
that makes calibration, interleaving, re-measuring and the growth fit exact to test.
"""

from __future__ import annotations

import pytest
from checks_standins import Code, Spec, make_context

from grader.checks import performance
from grader.checks.performance import PerformanceCheck
from grader.sandbox.api import Outcome, RunResult

CASES = "def perf_input(n, rng):\n    return (list(range(n)),)\n"
SUBMISSION = "def f(x):\n    return sum(x)\n"
REFERENCE = "def f(x):\n    return 0\n"


class CostModel:
    """A runner: per-call CPU of each side as a function of n; records every run."""

    def __init__(self, submission, baseline, fail=None):
        self.cost = {"submission.py": submission, "reference.py": baseline, "slow.py": baseline}
        self.fail = fail  # a RunResult to answer for the submission, or None
        self.runs: list[tuple[str, int, int]] = []

    def __call__(self, task, payload, limits):
        assert task == "grader.harness.perf:main"
        side, n, calls = payload["filename"], payload["n"], payload["calls"]
        self.runs.append((side, n, calls))
        if side == "submission.py" and self.fail is not None:
            return self.fail
        took = calls * self.cost[side](n)
        return RunResult(Outcome.OK, value={"calls": calls}, cpu_after_mark_seconds=took)


def _ctx(runner, reference=REFERENCE, files=None):
    code = Code(entry=("f",), reference_source=reference, cases_source=CASES, files=files or {})
    return make_context(SUBMISSION, run_sandbox=runner, code=code)


def _spec(**options):
    options.setdefault("inputs", "perf_input")
    options.setdefault("sizes", [1000, 100000])
    options.setdefault("baseline", "reference")
    return Spec("performance", name="perf", target="f", options=options, points=2.0)


def test_it_passes_a_submission_faster_than_required_and_reports_the_ratio():
    runner = CostModel(lambda n: 1e-8 * n, lambda n: 1e-6 * n)
    r = PerformanceCheck(_spec(faster_by=50)).run(_ctx(runner))
    assert r.passed and r.points == 2.0 and r.feedback == ""
    assert r.details["ratio"] == pytest.approx(100)
    assert r.details["threshold"] == 50 and r.details["n"] == 100000
    # Steady rounds twice the threshold away: decided after the fewest rounds.
    assert r.details["rounds"] == performance.MIN_ROUNDS


def test_it_tells_a_student_how_far_off_a_slow_submission_is():
    runner = CostModel(lambda n: 1e-6 * n / 3.1, lambda n: 1e-6 * n)
    r = PerformanceCheck(_spec(faster_by=50)).run(_ctx(runner))
    assert not r.passed and r.points == 0.0
    assert r.feedback == (
        "Your function is 3.1x faster than the baseline at n=100000; "
        "it must be at least 50x faster."
    )


def test_it_grades_slower_by_at_most():
    ok = CostModel(lambda n: 1.5e-6 * n, lambda n: 1e-6 * n)
    assert PerformanceCheck(_spec(slower_by_at_most=2.0)).run(_ctx(ok)).passed
    slow = CostModel(lambda n: 5e-6 * n, lambda n: 1e-6 * n)
    r = PerformanceCheck(_spec(slower_by_at_most=2.0)).run(_ctx(slow))
    assert not r.passed
    assert r.feedback.startswith("Your function is 5.0x slower than the baseline at n=100000;")


def test_it_alternates_baseline_and_submission_runs_after_calibrating():
    runner = CostModel(lambda n: 1e-7 * n / 90, lambda n: 1e-7 * n)
    r = PerformanceCheck(_spec(faster_by=80)).run(_ctx(runner))
    timed = [(side, calls) for side, n, calls in runner.runs if calls > 1]
    assert r.details["rounds"] > performance.ROUNDS  # near the threshold: many rounds
    # The calibration's last run of each side is the first round; the rest alternate.
    measured = 2 * (r.details["rounds"] - 1)
    calibration = runner.runs[: len(runner.runs) - measured]
    assert {side for side, _, _ in calibration} == {"reference.py", "submission.py"}
    rounds = runner.runs[len(calibration) :]
    sides = [side for side, _, _ in rounds]
    for i in range(0, len(sides), 2):
        assert set(sides[i : i + 2]) == {"reference.py", "submission.py"}
    assert sides[0] == "submission.py", "the calibration pair went baseline first"
    assert sides[0] != sides[2], "the side that goes first alternates"
    # Each run's timed part is calibrated to about TIMED_SECONDS (one call when a call is longer).
    for side, n, calls in rounds:
        cost = runner.cost[side](n)
        assert calls * cost == pytest.approx(max(performance.TIMED_SECONDS, cost), rel=0.05)
    assert timed


def test_it_measures_more_rounds_when_the_ratio_is_near_the_threshold():
    near = CostModel(lambda n: 1e-6 * n / 55, lambda n: 1e-6 * n)
    r = PerformanceCheck(_spec(faster_by=50)).run(_ctx(near))
    assert r.passed and r.details["rounds"] == performance.MAX_ROUNDS
    far = CostModel(lambda n: 1e-6 * n / 120, lambda n: 1e-6 * n)
    far_rounds = PerformanceCheck(_spec(faster_by=50)).run(_ctx(far)).details["rounds"]
    assert far_rounds == performance.MIN_ROUNDS


def test_it_uses_a_visible_baseline_file():
    runner = CostModel(lambda n: 1e-8 * n, lambda n: 1e-6 * n)
    spec = _spec(faster_by=20, baseline="slow.py:pysum")
    r = PerformanceCheck(spec).run(_ctx(runner, files={"slow.py": "def pysum(x):\n    pass\n"}))
    assert r.passed
    assert "slow.py" in {side for side, _, _ in runner.runs}


@pytest.mark.parametrize(
    "cost,growth,passes",
    [
        (lambda n: 1e-7 * n, "linear", True),
        (lambda n: 1e-11 * n * n, "linear", False),
        (lambda n: 1e-11 * n * n, "quadratic", True),
        (lambda n: 1e-6, "constant", True),
        (lambda n: 1e-8 * n, "logarithmic", False),
    ],
)
def test_it_fits_growth_across_sizes(cost, growth, passes):
    runner = CostModel(cost, lambda n: 1.0)
    spec = _spec(growth=growth, sizes=[1000, 10000, 100000])
    r = PerformanceCheck(spec).run(_ctx(runner))
    assert r.passed is passes
    assert "growth_exponent" in r.details
    if not passes:
        assert r.feedback.startswith("Your function's time grows like n^")
        assert "from n=1000 to n=100000" in r.feedback


def test_it_reports_the_exponent_it_fitted():
    runner = CostModel(lambda n: 1e-11 * n * n, lambda n: 1.0)
    r = PerformanceCheck(_spec(growth="linear", sizes=[1000, 100000])).run(_ctx(runner))
    assert r.details["growth_exponent"] == pytest.approx(2.0)
    assert r.feedback.startswith("Your function's time grows like n^2.00 ")


@pytest.mark.parametrize(
    "outcome,exc_type,reason",
    [
        (Outcome.EXCEPTION, "ValueError", "it raised ValueError"),
        (Outcome.TIME_LIMIT, "", "it ran out of time"),
        (Outcome.MEMORY_LIMIT, "", "it ran out of memory"),
        (Outcome.OK, "", "its running time could not be measured"),
    ],
)
def test_it_fails_a_submission_that_cannot_be_timed(outcome, exc_type, reason):
    fail = RunResult(outcome, exc_type=exc_type, cpu_after_mark_seconds=None)
    runner = CostModel(lambda n: 1e-8 * n, lambda n: 1e-6 * n, fail=fail)
    r = PerformanceCheck(_spec(faster_by=5)).run(_ctx(runner))
    assert not r.passed
    assert r.feedback == f"Your function could not be timed at n=100000: {reason}."


def test_it_never_blames_the_student_for_the_baseline_or_the_sandbox():
    broken = CostModel(lambda n: 1e-8 * n, lambda n: 1e-6 * n)
    broken.cost["reference.py"] = None  # calling it raises inside the runner stand-in
    with pytest.raises(TypeError):
        PerformanceCheck(_spec(faster_by=5)).run(_ctx(broken))

    def baseline_raises(task, payload, limits):
        if payload["filename"] == "reference.py":
            return RunResult(Outcome.EXCEPTION, exc_type="ZeroDivisionError")
        return RunResult(Outcome.OK, cpu_after_mark_seconds=0.1)

    with pytest.raises(RuntimeError, match="baseline"):
        PerformanceCheck(_spec(faster_by=5)).run(_ctx(baseline_raises))
    sandbox_down = CostModel(None, None, fail=RunResult(Outcome.SANDBOX_ERROR))
    sandbox_down.cost["reference.py"] = lambda n: 1e-6
    with pytest.raises(RuntimeError, match="submission"):
        PerformanceCheck(_spec(faster_by=5)).run(_ctx(sandbox_down))


def test_it_gives_timing_runs_room_on_a_busy_machine():
    seen = []

    def runner(task, payload, limits):
        seen.append(limits)
        return RunResult(Outcome.OK, cpu_after_mark_seconds=0.05 * payload["calls"])

    PerformanceCheck(_spec(faster_by=0.5)).run(_ctx(runner))
    assert {lim.cpu_seconds for lim in seen} == {2.0}
    assert {lim.wall for lim in seen} == {performance.WALL_PER_CPU * 2.0 + 2}
