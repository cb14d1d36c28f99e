"""While every round so far lies beyond ``FAR``, the next round's runs are timed for
``FAR_TIMED_SECONDS``; otherwise (and near the threshold) for ``TIMED_SECONDS``.

``round_seconds`` is the pure rule; the check is run against a stand-in runner whose
reported CPU time is ``calls * cost``, so each run's timed part can be read back.
"""

from __future__ import annotations

import pytest
from checks_standins import Code, Spec, make_context

from grader.checks import performance
from grader.checks.performance import (
    FAR,
    FAR_TIMED_SECONDS,
    TIMED_SECONDS,
    PerformanceCheck,
    round_seconds,
)
from grader.sandbox.api import Outcome, RunResult

E = 1e-3


@pytest.mark.parametrize(
    "margins,seconds",
    [
        ([], TIMED_SECONDS),  # nothing measured yet
        ([FAR * (1 + E)], FAR_TIMED_SECONDS),
        ([FAR * (1 - E)], TIMED_SECONDS),
        ([(1 - E) / FAR], FAR_TIMED_SECONDS),
        ([(1 + E) / FAR], TIMED_SECONDS),
        ([9.0, FAR * (1 + E)], FAR_TIMED_SECONDS),
        ([9.0, FAR * (1 - E)], TIMED_SECONDS),  # one round inside FAR: full length again
        ([9.0, 1 / 9.0], TIMED_SECONDS),  # far on both sides is not far
    ],
)
def test_it_picks_the_round_length_from_the_rounds_so_far(margins, seconds):
    assert round_seconds(margins) == seconds


CASES = "def perf_input(n, rng):\n    return (list(range(n)),)\n"


def _timed_parts(speedup: float, faster_by: float, noise: list[float]) -> tuple[list[float], int]:
    """The timed part each submission run after calibrating was sized for, and the rounds.

    ``noise`` scales the submission's cost in successive measured rounds (then 1).
    """
    base_cost = 3e-3  # per call: each side calibrates in two runs (1 call, then more)
    rounds = iter(noise)
    timed: list[float] = []
    calibrating = 2

    def runner(task, payload, limits):
        nonlocal calibrating
        calls = payload["calls"]
        if payload["filename"] != "submission.py":
            return RunResult(Outcome.OK, cpu_after_mark_seconds=calls * base_cost)
        cost = base_cost / speedup
        if calibrating:
            calibrating -= 1
        else:
            timed.append(calls * cost)  # what the calibrated call count aims at
            cost *= next(rounds, 1.0)
        return RunResult(Outcome.OK, cpu_after_mark_seconds=calls * cost)

    code = Code(entry=("f",), reference_source="def f(x):\n    pass\n", cases_source=CASES)
    spec = Spec(
        "performance",
        target="f",
        options={"inputs": "perf_input", "sizes": [1000], "faster_by": faster_by},
    )
    ctx = make_context("def f(x):\n    pass\n", run_sandbox=runner, code=code)
    r = PerformanceCheck(spec).run(ctx)
    return timed, r.details["rounds"]


def test_it_keeps_far_rounds_short():
    # 4x faster against 2 (margin 2), then 5x (2.5), then 4x again: every round far,
    # so both rounds after the calibration pair are short; the interval settles it at 3.
    assert FAR_TIMED_SECONDS < TIMED_SECONDS
    timed, rounds = _timed_parts(4.0, 2.0, noise=[0.8])
    assert rounds == 3
    assert timed == pytest.approx([FAR_TIMED_SECONDS] * 2, rel=0.05)


def test_it_times_every_round_in_full_once_one_is_not_far():
    # The calibration pair is far (margin 2), the next round is not (1.3x slower: 1.54).
    timed, rounds = _timed_parts(4.0, 2.0, noise=[1.3, 1.0])
    assert timed[0] == pytest.approx(FAR_TIMED_SECONDS, rel=0.05)
    assert timed[1:] and timed[1:] == pytest.approx([TIMED_SECONDS] * (rounds - 2), rel=0.05)


def test_it_times_rounds_near_the_threshold_in_full():
    timed, rounds = _timed_parts(2.2, 2.0, noise=[])
    assert rounds >= performance.ROUNDS
    assert timed == pytest.approx([TIMED_SECONDS] * (rounds - 1), rel=0.05)
