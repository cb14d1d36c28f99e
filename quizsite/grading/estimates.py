"""How long a student waits for a grade: an honest estimate, never a made-up number.

The estimate is the answers queued ahead of the student's (at its priority or a
higher one: ``priorities``) shared among the worker processes that graded in the
last few minutes, plus the student's own grading, times the median of those recent
grading times. With no grading in that window there is nothing to measure from, and
the page says so instead of guessing. ``estimate``, ``describe`` and ``poll_after``
are pure; ``wait_for`` reads the three figures from the database, one query each.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

# Gradings finished within this window are "recent": the median and the worker count
# come from them. Older ones may have run on other workers, or other questions.
RECENT = timedelta(minutes=10)
RECENT_ROWS = 100

# Every sentence a student reads about the wait.
EXPECTED = "Expected wait: {wait}{ahead}."
AHEAD_ONE = " (1 answer ahead of yours)"
AHEAD_MANY = " ({n} answers ahead of yours)"
NO_DATA = (
    "No answers were graded in the last {minutes} minutes, so there is no estimate of "
    "the wait yet{ahead}."
)
NO_DATA_AHEAD_ONE = "; 1 answer is ahead of yours"
NO_DATA_AHEAD_MANY = "; {n} answers are ahead of yours"


@dataclass(frozen=True)
class Wait:
    seconds: float | None  # None: no recent grading to estimate from
    ahead: int  # answers queued ahead of the student's


def estimate(
    *, ahead: int, recent_runs: Sequence[float], workers: int, running_for: float | None
) -> Wait:
    """The wait for one answer.

    ``ahead``: answers queued before it at its priority or a higher one;
    ``recent_runs``: seconds the recent gradings ran; ``workers``: worker processes
    seen grading recently; ``running_for``: seconds since a worker took this answer
    (None while it is queued).
    """
    if not recent_runs:
        return Wait(seconds=None, ahead=ahead)
    typical = statistics.median(recent_runs)
    if running_for is not None:
        return Wait(seconds=max(typical - running_for, 0.0), ahead=0)
    return Wait(seconds=(ahead / max(workers, 1) + 1) * typical, ahead=ahead)


# How soon a waiting page asks again: a third of the expected wait, within these
# bounds (seconds). Near the end of the wait it asks every 2 s; a class of 2,000
# waiting a minute or more asks about 130 times a second rather than 1,000.
POLL_MIN = 2.0
POLL_MAX = 15.0


def poll_after(wait: Wait | None) -> float:
    """Seconds until a page waiting for ``wait`` asks again (None: nothing to wait
    for, or no estimate: the shortest)."""
    if wait is None or wait.seconds is None:
        return POLL_MIN
    return round(min(POLL_MAX, max(POLL_MIN, wait.seconds / 3)), 1)


def _rounded(seconds: float) -> str:
    """ "about 20 s", "about 3 min": no more precision than the estimate has."""
    if seconds < 57.5:
        return f"about {max(5, 5 * math.floor(seconds / 5 + 0.5))} s"
    minutes = max(1, math.floor(seconds / 60 + 0.5))
    if minutes < 60:
        return f"about {minutes} min"
    return "more than an hour"


def describe(wait: Wait) -> str:
    """The sentence shown while the student waits."""
    if wait.seconds is None:
        ahead = ""
        if wait.ahead == 1:
            ahead = NO_DATA_AHEAD_ONE
        elif wait.ahead > 1:
            ahead = NO_DATA_AHEAD_MANY.format(n=wait.ahead)
        return NO_DATA.format(minutes=int(RECENT.total_seconds() // 60), ahead=ahead)
    ahead = ""
    if wait.ahead == 1:
        ahead = AHEAD_ONE
    elif wait.ahead > 1:
        ahead = AHEAD_MANY.format(n=wait.ahead)
    return EXPECTED.format(wait=_rounded(wait.seconds), ahead=ahead)


def wait_for(submission_ids: Iterable[int] | QuerySet, *, now: datetime) -> Wait | None:
    """The wait until the last of these submissions is graded (ids, or a subquery of
    them); None when none of them is waiting any more."""
    from django.db.models import Q

    from quizsite.grading.models import Submission

    Status = Submission.Status
    rows = list(
        Submission.objects.filter(
            pk__in=submission_ids, status__in=(Status.QUEUED, Status.RUNNING)
        ).values_list("status", "priority", "created_at", "started_at")
    )
    if not rows:
        return None
    queued = [r for r in rows if r[0] == Status.QUEUED]
    if queued:
        # The one graded last: the lowest priority, and the latest sent within it.
        _, priority, created_at, _ = max(queued, key=lambda r: (r[1], r[2]))
        ahead = (
            Submission.objects.filter(status=Status.QUEUED)
            .exclude(purpose=Submission.Purpose.VISIBLE_TESTS)  # on a queue of their own
            .filter(Q(priority__lt=priority) | Q(priority=priority, created_at__lt=created_at))
            .count()
        )
        running_for = None
    else:
        # All are being graded: the one started last is the one to wait for.
        started = max((r[3] for r in rows if r[3] is not None), default=now)
        ahead, running_for = 0, (now - started).total_seconds()
    recent = list(
        Submission.objects.filter(
            status=Status.GRADED, finished_at__gte=now - RECENT, started_at__isnull=False
        )
        .exclude(purpose=Submission.Purpose.VISIBLE_TESTS)  # graded by other workers
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "claimed_by")[:RECENT_ROWS]
    )
    runs = [
        (finished - started).total_seconds()
        for started, finished, _ in recent
        if started is not None and finished is not None  # both set once graded (filter)
    ]
    workers = len({by for _, _, by in recent})
    return estimate(ahead=ahead, recent_runs=runs, workers=workers, running_for=running_for)
