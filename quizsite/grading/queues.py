"""The grading queues as the broker holds them: which queue a submission's message
goes to, and how many messages wait there."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def name_for(purpose: str, priority: int) -> str:
    """The queue a submission of this purpose and priority is enqueued on."""
    from celery import current_app

    from quizsite.grading.actions import queue_for

    return queue_for(purpose, priority) or current_app.conf.task_default_queue


def waiting(queue: str) -> int | None:
    """Messages waiting in ``queue`` (not those a worker has taken), or None when the
    broker cannot tell (not Redis, or not answering)."""
    from celery import current_app

    try:
        with current_app.connection_for_read() as conn:
            if conn.transport.driver_type != "redis":
                return None
            channel = conn.default_channel
            # kombu keeps one Redis list per priority step of a queue.
            names = {channel._q_for_pri(queue, pri) for pri in channel.priority_steps}
            return sum(int(channel.client.llen(name)) for name in names)
    except Exception:  # the broker is down: the caller falls back to waiting longer
        log.warning("could not read the length of queue %s", queue, exc_info=True)
        return None
