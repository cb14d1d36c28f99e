"""The staff overview of a quiz: every attempt with its status and score, and an
"add time" form for running attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import TimeAddition
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=10)


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _url(quiz):
    return reverse("quizzes:staff_quiz", args=[quiz.course.code, quiz.pk])


def _post(client, quiz, data):
    with time_machine.travel(NOW, tick=False):
        return client.post(_url(quiz), data)


def test_it_lists_attempts_with_their_status(quiz, attempt, other_student, ta, client_for):
    done = start_attempt(quiz, other_student, now=T0)
    submit_attempt(done, now=T0 + timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        page = client_for(ta).get(_url(quiz))
    text = page.content.decode()
    assert page.status_code == 200
    assert "student" in text and "other_student" in text
    assert "In progress" in text and "0 / 9" in text
    assert text.count('name="minutes"') == 1  # only the running attempt gets the form


def test_it_adds_minutes_to_a_running_attempt(quiz, attempt, instructor, client_for) -> None:
    before = attempt.deadline
    response = _post(client_for(instructor), quiz, {"attempt": attempt.pk, "minutes": 15})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline == before + timedelta(minutes=15)
    addition = TimeAddition.objects.get()
    assert (addition.minutes, addition.added_by, addition.added_at) == (15, instructor, NOW)


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", ""])
def test_it_refuses_a_bad_number_of_minutes(quiz, attempt, instructor, client_for, minutes):
    response = _post(client_for(instructor), quiz, {"attempt": attempt.pk, "minutes": minutes})
    assert response.status_code == 400
    assert response.context["error"].startswith("minutes:")
    assert not TimeAddition.objects.exists()


def test_it_explains_that_a_submitted_attempt_gets_no_time(
    quiz, attempt, instructor, client_for
) -> None:
    submit_attempt(attempt, now=T0 + timedelta(minutes=5))
    response = _post(client_for(instructor), quiz, {"attempt": attempt.pk, "minutes": 5})
    assert response.status_code == 400
    assert response.context["error"] == messages.ADD_TIME_FINISHED
