"""A page waiting for a grade asks again after a third of the expected wait, every
2 s near its end and at most every 15 s while the wait is long: a class waiting
together does not ask hundreds of times a second for nothing."""

import pytest

from quizsite.grading.estimates import POLL_MAX, POLL_MIN, Wait, poll_after


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (None, POLL_MIN),  # nothing to wait for
        (Wait(None, 12), POLL_MIN),  # no estimate: ask soon
        (Wait(0.0, 0), POLL_MIN),
        (Wait(5.9, 0), POLL_MIN),  # a third is under the floor
        (Wait(6.0, 0), 2.0),
        (Wait(6.3, 0), 2.1),
        (Wait(30.0, 4), 10.0),
        (Wait(44.9, 4), 15.0),  # 14.97, rounded to a tenth
        (Wait(45.0, 4), POLL_MAX),
        (Wait(600.0, 90), POLL_MAX),
    ],
)
def test_it_asks_again_after_a_third_of_the_wait_within_bounds(wait, expected) -> None:
    assert poll_after(wait) == expected
