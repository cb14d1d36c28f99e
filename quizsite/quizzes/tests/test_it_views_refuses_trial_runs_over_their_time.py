"""A student whose trial runs have used their worker time for the window is refused
the next one with a sentence the page shows; a classmate is not, and the time comes
back as the window moves on."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=15)
CODE = 2  # unshuffled, the small bank comes in path order
SOURCE = "def double(x):\n    return 2 * x\n"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _trial_that_ran(attempt, started, seconds):
    """A finished trial run of `seconds` of worker time (an answer that slept, say)."""
    aq = attempt.questions.get(position=CODE)
    Submission.objects.create(
        question_version=aq.question_version,
        user=attempt.user,
        code="import time\ntime.sleep(10)\n",
        purpose=Submission.Purpose.VISIBLE_TESTS,
        status=Submission.Status.GRADED,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
    )


def _run(client, attempt, at):
    with time_machine.travel(at, tick=False):
        return client.post(
            reverse("quizzes:run_tests", args=[attempt.pk, CODE]),
            data=json.dumps({"code": SOURCE}),
            content_type="application/json",
        )


def test_it_refuses_a_trial_run_once_the_students_time_is_used(
    attempt, student, other_student, quiz, client_for, settings
):
    settings.GRADER_TRIAL_SECONDS, settings.GRADER_TRIAL_WINDOW_SECONDS = 30, 600
    start = NOW - timedelta(minutes=5)
    for i in range(3):  # three trial runs that slept 10 s each
        _trial_that_ran(attempt, start + timedelta(seconds=20 * i), 10)

    response = _run(client_for(student), attempt, NOW)
    assert response.status_code == 409
    assert response.json()["message"] == messages.TRIAL_BUDGET_USED.format(seconds=30, minutes=10)
    assert Submission.objects.filter(user=student).count() == 3  # nothing queued

    theirs = start_attempt(quiz, other_student, now=T0)
    assert _run(client_for(other_student), theirs, NOW).status_code == 202


@pytest.mark.parametrize(("after", "status"), [(-1, 409), (1, 202)])
def test_it_gives_the_time_back_as_the_window_moves_on(
    attempt, student, client_for, settings, after, status
):
    settings.GRADER_TRIAL_SECONDS, settings.GRADER_TRIAL_WINDOW_SECONDS = 30, 600
    start = NOW - timedelta(minutes=9)
    _trial_that_ran(attempt, start, 30)
    # The window starts a second before or after the trial run started.
    at = start + timedelta(seconds=600 + after)
    assert _run(client_for(student), attempt, at).status_code == status
