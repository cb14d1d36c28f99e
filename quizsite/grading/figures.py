"""What staff see of the grading queue: its depth per priority, the oldest answer
waiting, and the time spent in each phase over the last hour. One query per figure.

Phases of a submission: queued from ``created_at`` (sent to the grader) to
``started_at`` (the claim that graded it), running to ``finished_at`` (the result
written on the submission), stored to ``stored_at`` (the result put on the answer and
the attempt's score, so the student's page shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q

from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority

WINDOW = timedelta(hours=1)
Status = Submission.Status


@dataclass(frozen=True)
class Depth:
    priority: Priority
    queued: int
    running: int


@dataclass(frozen=True)
class Oldest:
    priority: Priority
    purpose: str
    waited: timedelta


@dataclass(frozen=True)
class Phase:
    average: timedelta | None
    longest: timedelta | None


@dataclass(frozen=True)
class Phases:
    priority: Priority
    finished: int
    queued: Phase
    running: Phase
    stored: Phase


def queue_depth() -> list[Depth]:
    """Answers queued and running, per priority (every priority, zeros included)."""
    counts = (
        Submission.objects.filter(status__in=(Status.QUEUED, Status.RUNNING))
        .exclude(purpose=Submission.Purpose.VISIBLE_TESTS)
        .values("priority")
        .annotate(
            queued=Count("pk", filter=Q(status=Status.QUEUED)),
            running=Count("pk", filter=Q(status=Status.RUNNING)),
        )
    )
    found: dict[int, tuple[int, int]] = {
        row["priority"]: (row["queued"], row["running"]) for row in counts
    }
    return [Depth(p, *found.get(p, (0, 0))) for p in Priority]


def oldest_waiting(*, now: datetime) -> Oldest | None:
    """The answer that has waited longest for a worker, of any priority."""
    row = (
        Submission.objects.filter(status=Status.QUEUED)
        .exclude(purpose=Submission.Purpose.VISIBLE_TESTS)
        .order_by("created_at")
        .values_list("priority", "purpose", "created_at")
        .first()
    )
    if row is None:
        return None
    return Oldest(Priority(row[0]), row[1], max(now - row[2], timedelta(0)))


def _span(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def phases(*, now: datetime) -> list[Phases]:
    """Average and longest time in each phase of the answers that finished within the
    last hour, per priority (priorities with none are left out)."""
    rows = (
        Submission.objects.filter(finished_at__gte=now - WINDOW, started_at__isnull=False)
        .exclude(purpose=Submission.Purpose.VISIBLE_TESTS)
        .values("priority")
        .annotate(
            finished=Count("pk"),
            queued_avg=Avg(_span("created_at", "started_at")),
            queued_max=Max(_span("created_at", "started_at")),
            running_avg=Avg(_span("started_at", "finished_at")),
            running_max=Max(_span("started_at", "finished_at")),
            stored_avg=Avg(_span("finished_at", "stored_at")),
            stored_max=Max(_span("finished_at", "stored_at")),
        )
        .order_by("priority")
    )
    return [
        Phases(
            priority=Priority(row["priority"]),
            finished=row["finished"],
            queued=Phase(row["queued_avg"], row["queued_max"]),
            running=Phase(row["running_avg"], row["running_max"]),
            stored=Phase(row["stored_avg"], row["stored_max"]),
        )
        for row in rows
    ]
