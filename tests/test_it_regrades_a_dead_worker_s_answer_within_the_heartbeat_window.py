"""A worker whose whole machine dies mid-grade (every process of it killed with
SIGKILL: nothing puts its message back, and its Redis visibility timeout is an hour
away) leaves a claim that stops beating. The sweep gives the answer to another
worker once the heartbeat is stale, and it is graded exactly once. A slow honest
grading, longer than the stale window, keeps beating and is never taken away."""

import os
import signal
import time

import pytest
from django.utils import timezone

from quizsite.grading import service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version
from tests.test_it_grades_through_a_real_worker import running_worker
from tests.workers import wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEAT = {"GRADER_HEARTBEAT_SECONDS": "1", "GRADER_STALE_AFTER_SECONDS": "4"}
SLOW = "import time\ntime.sleep({seconds})\n\ndef add(a, b):\n    return a + b\n"


def _sweep_until(predicate, *, timeout: float, what: str):
    """Run the sweep the way the beat does (every second here) until ``predicate``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        service.requeue_stuck(now=timezone.now())
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def test_it_regrades_once_when_the_heartbeat_stops():
    version = make_version("arith/add")
    with running_worker(**BEAT) as first:
        sub = submit_code(version, SLOW.format(seconds=6))
        running = wait_for(
            lambda: Submission.objects.filter(pk=sub.pk, status="running").first(),
            timeout=60,
            what="the first worker to claim it",
            worker=first,
        )
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool: the machine is gone
        first.wait()
        killed_at = time.monotonic()
    # Still claimed by the dead worker until its heartbeat is stale: not handed out early.
    assert Submission.objects.get(pk=sub.pk).claim_token == running.claim_token
    with running_worker(**BEAT) as second:
        done = _sweep_until(
            lambda: Submission.objects.filter(pk=sub.pk, status="graded").first(),
            timeout=60,
            what="another worker to grade it",
        )
        waited = time.monotonic() - killed_at
        assert second.poll() is None
    assert done.tries == 2  # the dead worker's claim, then exactly one more
    assert done.claimed_by != running.claimed_by
    assert done.score == 4.0
    print(f"graded again {waited:.1f} s after the worker died (stale after 4 s)")


def test_it_leaves_a_slow_honest_grading_with_its_worker():
    version = make_version("arith/add")
    with running_worker(**BEAT) as worker:
        sub = submit_code(version, SLOW.format(seconds=10))  # more than twice the stale window
        wait_for(
            lambda: Submission.objects.filter(pk=sub.pk, status="running").first(),
            timeout=60,
            what="the worker to claim it",
            worker=worker,
        )
        done = _sweep_until(
            lambda: Submission.objects.filter(pk=sub.pk, status="graded").first(),
            timeout=60,
            what="the worker to finish",
        )
    assert done.tries == 1  # never handed to anyone else
    assert done.score == 4.0
