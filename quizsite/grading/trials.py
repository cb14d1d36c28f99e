"""How much grading time a student's trial runs ("Run the visible tests") may take.

Trial runs are graded on a queue of their own (``GRADER_TRIAL_QUEUE``), so they never
delay submitted answers; this rule keeps one student from holding that queue's
workers: a student's trial runs may use at most ``budget`` of worker time in any
``window`` (a trial's ``finished_at - started_at``, or up to ``now`` while it runs).
The web side's rate limit bounds how many can be queued at once. A pure function of
the student's recent trial runs and ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class TrialSpan:
    started_at: datetime | None  # None while queued
    finished_at: datetime | None  # None while queued or running


def worker_seconds(spans: Iterable[TrialSpan], *, now: datetime, window: timedelta) -> float:
    """Worker time the trial runs took within the window that ends at ``now``."""
    since = now - window
    used = timedelta(0)
    for span in spans:
        if span.started_at is None:
            continue
        end = min(span.finished_at or now, now)
        start = max(span.started_at, since)
        if end > start:
            used += end - start
    return used.total_seconds()


def budget_used(
    spans: Iterable[TrialSpan], *, now: datetime, window: timedelta, budget: timedelta
) -> bool:
    """Whether the student has used the window's worker time (no new trial run now)."""
    return worker_seconds(spans, now=now, window=window) >= budget.total_seconds()
