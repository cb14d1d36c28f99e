"""The sweep enqueues a queued row again once its queue on the broker is seen empty
(a Redis restart lost its message), but never duplicates a long queue still in line."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import queues, service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority


@pytest.mark.django_db
@pytest.mark.parametrize(("broker_waiting", "requeued"), [(0, 1), (7, 0), (None, 0)])
def test_it_requeues_a_message_the_broker_no_longer_holds(
    add_version, settings, monkeypatch, django_capture_on_commit_callbacks, broker_waiting, requeued
):
    monkeypatch.setattr(queues, "waiting", lambda queue: broker_waiting)
    now = timezone.now()
    sub = submit_code(add_version, "a = 1")
    waited = now - timedelta(seconds=settings.GRADER_LOST_AFTER_SECONDS + 1)
    Submission.objects.filter(pk=sub.pk).update(enqueued_at=waited)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert service.requeue_stuck(now=now) == requeued
    assert len(callbacks) == requeued
    sub.refresh_from_db()
    assert sub.enqueued_at == (now if requeued else waited)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("broker_waiting", "requeued"), [(30, 0), (31, 0), (10, 0), (9, 30), (0, 30)]
)
def test_it_never_doubles_a_regrade_backlog_the_broker_still_holds(
    add_version, settings, monkeypatch, django_capture_on_commit_callbacks, broker_waiting, requeued
):
    """A regrade of thousands waits longer than GRADER_REQUEUE_AFTER_SECONDS: while the
    broker holds a message for each of its rows (but the few workers have just taken),
    none is sent again; with fewer, some were lost, and the long bound sends them
    again."""
    assert service.IN_FLIGHT == 20
    monkeypatch.setattr(queues, "waiting", lambda queue: broker_waiting)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(30):
            submit_code(add_version, f"a = {i}", priority=Priority.REGRADE)
    waited = now - timedelta(seconds=settings.GRADER_REQUEUE_AFTER_SECONDS + 1)
    Submission.objects.update(enqueued_at=waited)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert service.requeue_stuck(now=now) == requeued
    assert len(callbacks) == requeued
