"""A student runs the visible tests, then submits: the answer is graded on every
test, hidden ones included, exactly as without the trial run."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Answer

SOURCE = "def double(x):\n    return 2 * x\n"
CODE = 2  # unshuffled, the small bank comes in path order


@pytest.fixture
def eager(settings, celery_eager):
    """Grading runs inside the request (no worker), in the no-isolation sandbox."""
    settings.GRADER_SANDBOX = "fake"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "g"}
    }


@pytest.mark.django_db(transaction=True)
def test_it_grades_every_test_after_a_trial_run(make_quiz, student, client_for, eager) -> None:
    now = timezone.now()
    quiz = make_quiz(opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1))
    attempt = start_attempt(quiz, student, now=now)
    client = client_for(student)
    saved = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        data=json.dumps({"position": CODE, "value": SOURCE}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    trial = client.post(
        reverse("quizzes:run_tests", args=[attempt.pk, CODE]),
        data=json.dumps({"code": SOURCE}),
        content_type="application/json",
    )
    assert trial.status_code == 202
    assert client.get(trial.json()["status_url"]).json()["done"] is True

    client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes"})
    answer = Answer.objects.get(attempt_question__attempt=attempt, attempt_question__position=CODE)
    assert answer.grading_status == "graded"
    assert answer.points == 4.0
    assert [c["name"] for c in answer.feedback] == ["test-1", "test-2"]
