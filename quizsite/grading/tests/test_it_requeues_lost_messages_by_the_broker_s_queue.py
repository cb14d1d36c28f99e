"""The sweep enqueues a queued row again once its queue on the broker is seen empty
(a Redis restart lost its message), but never duplicates a long queue still in line."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import queues, service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


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
