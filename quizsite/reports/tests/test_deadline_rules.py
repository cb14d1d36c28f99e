from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from quizsite.reports.deadline import Timing, classify, pick_graded

DUE = datetime(2026, 3, 6, 4, 59, 0, tzinfo=UTC)
CUTOFF = DUE + timedelta(days=2)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "timing", "penalty"),
    [
        (DUE - SECOND, Timing.ON_TIME, 0),
        (DUE, Timing.ON_TIME, 0),
        (DUE + SECOND, Timing.LATE, 10),
        (CUTOFF - SECOND, Timing.LATE, 10),
        (CUTOFF, Timing.LATE, 10),
        (CUTOFF + SECOND, Timing.CLOSED, 0),
    ],
)
def test_it_decides_a_second_either_side_of_due_and_cut_off(now, timing, penalty):
    decision = classify(now, due=DUE, late_until=CUTOFF, late_penalty_percent=10)
    assert decision.timing is timing
    assert decision.penalty_percent == penalty
    assert decision.accepted is (timing is not Timing.CLOSED)


def test_it_refuses_a_second_after_due_without_a_cut_off():
    assert classify(DUE, due=DUE, late_until=None).timing is Timing.ON_TIME
    assert classify(DUE + SECOND, due=DUE, late_until=None).timing is Timing.CLOSED


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        classify(datetime(2026, 3, 6), due=DUE, late_until=None)


@dataclass
class V:
    pk: int
    received_at: datetime


def test_it_grades_the_last_version_at_or_before_due():
    versions = [V(1, DUE - 2 * SECOND), V(2, DUE), V(3, DUE + SECOND)]
    assert pick_graded(versions, due=DUE).pk == 2


def test_it_grades_the_last_late_version_when_none_is_on_time():
    versions = [V(4, DUE + 2 * SECOND), V(3, DUE + SECOND)]
    assert pick_graded(versions, due=DUE).pk == 4


def test_it_grades_the_version_staff_chose():
    versions = [V(1, DUE - SECOND), V(2, DUE + SECOND)]
    assert pick_graded(versions, due=DUE, chosen_pk=2).pk == 2
    assert pick_graded([], due=DUE) is None
