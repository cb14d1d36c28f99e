"""A grading in progress says it is alive: the claim's lease is renewed every
``GRADER_HEARTBEAT_SECONDS`` by a thread of the worker process that grades (never by
the sandbox child, whose code is the student's), to ``GRADER_STALE_AFTER_SECONDS``
from now. A grading that takes minutes keeps its claim for as long as its worker
lives; a worker that dies (killed, its machine lost) stops renewing, and the sweeper
(``service.requeue_stuck``, on the beat) hands the row to another worker once the
lease has run out: within the stale window plus one sweep, not a fixed lease sized
for the slowest honest grading.

A queued row whose message the broker lost (a Redis restart) is enqueued again by the
same sweep once its queue is seen empty (``queued_is_lost``).

The rules are pure functions of ``now``; ``beating`` is the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)


def lease_from(now: datetime) -> datetime:
    """Until when a claim made or renewed at ``now`` holds without another heartbeat."""
    return now + timedelta(seconds=settings.GRADER_STALE_AFTER_SECONDS)


def is_stale(lease_until: datetime | None, now: datetime) -> bool:
    """A running claim whose last heartbeat is older than the stale window."""
    return lease_until is not None and lease_until < now


def queued_is_lost(enqueued_at: datetime, now: datetime, *, broker_waiting: int | None) -> bool:
    """Whether a queued row's message is taken to be lost, so it is enqueued again.

    Its queue on the broker is empty (``broker_waiting == 0``) yet it has waited more
    than GRADER_LOST_AFTER_SECONDS (a Redis restart dropped the messages), or it has
    waited more than GRADER_REQUEUE_AFTER_SECONDS whatever the broker says (``None``:
    a broker that cannot tell). A long queue that is still being worked through is
    never duplicated early: its messages are there.
    """
    waited = now - enqueued_at
    if waited > timedelta(seconds=settings.GRADER_REQUEUE_AFTER_SECONDS):
        return True
    return broker_waiting == 0 and waited > timedelta(seconds=settings.GRADER_LOST_AFTER_SECONDS)


def renew(submission_id: int, token: str, now: datetime) -> bool:
    """Renew our claim; False when it is no longer ours (taken over or finished)."""
    from quizsite.grading.models import Submission

    rows = Submission.objects.filter(
        pk=submission_id, status=Submission.Status.RUNNING, claim_token=token
    )
    return rows.update(lease_until=lease_from(now)) == 1


@contextmanager
def beating(submission_id: int, token: str) -> Iterator[None]:
    """Renew the claim every GRADER_HEARTBEAT_SECONDS while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.GRADER_HEARTBEAT_SECONDS):
                try:
                    if not renew(submission_id, token, timezone.now()):
                        return  # not ours any more: storing the result will say so
                except Exception:  # a database blip: the next beat tries again
                    log.warning("heartbeat of submission %s failed", submission_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{submission_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
