"""Each priority's answers go to their own queue, and the priority is kept on the row,
so the sweep enqueues a lost message again on the same queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import service, tasks
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority


@pytest.fixture
def sent(monkeypatch, settings):
    settings.GRADER_LIVE_QUEUE = "live-q"
    settings.GRADER_REGRADE_QUEUE = "regrade-q"
    queues: list[tuple[int, str | None]] = []

    def apply_async(args, queue):
        queues.append((args[0], queue))

    monkeypatch.setattr(tasks.grade_submission, "apply_async", apply_async)
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda pk: queues.append((pk, None)))
    return queues


@pytest.mark.django_db
def test_it_sends_each_priority_to_its_queue(add_version, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        regrade = submit_code(add_version, "a = 1", priority=Priority.REGRADE)
        homework = submit_code(add_version, "a = 2", priority=Priority.NORMAL)
        live = submit_code(add_version, "a = 3", priority=Priority.LIVE)
    assert sent == [(regrade.pk, "regrade-q"), (homework.pk, None), (live.pk, "live-q")]
    stored = dict(Submission.objects.values_list("pk", "priority"))
    assert stored == {regrade.pk: 2, homework.pk: 1, live.pk: 0}


@pytest.mark.django_db
def test_it_requeues_a_lost_message_on_its_priority_s_queue(
    add_version, settings, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        live = submit_code(add_version, "a = 1", priority=Priority.LIVE)
        regrade = submit_code(add_version, "a = 2", priority=Priority.REGRADE)
    now = timezone.now()
    old = now - timedelta(seconds=settings.GRADER_REQUEUE_AFTER_SECONDS + 1)
    Submission.objects.update(enqueued_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.requeue_stuck(now=now) == 2
    assert sorted(sent) == sorted([(live.pk, "live-q"), (regrade.pk, "regrade-q")])


@pytest.mark.django_db
def test_it_sweeps_live_answers_first_behind_a_regrade_backlog(
    add_version, settings, sent, monkeypatch, django_capture_on_commit_callbacks
):
    from quizsite.grading import queues

    monkeypatch.setattr(queues, "waiting", lambda queue: 0)  # the broker lost them all
    with django_capture_on_commit_callbacks(execute=False):
        backlog = [
            submit_code(add_version, f"a = {i}", priority=Priority.REGRADE) for i in range(501)
        ]
        live = submit_code(add_version, "a = 1", priority=Priority.LIVE)
    now = timezone.now()
    Submission.objects.update(enqueued_at=now - timedelta(seconds=60))
    with django_capture_on_commit_callbacks(execute=True):
        # One sweep looks at 500 rows: the live answer is among them, though it came last.
        assert service.requeue_stuck(now=now) == 500
    assert (live.pk, "live-q") in sent
    assert len(backlog) == 501
