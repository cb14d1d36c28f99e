"""Trial runs go to a queue of their own, so a student's sleeping trial run never
holds a worker that a submitted answer is waiting for; a re-enqueued row keeps its
queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import service, tasks
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


@pytest.fixture
def sent(monkeypatch):
    queues: list[tuple[int, str | None]] = []

    def apply_async(args, queue):
        queues.append((args[0], queue))

    monkeypatch.setattr(tasks.grade_submission, "apply_async", apply_async)
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda pk: queues.append((pk, None)))
    return queues


@pytest.mark.django_db
def test_it_sends_trial_runs_to_the_trial_queue(
    add_version, settings, sent, django_capture_on_commit_callbacks
):
    settings.GRADER_TRIAL_QUEUE = "trials-q"
    with django_capture_on_commit_callbacks(execute=True):
        answer = submit_code(add_version, "a = 1")
        trial = submit_code(add_version, "a = 2", purpose=Submission.Purpose.VISIBLE_TESTS)
        preview = submit_code(add_version, "a = 3", purpose=Submission.Purpose.PREVIEW)
    assert sent == [(answer.pk, None), (trial.pk, "trials-q"), (preview.pk, None)]


@pytest.mark.django_db
def test_it_requeues_a_lost_trial_run_on_the_trial_queue(
    add_version, settings, sent, django_capture_on_commit_callbacks
):
    settings.GRADER_TRIAL_QUEUE = "trials-q"
    with django_capture_on_commit_callbacks(execute=False):
        answer = submit_code(add_version, "a = 1")
        trial = submit_code(add_version, "a = 2", purpose=Submission.Purpose.VISIBLE_TESTS)
    now = timezone.now()
    old = now - timedelta(seconds=settings.GRADER_REQUEUE_AFTER_SECONDS + 1)
    Submission.objects.update(enqueued_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.requeue_stuck(now=now) == 2
    assert sorted(sent) == [(answer.pk, None), (trial.pk, "trials-q")]
