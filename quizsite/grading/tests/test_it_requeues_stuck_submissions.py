from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


@pytest.mark.django_db
def test_it_requeues_lost_and_abandoned_work_only(
    add_version, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    fresh = submit_code(add_version, "a = 1")
    lost = submit_code(add_version, "a = 2")
    abandoned = submit_code(add_version, "a = 3")
    working = submit_code(add_version, "a = 4")
    done = submit_code(add_version, "a = 5")
    old = now - timedelta(seconds=settings.GRADER_REQUEUE_AFTER_SECONDS + 1)
    Submission.objects.filter(pk=lost.pk).update(enqueued_at=old)
    Submission.objects.filter(pk=abandoned.pk).update(
        status="running", claim_token="t", lease_until=now - timedelta(seconds=1)
    )
    Submission.objects.filter(pk=working.pk).update(
        status="running", claim_token="t", lease_until=now + timedelta(seconds=60)
    )
    Submission.objects.filter(pk=done.pk).update(status="graded", enqueued_at=old)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert service.requeue_stuck(now=now) == 2
    assert len(callbacks) == 2
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: "queued",
        lost.pk: "queued",
        abandoned.pk: "queued",
        working.pk: "running",
        done.pk: "graded",
    }
