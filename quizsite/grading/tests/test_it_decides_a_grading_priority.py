"""One rule decides which answers are graded first: a running timed quiz's, then
homework and previews, then regrades; tested a second either side of the end of
"running"."""

from datetime import UTC, datetime, timedelta

import pytest

from quizsite.grading.priorities import LIVE_AFTER_CUTOFF, Priority, priority_for, queue_for

CUTOFF = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
SECOND = timedelta(seconds=1)
END = CUTOFF + LIVE_AFTER_CUTOFF


@pytest.mark.parametrize(
    ("timed", "cutoff", "regrade", "now", "expected"),
    [
        (True, CUTOFF, False, CUTOFF - timedelta(minutes=20), Priority.LIVE),
        (True, CUTOFF, False, CUTOFF, Priority.LIVE),
        (True, CUTOFF, False, END - SECOND, Priority.LIVE),
        (True, CUTOFF, False, END, Priority.LIVE),
        (True, CUTOFF, False, END + SECOND, Priority.NORMAL),
        (False, CUTOFF, False, CUTOFF, Priority.NORMAL),  # homework
        (None, None, False, CUTOFF, Priority.NORMAL),  # a preview, no quiz
        (True, None, False, CUTOFF, Priority.NORMAL),  # a timed quiz without an attempt
        (True, CUTOFF, True, CUTOFF - SECOND, Priority.REGRADE),
        (False, None, True, CUTOFF, Priority.REGRADE),
    ],
)
def test_it_decides_the_priority_of_an_answer(timed, cutoff, regrade, now, expected):
    assert priority_for(timed=timed, cutoff=cutoff, regrade=regrade, now=now) is expected


def test_it_gives_each_priority_its_queue(settings):
    settings.GRADER_LIVE_QUEUE = "live-q"
    settings.GRADER_REGRADE_QUEUE = "regrade-q"
    assert [queue_for(p) for p in Priority] == ["live-q", None, "regrade-q"]
    assert [p.value for p in sorted(Priority)] == [0, 1, 2]  # lower goes first
