"""End to end through the real services: a task goes through Redis to a Celery worker
process started here, and the grade lands in PostgreSQL. Then a worker killed with
SIGKILL mid-grade: the submission is still graded, exactly once."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from grader.django.actions import submit_code
from grader.django.models import Submission
from grader.django.tests.conftest import make_version

ROOT = Path(__file__).resolve().parent.parent

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

    # A queue of this test's own: no stale message of another test, or of another test
    # run on the same Redis, reaches this worker, and this worker takes nobody else's.
    assert not app.conf.task_always_eager, "an earlier test left Celery in eager mode"
    queue = f"itest-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        GRADER_SANDBOX="fake",
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        **extra_env,
    )
    command = [sys.executable, "-m", "celery", "-A", "quizsite", "worker", "--queues", queue]
    command += ["--concurrency", "1", "--pool", "prefork", "--without-gossip", "--without-mingle"]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        app.conf.task_default_queue = previous
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def worker():
    with running_worker() as proc:
        yield proc


def wait_for(predicate, *, timeout: float, what: str, worker=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    log = ""
    if worker is not None and worker.poll() is not None:
        log = worker.stdout.read()[-3000:]
    raise AssertionError(f"timed out waiting for {what}\n{log}")


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
