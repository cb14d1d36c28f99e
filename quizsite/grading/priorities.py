"""Which answers are graded first: one rule, a pure function of the quiz's state and
``now``.

1. ``LIVE``: answers of a timed quiz's attempt, graded while the quiz runs or as it
   ends (``LIVE_AFTER_CUTOFF`` after the attempt's cutoff covers the timer's
   submission and a late beat). A class is looking at its results page.
2. ``NORMAL``: homework tries, staff previews, and answers sent without a quiz.
3. ``REGRADE``: answers graded again after a question was corrected, or one answer
   sent to the grader again by staff. Nobody is waiting on a page for them.

Each priority has a queue of its own on the broker (``queue_for``). Grading workers
consume their queues in this order (``CELERY_BROKER_TRANSPORT_OPTIONS``'s
``queue_order_strategy``), so a live answer goes before however many regrade
messages are in the broker; and regrades are consumed only by workers of their own
(``regrade_worker_queues``), which take a live answer first whenever they are free,
so a regrade never holds every grading process. The priority is stored on the
Submission, so a re-enqueue by the sweeper keeps it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum

from django.conf import settings

# An attempt's answers are graded as it ends: the student submits before the cutoff,
# the timer's sweep submits just after it. Later than this, nobody is waiting live.
LIVE_AFTER_CUTOFF = timedelta(minutes=15)


class Priority(IntEnum):
    """Lower goes first."""

    LIVE = 0
    NORMAL = 1
    REGRADE = 2

    @property
    def label(self) -> str:
        return {0: "Live quiz", 1: "Homework and previews", 2: "Regrade"}[self.value]


def priority_for(
    *, timed: bool | None, cutoff: datetime | None, regrade: bool, now: datetime
) -> Priority:
    """The priority of an answer sent to the grader at ``now``.

    ``timed``: the answer belongs to an attempt of a quiz with a time limit (None or
    False: homework, a preview, or no quiz at all); ``cutoff``: that attempt's deadline
    plus its grace; ``regrade``: staff sent an already graded answer again.
    """
    if regrade:
        return Priority.REGRADE
    if timed and cutoff is not None and now <= cutoff + LIVE_AFTER_CUTOFF:
        return Priority.LIVE
    return Priority.NORMAL


def queue_for(priority: int) -> str | None:
    """The broker queue of a priority's answers; None: Celery's default queue."""
    if priority == Priority.LIVE:
        return settings.GRADER_LIVE_QUEUE
    if priority == Priority.REGRADE:
        return settings.GRADER_REGRADE_QUEUE
    return None


def worker_queues() -> list[str]:
    """The queues a grading worker consumes, first to last: live answers, then the
    default queue (homework, previews and the site's other tasks). Never regrades: a
    live answer finds these workers free however long a regrade runs."""
    from celery import current_app

    return [settings.GRADER_LIVE_QUEUE, current_app.conf.task_default_queue]


def regrade_worker_queues() -> list[str]:
    """The queues a regrade worker consumes, first to last: the same, then regrades.
    When a quiz runs it takes live answers as soon as a regrade grading ends."""
    return [*worker_queues(), settings.GRADER_REGRADE_QUEUE]
