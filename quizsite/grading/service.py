"""Claiming, grading and storing one submission: the body of the Celery task, kept
as plain functions so tests can call them without a broker.

A worker claims a row with one conditional UPDATE and a random token; it stores the
result with another UPDATE that only matches while it still holds that token. So a
redelivered task never grades twice. While it grades, the worker renews the claim's
lease every few seconds (``heartbeat``); a worker that died mid-grade stops renewing,
and its claim goes stale within ``GRADER_STALE_AFTER_SECONDS`` (the sweep then
enqueues the row again) or, on the same host, is taken over at once."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from grader.sandbox import SandboxRun
from quizsite.grader_sandbox import configured_sandbox
from quizsite.grading import heartbeat, queues
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority
from quizsite.grading.signals import submission_finished

log = logging.getLogger(__name__)

Status = Submission.Status


class Outcome(StrEnum):
    DONE = "done"  # graded or error stored now
    SKIPPED = "skipped"  # already finished, or gone
    BUSY = "busy"  # another live worker holds it
    RETRY = "retry"  # grading failed on our side; try again later


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder_is_dead(claimed_by: str) -> bool:
    host, _, pid = claimed_by.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def claim(submission_id: int, *, me: str, now: datetime) -> str | None:
    """Take the row for grading; returns the claim token, or None if not ours to grade."""
    token = uuid.uuid4().hex
    fields = dict(
        status=Status.RUNNING,
        claim_token=token,
        claimed_by=me,
        lease_until=heartbeat.lease_from(now),
        started_at=now,
        tries=F("tries") + 1,
    )
    rows = Submission.objects.filter(pk=submission_id)
    if rows.filter(status=Status.QUEUED).update(**fields) == 1:
        return token
    if rows.filter(status=Status.RUNNING, lease_until__lt=now).update(**fields) == 1:
        return token
    held = rows.filter(status=Status.RUNNING).values_list("claim_token", "claimed_by").first()
    if held and _holder_is_dead(held[1]):
        # The worker process that claimed it was killed on this machine: take over now.
        if rows.filter(status=Status.RUNNING, claim_token=held[0]).update(**fields) == 1:
            return token
    return None


def _sandbox_runner() -> SandboxRun:
    return configured_sandbox()


def _question_for(submission: Submission):
    from quizsite.bank.versions import load_version

    question = load_version(submission.question_version)
    if submission.purpose == Submission.Purpose.VISIBLE_TESTS and question.code is not None:
        # A trial run: the visible tests only, no hidden ones and no checks.
        visible = tuple(t for t in question.code.tests if not t.hidden)
        question = replace(question, code=replace(question.code, tests=visible, checks=()))
    return question


def grade_submission(submission_id: int, *, me: str | None = None) -> Outcome:
    from grader import pipeline

    me = me or worker_id()
    now = timezone.now()
    token = claim(submission_id, me=me, now=now)
    if token is None:
        status = (
            Submission.objects.filter(pk=submission_id).values_list("status", flat=True).first()
        )
        return Outcome.BUSY if status in (Status.QUEUED, Status.RUNNING) else Outcome.SKIPPED
    # The parsed package is cached per process (``load_version``), keyed by the version's
    # id and content hash: its files are read from the database only on a miss, not
    # decoded from JSON at every grading.
    submission = (
        Submission.objects.select_related("question_version__question")
        .defer("question_version__files")
        .get(pk=submission_id)
    )
    if submission.tries > settings.GRADER_MAX_TRIES:
        # The claim counted this try before anything ran. A row that comes back with
        # more tries than that was claimed and never stored each time: its worker
        # process was killed (memory, the task's time limit, a crash) while grading
        # it. Grading it again would only kill another one, so staff get it instead.
        log.error("submission %s lost its worker %s times", submission_id, submission.tries - 1)
        detail = (
            f"grading never finished: the worker grading it was lost "
            f"{submission.tries - 1} times (killed, or ran out of memory or time)"
        )
        return _finish(submission, token, Status.ERROR, None, detail)
    try:
        question = _question_for(submission)
        with heartbeat.beating(submission_id, token):
            result = pipeline.grade(
                question, submission.code, sandbox=_sandbox_runner(), seed=submission.seed
            )
        data = result.as_dict()
        detail = "; ".join(result.errors)  # staff-only reasons, never in the result JSON
    except Exception as exc:  # a bug of ours or a broken stored question: never a student's zero
        log.exception("grading submission %s failed", submission_id)
        data = None
        detail = f"{type(exc).__name__}: {exc}"
    if data is None or data.get("status") == "error":
        detail = detail or "the grader reported an error"
        if submission.tries < settings.GRADER_MAX_TRIES:
            # Give the row back so a later try (or the sweeper) can take it.
            Submission.objects.filter(pk=submission_id, claim_token=token).update(
                status=Status.QUEUED,
                claim_token="",
                claimed_by="",
                lease_until=None,
                error_detail=detail[:2000],
                enqueued_at=timezone.now(),
            )
            return Outcome.RETRY
        return _finish(submission, token, Status.ERROR, data, detail)
    return _finish(submission, token, Status.GRADED, data, "")


def _finish(
    submission: Submission, token: str, status: str, data: dict | None, detail: str
) -> Outcome:
    """Store the result while our claim holds, then hand the stored row to the receivers
    (which put it on the answer) and mark it stored."""
    fields = dict(
        status=status,
        result=data,
        score=data.get("score") if data and status == Status.GRADED else None,
        max_score=data.get("max_score") if data else None,
        error_detail=detail[:2000],
        finished_at=timezone.now(),
        lease_until=None,
    )
    stored = Submission.objects.filter(
        pk=submission.pk, status=Status.RUNNING, claim_token=token
    ).update(**fields)
    if stored != 1:
        # Our lease ran out and another worker took the row: its result is the one kept.
        return Outcome.SKIPPED
    # The row is now exactly what was read at the claim plus these fields (the claim
    # token still ours): the receivers get it without reading it (and its result JSON)
    # back.
    for name, value in fields.items():
        setattr(submission, name, value)
    submission_finished.send(sender=Submission, submission=submission)
    # The receivers have put the result on the answer: the student's page shows it now.
    Submission.objects.filter(pk=submission.pk).update(stored_at=timezone.now())
    return Outcome.DONE


# Messages workers may have taken from the broker whose rows they have not claimed yet
# (at most one per pool process): the broker's count of a regrade queue may be this much
# below the database's without anything lost.
IN_FLIGHT = 20


def _queued_per_queue() -> dict[str, int]:
    """How many rows are queued for each broker queue (one query)."""
    counts: dict[str, int] = {}
    rows = (
        Submission.objects.filter(status=Status.QUEUED)
        .values_list("purpose", "priority")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for purpose, priority, n in rows:
        queue = queues.name_for(purpose, priority)
        counts[queue] = counts.get(queue, 0) + n
    return counts


def requeue_stuck(*, now: datetime) -> int:
    """Re-enqueue rows whose message was lost (``heartbeat.queued_is_lost``: their queue
    on the broker is empty, or they waited far too long) or whose worker died (its
    heartbeat went stale). The claim makes a duplicate message harmless, and every
    claim counts a try, so a row that keeps losing its worker ends in ``error``."""
    soonest = now - timedelta(seconds=settings.GRADER_LOST_AFTER_SECONDS)
    queued = Submission.objects.filter(status=Status.QUEUED, enqueued_at__lt=soonest)
    # Highest priority first: behind a backlog of thousands of regrades, a live answer
    # whose message was lost is still among the rows looked at in this sweep.
    queued = queued.order_by("priority", "enqueued_at")
    depth: dict[str, int | None] = {}
    found: dict[int, tuple[str, int]] = {}
    held = _queued_per_queue()
    rows = queued.values_list("pk", "purpose", "priority", "enqueued_at")[:500]
    for pk, purpose, priority, enqueued_at in rows:
        queue = queues.name_for(purpose, priority)
        if queue not in depth:
            depth[queue] = queues.waiting(queue)
        waiting = depth[queue]
        if priority == Priority.REGRADE and waiting and waiting + IN_FLIGHT >= held.get(queue, 0):
            # A regrade of thousands waits minutes by design; while the broker holds a
            # message for (nearly) every row queued there it is in line, not lost, and
            # sending its rows again after GRADER_REQUEUE_AFTER_SECONDS would only
            # double it. A loss smaller than IN_FLIGHT is found once the queue is empty
            # (an empty queue always goes to the rule below).
            continue
        # enqueued_at is set on every queued row (the filter above compares it).
        if enqueued_at is not None and heartbeat.queued_is_lost(
            enqueued_at, now, broker_waiting=waiting
        ):
            found[pk] = (purpose, priority)
    stale = Submission.objects.filter(status=Status.RUNNING, lease_until__lt=now)
    for pk, purpose, priority in stale.order_by("priority").values_list(
        "pk", "purpose", "priority"
    )[:500]:
        if stale.filter(pk=pk).update(
            status=Status.QUEUED, claim_token="", claimed_by="", lease_until=None
        ):
            found[pk] = (purpose, priority)
    Submission.objects.filter(pk__in=list(found)).update(enqueued_at=now)
    for pk, (purpose, priority) in found.items():
        queues.enqueue(pk, purpose, priority)
    return len(found)
