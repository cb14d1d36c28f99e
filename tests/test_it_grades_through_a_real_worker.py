"""End to end through the real services: a task goes through Redis to a Celery worker
process started here, and the grade lands in PostgreSQL. Then a worker killed with
SIGKILL mid-grade: the submission is still graded, exactly once."""

import contextlib
import os
import signal

import pytest
from django.conf import settings
from django.db import connection

from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version
from tests.workers import new_queue, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _services_or_skip() -> None:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip(
            "needs PostgreSQL and Redis at 127.0.0.1 (the test command uses them when they answer)"
        )


@contextlib.contextmanager
def running_worker(**extra_env: str):
    """A Celery worker process (one pool process, the fake sandbox) on a queue of its own."""
    _services_or_skip()
    from quizsite.celery import app

    assert not app.conf.task_always_eager, "an earlier test left Celery in eager mode"
    queue = new_queue()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    proc = start_worker(queue, concurrency=1, extra_env=extra_env)
    try:
        yield proc
    finally:
        app.conf.task_default_queue = previous
        stop_worker(proc)


@pytest.fixture
def worker():
    with running_worker() as proc:
        yield proc


def test_it_grades_through_redis_and_a_worker_into_postgres(worker):
    version = make_version("arith/add")
    sub = submit_code(version, "def add(a, b):\n    return a + b\n", seed=3)
    done = wait_for(
        lambda: Submission.objects.filter(pk=sub.pk, status="graded").first(),
        timeout=60,
        what="the worker to grade",
        worker=worker,
    )
    assert done.score == done.max_score == 4.0
    assert done.claimed_by and done.tries == 1


def test_it_grades_exactly_once_after_a_worker_is_killed_mid_grade(worker):
    version = make_version("arith/add")
    slow = "import time\ntime.sleep(4)\n\ndef add(a, b):\n    return a + b\n"
    sub = submit_code(version, slow)
    running = wait_for(
        lambda: Submission.objects.filter(pk=sub.pk, status="running").first(),
        timeout=60,
        what="a worker to claim it",
        worker=worker,
    )
    pid = int(running.claimed_by.rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)  # the pool process dies mid-grade

    done = wait_for(
        lambda: Submission.objects.filter(pk=sub.pk, status="graded").first(),
        timeout=90,
        what="the redelivered grade",
        worker=worker,
    )
    assert done.tries == 2  # claimed by the killed process, then once more
    assert done.claimed_by != running.claimed_by
    assert done.score == 4.0
