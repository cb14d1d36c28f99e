"""Through Redis and a real worker: a live quiz's answer sent while a backlog of
regrades is being graded is taken next, not after the backlog; and a live answer sent
before the worker starts is graded before any of the backlog."""

import contextlib

import pytest
from django.conf import settings
from django.db import connection

from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority
from quizsite.grading.tests.conftest import make_version
from tests.workers import new_queue, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REGRADE = "import time\ntime.sleep(0.3)\n\ndef add(a, b):\n    return a + b\n"
LIVE = "def add(a, b):\n    return a + b\n"
BACKLOG = 20


@contextlib.contextmanager
def priority_queues(settings_fixture):
    """Queues of this test's own for each priority, and a worker consuming them in the
    order production's workers do; started when the test asks."""
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs PostgreSQL and Redis at 127.0.0.1")
    from quizsite.celery import app

    base = new_queue()
    live, regrade = f"{base}-live", f"{base}-regrade"
    settings_fixture.GRADER_LIVE_QUEUE, settings_fixture.GRADER_REGRADE_QUEUE = live, regrade
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = base
    workers = []

    def start():
        workers.append(start_worker(f"{live},{base},{regrade}", concurrency=1))
        return workers[-1]

    try:
        yield start
    finally:
        app.conf.task_default_queue = previous
        for proc in workers:
            stop_worker(proc)


def _graded(pks) -> int:
    return Submission.objects.filter(pk__in=pks, status="graded").count()


def test_it_takes_a_live_answer_next_while_a_backlog_is_graded(settings):
    with priority_queues(settings) as start:
        version = make_version("arith/add")
        backlog = [
            submit_code(version, REGRADE, seed=i, priority=Priority.REGRADE).pk
            for i in range(BACKLOG)
        ]
        worker = start()
        wait_for(lambda: _graded(backlog) >= 2, timeout=60, what="regrades", worker=worker)
        before = _graded(backlog)
        live = submit_code(version, LIVE, priority=Priority.LIVE)
        done = wait_for(
            lambda: Submission.objects.filter(pk=live.pk, status="graded").first(),
            timeout=60,
            what="the live answer",
            worker=worker,
        )
        ahead = Submission.objects.filter(
            pk__in=backlog, status="graded", finished_at__lt=done.finished_at
        ).count()
        # At most the regrade the worker was grading when the live answer came.
        assert ahead <= before + 1
        assert ahead < BACKLOG // 2


def test_it_grades_a_live_answer_before_a_backlog_already_queued(settings):
    with priority_queues(settings) as start:
        version = make_version("arith/add")
        backlog = [
            submit_code(version, REGRADE, seed=i, priority=Priority.REGRADE).pk
            for i in range(BACKLOG)
        ]
        homework = submit_code(version, LIVE, priority=Priority.NORMAL)
        live = [submit_code(version, LIVE, seed=i, priority=Priority.LIVE).pk for i in range(3)]
        worker = start()
        wait_for(lambda: _graded(backlog) >= 1, timeout=60, what="regrades", worker=worker)
        order = list(
            Submission.objects.filter(status="graded")
            .order_by("finished_at")
            .values_list("pk", flat=True)
        )
        # In priority order, not in turns between the queues.
        assert order[:4] == [*live, homework.pk]
