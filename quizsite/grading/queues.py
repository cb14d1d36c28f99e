"""The grading queues as the broker holds them: which queue a submission's message
goes to, and how many messages wait there."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.transport.redis import Channel as RedisChannel

from quizsite.grading import priorities
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority

log = logging.getLogger(__name__)


def queue_for(purpose: str, priority: int = Priority.NORMAL) -> str | None:
    """Trial runs have a queue (and workers) of their own: a student's code that sleeps
    in a trial run never delays anyone's submitted answer. Answers and previews go to
    their priority's queue (``priorities.queue_for``; None: Celery's default queue)."""
    if purpose == Submission.Purpose.VISIBLE_TESTS:
        return settings.GRADER_TRIAL_QUEUE
    return priorities.queue_for(priority)


def enqueue(submission_id: int, purpose: str, priority: int = Priority.NORMAL) -> None:
    # The task by its registered name (``GradingConfig.ready`` imports the tasks): the
    # tasks' module imports the grading service, which enqueues through here.
    grade_submission = current_app.tasks["grading.grade_submission"]
    queue = queue_for(purpose, priority)
    if queue is None:
        transaction.on_commit(lambda: grade_submission.delay(submission_id))
    else:
        transaction.on_commit(lambda: grade_submission.apply_async((submission_id,), queue=queue))


def name_for(purpose: str, priority: int) -> str:
    """The queue a submission of this purpose and priority is enqueued on."""
    return queue_for(purpose, priority) or current_app.conf.task_default_queue


def waiting(queue: str) -> int | None:
    """Messages waiting in ``queue`` (not those a worker has taken), or None when the
    broker cannot tell (not Redis, or not answering)."""
    try:
        with current_app.connection_for_read() as conn:
            if conn.transport.driver_type != "redis":
                return None
            channel = conn.default_channel
            if not isinstance(channel, RedisChannel):
                return None
            # kombu keeps one Redis list per priority step of a queue, named by its
            # channel's _q_for_pri (not in kombu's type stubs).
            steps = channel.priority_steps
            names = {channel._q_for_pri(queue, pri) for pri in steps}  # type: ignore[attr-defined]
            return sum(int(channel.client.llen(name)) for name in names)
    except Exception:  # the broker is down: the caller falls back to waiting longer
        log.warning("could not read the length of queue %s", queue, exc_info=True)
        return None
