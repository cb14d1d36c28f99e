"""A homework try's status, polled by the attempt page while it is graded, carries the
estimate of the wait; a trial run's does not (it has workers of its own), nor a
finished one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.quizzes.actions.answers import grade_try, save_answer
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0, position_of

pytestmark = pytest.mark.django_db

S = timedelta(seconds=1)


@pytest.fixture
def graded_try(make_quiz, student, django_capture_on_commit_callbacks):
    homework = make_quiz(time_limit=None, closes_at=T0 + timedelta(days=7))
    attempt = start_attempt(homework, student, now=T0)
    position = position_of(attempt, "code")
    save_answer(attempt, position, "def double(x):\n    return 2 * x\n", now=T0 + S)
    with django_capture_on_commit_callbacks(execute=False):
        return grade_try(attempt, position, now=T0 + S)


def _status(client_for, student, submission_id: int) -> dict:
    url = reverse("quizzes:submission_status", args=[submission_id])
    return client_for(student).get(url).json()


def test_it_tells_the_wait_while_a_try_is_queued(graded_try, student, client_for):
    body = _status(client_for, student, graded_try.submission_id)
    assert body["done"] is False
    assert body["wait"] == (
        "No answers were graded in the last 10 minutes, so there is no estimate of the wait yet."
    )


def test_it_tells_no_wait_once_graded(graded_try, student, client_for):
    Submission.objects.filter(pk=graded_try.submission_id).update(status="graded")
    assert "wait" not in _status(client_for, student, graded_try.submission_id)


def test_it_tells_no_wait_for_a_trial_run(graded_try, student, client_for):
    Submission.objects.filter(pk=graded_try.submission_id).update(purpose="visible")
    assert "wait" not in _status(client_for, student, graded_try.submission_id)
