import pytest
from django.utils import timezone

from quizsite.grading import service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished

RIGHT = "def add(a, b):\n    return a + b\n"
WRONG = "def add(a, b):\n    return a - b\n"


@pytest.fixture
def finished():
    seen = []

    def receiver(sender, submission, **kwargs):
        seen.append(submission.pk)

    submission_finished.connect(receiver)
    yield seen
    submission_finished.disconnect(receiver)


@pytest.mark.django_db
def test_it_grades_and_stores_the_result(
    add_version, fake_sandbox, finished, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sub = submit_code(add_version, RIGHT, seed=7)
    assert len(callbacks) == 1  # enqueued only after commit
    assert service.grade_submission(sub.pk, me="test:1") is service.Outcome.DONE
    sub.refresh_from_db()
    assert sub.status == Submission.Status.GRADED
    assert sub.score == sub.max_score == 4.0
    assert sub.result["status"] == "graded" and sub.tries == 1
    assert finished == [sub.pk]


@pytest.mark.django_db
def test_it_never_grades_a_redelivered_task_twice(add_version, fake_sandbox, finished):
    sub = submit_code(add_version, WRONG)
    assert service.grade_submission(sub.pk, me="test:1") is service.Outcome.DONE
    assert service.grade_submission(sub.pk, me="test:2") is service.Outcome.SKIPPED
    sub.refresh_from_db()
    assert sub.tries == 1 and sub.score == 0.0
    assert finished == [sub.pk]


@pytest.mark.django_db
def test_it_leaves_a_live_claim_alone(add_version, fake_sandbox):
    sub = submit_code(add_version, RIGHT)
    assert service.claim(sub.pk, me="elsewhere:1", now=timezone.now())
    assert service.grade_submission(sub.pk, me="test:2") is service.Outcome.BUSY


@pytest.mark.django_db
def test_it_takes_over_a_claim_whose_process_died_on_this_host(add_version, fake_sandbox):
    import socket
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    sub = submit_code(add_version, RIGHT)
    assert service.claim(sub.pk, me=f"{socket.gethostname()}:{dead.pid}", now=timezone.now())
    assert service.grade_submission(sub.pk, me="test:2") is service.Outcome.DONE
    sub.refresh_from_db()
    assert sub.status == Submission.Status.GRADED and sub.tries == 2


@pytest.mark.django_db
def test_it_keeps_only_the_first_result_when_a_lease_was_lost(add_version, fake_sandbox, finished):
    sub = submit_code(add_version, RIGHT)
    first = service.claim(sub.pk, me="a:1", now=timezone.now())
    Submission.objects.filter(pk=sub.pk).update(
        lease_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    second = service.claim(sub.pk, me="b:1", now=timezone.now())
    assert first and second and first != second
    assert (
        service._finish(sub, second, Submission.Status.GRADED, {"score": 4.0, "max_score": 4.0}, "")
        is service.Outcome.DONE
    )
    assert (
        service._finish(sub, first, Submission.Status.GRADED, {"score": 0.0, "max_score": 4.0}, "")
        is service.Outcome.SKIPPED
    )
    sub.refresh_from_db()
    assert sub.score == 4.0 and finished == [sub.pk]
