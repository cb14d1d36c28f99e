"""Autosave is rate-limited per student and attempt: beyond the rate the reply is 429
with Retry-After and the autosave errors' JSON, and nothing is stored; another
student, or another attempt, is not held up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django_ratelimit.core import _split_rate

from quizsite.quizzes import attempt_views as views
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import AnswerRevision
from quizsite.quizzes.tests.conftest import T0, position_of

STARTED = T0 + timedelta(minutes=1)
ALLOWED, PERIOD = _split_rate(views.AUTOSAVE_RATE)


def _save(client, attempt, value: str):
    return client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        data=json.dumps({"position": position_of(attempt, "text"), "value": value}),
        content_type="application/json",
    )


@pytest.fixture
def frozen():
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        yield


def test_it_answers_429_with_retry_after_beyond_the_rate(frozen, quiz, student, client_for) -> None:
    attempt = start_attempt(quiz, student, now=STARTED)
    client = client_for(student)
    replies = [_save(client, attempt, f"answer {n}") for n in range(ALLOWED + 1)]
    assert {r.status_code for r in replies[:ALLOWED]} == {200}
    limited = replies[-1]
    assert limited.status_code == 429
    wait = int(limited["Retry-After"])
    assert 1 <= wait <= PERIOD
    assert limited.json() == {
        "accepted": False,
        "late": False,
        "message": views.AUTOSAVE_LIMITED,
        "retry_after": wait,
    }
    assert AnswerRevision.objects.filter(value=f"answer {ALLOWED}").count() == 0


def test_it_counts_each_student_and_attempt_apart(
    frozen, quiz, student, other_student, client_for
) -> None:
    mine = start_attempt(quiz, student, now=STARTED)
    theirs = start_attempt(quiz, other_student, now=STARTED)
    client = client_for(student)
    for n in range(ALLOWED + 1):
        _save(client, mine, f"answer {n}")
    assert _save(client, mine, "one more").status_code == 429
    assert _save(client_for(other_student), theirs, "theirs").status_code == 200


def test_it_lets_the_student_save_again_after_the_wait(quiz, student, client_for) -> None:
    attempt = start_attempt(quiz, student, now=STARTED)
    client = client_for(student)
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        for n in range(ALLOWED):
            _save(client, attempt, f"answer {n}")
        wait = int(_save(client, attempt, "too soon")["Retry-After"])
    with time_machine.travel(STARTED + timedelta(minutes=2, seconds=wait - 1), tick=False):
        assert _save(client, attempt, "a second too soon").status_code == 429
    with time_machine.travel(STARTED + timedelta(minutes=2, seconds=wait), tick=False):
        assert _save(client, attempt, "later").status_code == 200
