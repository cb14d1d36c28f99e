"""A student waiting for a grade reads an honest estimate: the queue ahead of the
answer at its priority, shared among the workers seen grading, times the recent
grading time; with no recent grading it says there is no estimate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import estimates
from quizsite.grading.actions import submit_code
from quizsite.grading.estimates import Wait, describe, estimate
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority


@pytest.mark.parametrize(
    ("ahead", "runs", "workers", "running_for", "expected"),
    [
        (0, [], 2, None, Wait(None, 0)),
        (12, [], 2, None, Wait(None, 12)),
        (0, [2.0], 1, None, Wait(2.0, 0)),
        (10, [1.0, 2.0, 30.0], 2, None, Wait(12.0, 10)),  # the median, not the mean
        (10, [2.0], 0, None, Wait(22.0, 10)),  # never divided by zero
        (3, [4.0], 1, 1.5, Wait(2.5, 0)),  # being graded: what is left of a typical run
        (3, [4.0], 1, 9.0, Wait(0.0, 0)),
    ],
)
def test_it_estimates_from_the_queue_and_recent_gradings(
    ahead, runs, workers, running_for, expected
):
    got = estimate(ahead=ahead, recent_runs=runs, workers=workers, running_for=running_for)
    assert got == expected


@pytest.mark.parametrize(
    ("wait", "text"),
    [
        (Wait(0.0, 0), "Expected wait: about 5 s."),
        (Wait(17.4, 1), "Expected wait: about 15 s (1 answer ahead of yours)."),
        (Wait(17.5, 3), "Expected wait: about 20 s (3 answers ahead of yours)."),
        (Wait(57.4, 0), "Expected wait: about 55 s."),
        (Wait(57.5, 0), "Expected wait: about 1 min."),
        (Wait(149.0, 0), "Expected wait: about 2 min."),
        (Wait(151.0, 0), "Expected wait: about 3 min."),
        (Wait(3569.0, 0), "Expected wait: about 59 min."),
        (Wait(3571.0, 0), "Expected wait: more than an hour."),
        (
            Wait(None, 0),
            "No answers were graded in the last 10 minutes, so there is no estimate of "
            "the wait yet.",
        ),
        (
            Wait(None, 4),
            "No answers were graded in the last 10 minutes, so there is no estimate of "
            "the wait yet; 4 answers are ahead of yours.",
        ),
    ],
)
def test_it_says_the_wait_plainly(wait, text):
    assert describe(wait) == text


def _graded(version, *, seconds: float, by: str, finished_ago: timedelta, now):
    sub = submit_code(version, "a = 1")
    finished = now - finished_ago
    Submission.objects.filter(pk=sub.pk).update(
        status="graded",
        started_at=finished - timedelta(seconds=seconds),
        finished_at=finished,
        claimed_by=by,
    )


@pytest.mark.django_db
def test_it_counts_only_the_queue_ahead_at_the_answer_s_priority(
    add_version, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(4):
            submit_code(add_version, "a = 1", priority=Priority.LIVE)
        for _ in range(50):
            submit_code(add_version, "a = 1", priority=Priority.REGRADE)
        mine = submit_code(add_version, "a = 1", priority=Priority.LIVE)
        submit_code(add_version, "a = 1", priority=Priority.LIVE)  # behind it
        _graded(add_version, seconds=3.0, by="w1:1", finished_ago=timedelta(minutes=1), now=now)
        _graded(add_version, seconds=3.0, by="w2:1", finished_ago=timedelta(minutes=2), now=now)
        # Too old to be recent: a much slower grading is not in the median.
        _graded(
            add_version,
            seconds=300.0,
            by="w3:1",
            finished_ago=estimates.RECENT + timedelta(seconds=1),
            now=now,
        )
    with django_assert_max_num_queries(3):
        wait = estimates.wait_for([mine.pk], now=now)
    assert wait == Wait(seconds=(4 / 2 + 1) * 3.0, ahead=4)
    assert describe(wait) == "Expected wait: about 10 s (4 answers ahead of yours)."


@pytest.mark.django_db
def test_it_has_no_estimate_without_recent_gradings(
    add_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        mine = submit_code(add_version, "a = 1", priority=Priority.LIVE)
    wait = estimates.wait_for([mine.pk], now=timezone.now())
    assert wait == Wait(seconds=None, ahead=0)


@pytest.mark.django_db
def test_it_has_nothing_to_estimate_once_graded(add_version, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        mine = submit_code(add_version, "a = 1")
    Submission.objects.filter(pk=mine.pk).update(status="graded")
    assert estimates.wait_for([mine.pk], now=timezone.now()) is None


@pytest.mark.django_db
def test_it_waits_for_the_grading_started_last(add_version, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        first = submit_code(add_version, "a = 1", priority=Priority.LIVE)
        last = submit_code(add_version, "a = 2", priority=Priority.LIVE)
        _graded(add_version, seconds=10.0, by="w1:1", finished_ago=timedelta(minutes=1), now=now)
    Submission.objects.filter(pk=first.pk).update(
        status="running", started_at=now - timedelta(seconds=8)
    )
    Submission.objects.filter(pk=last.pk).update(
        status="running", started_at=now - timedelta(seconds=3)
    )
    assert estimates.wait_for([first.pk, last.pk], now=now) == Wait(seconds=7.0, ahead=0)
