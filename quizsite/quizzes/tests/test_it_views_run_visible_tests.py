"""Trial runs of a code question's visible tests: a submission id to poll, never
counted, and rate-limited per student."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.attempt_views import RUN_TESTS_LIMITED, RUN_TESTS_RATE
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=3)
CHOICE, CODE = 1, 2  # unshuffled, the small bank comes in path order
SOURCE = "def double(x):\n    return 2 * x\n"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "run"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _run(client, attempt, position=CODE, code=SOURCE):
    with time_machine.travel(NOW, tick=False):
        return client.post(
            reverse("quizzes:run_tests", args=[attempt.pk, position]),
            data=json.dumps({"code": code}),
            content_type="application/json",
        )


def test_it_queues_a_trial_run_and_gives_its_status_url(attempt, student, client_for) -> None:
    client = client_for(student)
    response = _run(client, attempt)
    assert response.status_code == 202
    submission = Submission.objects.get(pk=response.json()["submission"])
    assert submission.purpose == Submission.Purpose.VISIBLE_TESTS
    assert submission.code == SOURCE and submission.user == student
    status = client.get(response.json()["status_url"])
    assert status.json() == {"status": "queued", "done": False}
    # Not counted: the answer is untouched.
    answer = Answer.objects.get(attempt_question__attempt=attempt, attempt_question__position=CODE)
    assert answer.value is None and answer.submission_id is None


def test_it_shows_the_checks_of_a_finished_trial_run(attempt, student, client_for) -> None:
    client = client_for(student)
    response = _run(client, attempt)
    checks = [
        {
            "name": "test-1",
            "kind": "test",
            "passed": True,
            "points": 2.0,
            "max_points": 2.0,
            "feedback": "",
        }
    ]
    Submission.objects.filter(pk=response.json()["submission"]).update(
        status="graded",
        result={"status": "graded", "checks": checks},
        error_detail="Traceback: internal detail",
    )
    body = client.get(response.json()["status_url"]).json()
    # A test without an authored title is shown by its name.
    assert body == {"status": "graded", "done": True, "checks": [{**checks[0], "title": "test-1"}]}


def test_it_refuses_a_trial_run_of_a_question_that_is_not_code(
    attempt, student, client_for
) -> None:
    response = _run(client_for(student), attempt, position=CHOICE)
    assert response.status_code == 409
    assert response.json()["message"] == messages.NOT_CODE


def test_it_limits_how_often_a_student_runs_the_tests(
    attempt, student, other_student, quiz, client_for
) -> None:
    allowed = int(RUN_TESTS_RATE.split("/")[0])
    client = client_for(student)
    responses = [_run(client, attempt) for _ in range(allowed + 1)]
    assert [r.status_code for r in responses] == [202] * allowed + [429]
    assert responses[-1].json()["message"] == RUN_TESTS_LIMITED
    assert Submission.objects.filter(user=student).count() == allowed
    # Per student: a classmate is not slowed down.
    theirs = start_attempt(quiz, other_student, now=T0)
    assert _run(client_for(other_student), theirs).status_code == 202
