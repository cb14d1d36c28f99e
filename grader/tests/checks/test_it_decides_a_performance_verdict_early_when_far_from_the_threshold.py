"""When the performance check stops measuring: ``decide`` at its boundaries.

Margins are per-round ratio / threshold (above 1 passes). An early verdict needs the
95% confidence interval of the mean log-margin beyond ``NEAR`` on one side.
"""

from __future__ import annotations

import math

import pytest

from grader.checks.performance import MAX_ROUNDS, MIN_ROUNDS, NEAR, ROUNDS, Step, decide

E = 1e-3  # a small step either side of a boundary


def _spread(center: float, half_width: float, n: int) -> list[float]:
    """``n`` margins (n even) whose mean log is log(center) and whose 95% CI has ``half_width``."""
    t = {4: 3.182}[n]
    sd = half_width * math.sqrt(n) / t
    # Alternating +d/-d has sample sd d * sqrt(n / (n - 1)).
    d = sd / math.sqrt(n / (n - 1))
    return [center * math.exp(d if i % 2 == 0 else -d) for i in range(n)]


@pytest.mark.parametrize(
    "margins,step",
    [
        ([], Step.MORE),
        ([20.0], Step.MORE),  # one round is never enough, however far
        ([20.0] * (MIN_ROUNDS - 1), Step.MORE),  # nor two: a chance agreement of two
        ([20.0] * MIN_ROUNDS, Step.PASS),
        ([1 / 20.0] * MIN_ROUNDS, Step.FAIL),
        # Exactly steady rounds: the interval is a point; NEAR is the boundary.
        ([NEAR * (1 + E)] * MIN_ROUNDS, Step.PASS),
        ([NEAR * (1 - E)] * MIN_ROUNDS, Step.MORE),
        ([(1 - E) / NEAR] * MIN_ROUNDS, Step.FAIL),
        ([(1 + E) / NEAR] * MIN_ROUNDS, Step.MORE),
        # The interval's lower end a little above / below NEAR.
        (_spread(2.0, math.log(2.0 / NEAR) - E, 4), Step.PASS),
        (_spread(2.0, math.log(2.0 / NEAR) + E, 4), Step.MORE),
        (_spread(0.5, math.log(2.0 / NEAR) - E, 4), Step.FAIL),
        (_spread(0.5, math.log(2.0 / NEAR) + E, 4), Step.MORE),
        # Undecided early: the median decides at ROUNDS unless it is near the threshold.
        ([3.0, 0.4, 3.0, 0.4, 3.0][: ROUNDS - 1], Step.MORE),
        ([3.0, 0.4, 3.0, 0.4, 3.0, 0.4, 3.0][:ROUNDS], Step.PASS),
        ([0.4, 3.0, 0.4, 3.0, 0.4, 3.0, 0.4][:ROUNDS], Step.FAIL),
        ([1.1, 0.6, 1.6, 1.1, 1.1] + [1.1] * (ROUNDS - 5), Step.MORE),
        ([1.1, 0.6, 1.6] * MAX_ROUNDS, Step.PASS),  # the bound: no more than MAX_ROUNDS
        ([0.9, 0.6, 1.6] * MAX_ROUNDS, Step.FAIL),
    ],
)
def test_it_stops_measuring_only_when_the_interval_clears_the_threshold(margins, step):
    assert decide(margins) is step


def test_it_decides_at_the_bound_exactly():
    noisy = [1.1, 0.6, 1.6]
    rounds = (noisy * MAX_ROUNDS)[: MAX_ROUNDS - 1]
    assert decide(rounds) is Step.MORE
    assert decide((noisy * MAX_ROUNDS)[:MAX_ROUNDS]) is Step.PASS
