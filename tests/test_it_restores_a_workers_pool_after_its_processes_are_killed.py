"""A worker whose pool processes are killed mid-grade comes back to its full
concurrency, as its health check reports it, and grades what was lost."""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version
from quizsite.worker_health import pool_size
from tests.workers import new_queue, pool_children, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CONCURRENCY = 2
SLOW = "import time\ntime.sleep(3)\n\ndef add(a, b):\n    return a + b\n"


def _health_check(node: str) -> tuple[int, str]:
    """The container's health check, as it runs there: (exit status, what it printed)."""
    run = subprocess.run(
        [sys.executable, "-m", "quizsite.worker_health", node, "--timeout", "5"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, CELERY_BROKER_URL=settings.CELERY_BROKER_URL),
    )
    return run.returncode, run.stdout.strip()


def _all(subs, status: str) -> bool:
    return Submission.objects.filter(pk__in=[s.pk for s in subs], status=status).count() == len(
        subs
    )


@pytest.fixture
def worker():
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs PostgreSQL and Redis at 127.0.0.1")
    from quizsite.celery import app

    queue = new_queue()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    node = f"{queue}@localhost"
    proc = start_worker(queue, concurrency=CONCURRENCY, hostname=node)
    yield proc, node
    app.conf.task_default_queue = previous
    stop_worker(proc)


def test_it_restores_a_full_pool_after_its_processes_are_killed_mid_grade(worker):
    proc, node = worker
    size = wait_for(lambda: pool_size(node, timeout=2), timeout=60, what="the worker", worker=proc)
    assert size.full and len(size.processes) == CONCURRENCY
    assert _health_check("nobody@nowhere")[0] == 1
    version = make_version("arith/add")
    for _round in range(3):
        subs = [submit_code(version, SLOW, seed=i) for i in range(CONCURRENCY)]
        wait_for(
            lambda subs=subs: _all(subs, "running"),
            timeout=60,
            what="both pool processes to grade",
            worker=proc,
        )
        before = pool_children(proc)
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        size = wait_for(
            lambda before=before: (
                (s := pool_size(node, timeout=2)) and s.full and not set(s.processes) & before and s
            ),
            timeout=30,
            what="the pool to be full again",
            worker=proc,
        )
        assert set(size.processes) == pool_children(proc)
        assert _health_check(node) == (0, size.describe())
        wait_for(
            lambda subs=subs: _all(subs, "graded"),
            timeout=90,
            what="the lost grades to be redone",
            worker=proc,
        )
