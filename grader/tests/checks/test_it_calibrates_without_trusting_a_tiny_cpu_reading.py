"""Calibration (``Timer.calibrate``): how many calls make a run long enough to time.

CPU readings of a few milliseconds are off by up to about ``CLOCK_FLOOR_SECONDS``
(the sandbox reads the run's CPU while it exits), so a tiny or zero reading must not
multiply the calls by a thousand; and a run just short of the minimum is followed
by one aimed at ``CALIBRATE_AIM_SECONDS``, not ten times the calls.
"""

from __future__ import annotations

import pytest
from checks_standins import Code, make_context

from grader.checks.performance import (
    CALIBRATE_AIM_SECONDS,
    CALIBRATE_MIN_SECONDS,
    CLOCK_FLOOR_SECONDS,
    MAX_CALLS,
    Side,
    Timer,
)
from grader.sandbox.api import Limits, Outcome, RunResult

SIDE = Side("submission", "def f(x):\n    pass\n", "submission.py", "f")


def _calibrate(reading) -> tuple[list[int], float]:
    """The calls of each calibration run, and the seconds per call it settled on;
    ``reading(calls)`` is the CPU time a run of that many calls reports."""
    calls_seen: list[int] = []

    def runner(task, payload, limits):
        calls_seen.append(payload["calls"])
        return RunResult(Outcome.OK, cpu_after_mark_seconds=reading(payload["calls"]))

    code = Code(entry=("f",), cases_source="def perf_input(n, rng):\n    return (n,)\n")
    ctx = make_context("def f(x):\n    pass\n", run_sandbox=runner, code=code)
    timer = Timer(ctx, code.cases_source, "perf_input", Limits(cpu_seconds=2.0))
    _, per_call = timer.calibrate(SIDE, 1000)
    return calls_seen, per_call


def test_it_grows_calls_at_most_to_the_clock_floor_after_a_zero_reading():
    # 0.7 ms a call, but the one-call run read 0: the next run is 40 calls (28 ms), not 1000.
    calls, per_call = _calibrate(lambda k: 0.0 if k == 1 else k * 7e-4)
    assert calls == [1, round(CALIBRATE_AIM_SECONDS / CLOCK_FLOOR_SECONDS)]
    assert per_call == pytest.approx(7e-4)


def test_it_aims_a_run_after_a_short_one_at_the_aim():
    # One call read 2.1 ms (0.5 ms and noise): 10 calls, 5 ms, too short; then 40 calls.
    calls, per_call = _calibrate(lambda k: 2.1e-3 if k == 1 else k * 5e-4)
    assert calls == [1, 10, 40]
    assert per_call == pytest.approx(5e-4)


def test_it_still_reaches_a_tiny_function_and_stops_at_the_call_cap():
    calls, per_call = _calibrate(lambda k: 0.0 if k < 400 else k * 1e-6)
    assert calls[-1] * 1e-6 >= CALIBRATE_MIN_SECONDS
    assert calls[-1] * 1e-6 <= 3 * CALIBRATE_MIN_SECONDS
    assert per_call == pytest.approx(1e-6)
    never, _ = _calibrate(lambda k: 0.0)  # a clock that never moves: bounded by MAX_CALLS
    assert never[-1] == MAX_CALLS and len(never) < 10
