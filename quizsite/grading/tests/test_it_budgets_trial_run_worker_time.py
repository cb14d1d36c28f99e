"""A student's trial runs may use GRADER_TRIAL_SECONDS of worker time in any window of
GRADER_TRIAL_WINDOW_SECONDS: a pure rule of their recent runs and ``now``, checked a
second either side of each boundary."""

from datetime import UTC, datetime, timedelta

import pytest

from quizsite.grading.trials import TrialSpan, budget_used, worker_seconds

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)
BUDGET = timedelta(seconds=60)
SINCE = NOW - WINDOW
S = timedelta(seconds=1)


def ran(start: datetime, seconds: float) -> TrialSpan:
    return TrialSpan(start, start + timedelta(seconds=seconds))


@pytest.mark.parametrize(
    ("spans", "used"),
    [
        ([ran(SINCE - 30 * S, 29)], 0.0),  # finished a second before the window
        ([ran(SINCE - 30 * S, 30)], 0.0),  # finished as the window starts
        ([ran(SINCE - 30 * S, 31)], 1.0),  # a second of it inside the window
        ([ran(SINCE + S, 10)], 10.0),
        ([TrialSpan(NOW - 5 * S, None)], 5.0),  # running: counted up to now
        ([TrialSpan(None, None)], 0.0),  # queued: no worker time yet
        ([ran(NOW - 20 * S, 10), ran(NOW - 9 * S, 4)], 14.0),
    ],
)
def test_it_counts_the_worker_time_inside_the_window(spans, used):
    assert worker_seconds(spans, now=NOW, window=WINDOW) == used


@pytest.mark.parametrize(("seconds", "refused"), [(59, False), (60, True), (61, True)])
def test_it_refuses_once_the_budget_is_used(seconds, refused):
    spans = [ran(NOW - 100 * S, seconds / 2), ran(NOW - 50 * S, seconds / 2)]
    assert budget_used(spans, now=NOW, window=WINDOW, budget=BUDGET) is refused


@pytest.mark.parametrize(("age", "refused"), [(WINDOW - S, True), (WINDOW + S, False)])
def test_it_gives_the_time_back_as_the_window_moves_on(age, refused):
    # 60 s of trial runs that started `age` ago: all of it inside the window, or a
    # second of it already out.
    spans = [ran(NOW - age, 60)]
    assert budget_used(spans, now=NOW, window=WINDOW, budget=BUDGET) is refused
