"""Homework: "Check this answer" grades the saved answer as one of a limited number
of tries; the attempt page shows what counts so far."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(hours=1)
CHOICE = 1  # unshuffled, the small bank comes in path order


@pytest.fixture
def homework(make_quiz):
    return make_quiz(time_limit=None, homework_tries=2, homework_policy="best")


def _check(client, attempt, position=CHOICE):
    with time_machine.travel(NOW, tick=False):
        return client.post(
            reverse("quizzes:check", args=[attempt.pk, position]), content_type="application/json"
        )


def test_it_grades_tries_until_none_are_left(homework, student, client_for) -> None:
    attempt = start_attempt(homework, student, now=T0)
    client = client_for(student)
    save_answer(attempt, CHOICE, "LOAD_FAST", now=NOW)
    first = _check(client, attempt)
    save_answer(attempt, CHOICE, "LOAD_DEREF", now=NOW)
    second = _check(client, attempt)
    third = _check(client, attempt)
    assert (first.status_code, first.json()) == (200, {"number": 1, "status": "graded"})
    assert second.json() == {"number": 2, "status": "graded"}
    assert (third.status_code, third.json()["message"]) == (409, messages.NO_TRIES_LEFT)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    text = page.content.decode()
    assert "0 of 2 graded tries left" in text
    assert "Counted so far" in text and "1 / 1" in text
    assert 'id="timer"' not in text  # homework has no countdown


def test_it_refuses_to_check_an_unanswered_question(homework, student, client_for) -> None:
    attempt = start_attempt(homework, student, now=T0)
    response = _check(client_for(student), attempt)
    assert (response.status_code, response.json()["message"]) == (409, messages.NOTHING_TO_GRADE)


def test_it_has_no_tries_in_a_timed_quiz(quiz, student, client_for) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, CHOICE, "LOAD_DEREF", now=T0)
    response = _check(client_for(student), attempt)
    assert (response.status_code, response.json()["message"]) == (409, messages.NOT_HOMEWORK)


@pytest.mark.parametrize("persona", ["other_student", "ta", "instructor", "stranger"])
def test_it_lets_nobody_else_check_a_student_s_answer(
    homework, student, personas, client_for, persona
) -> None:
    attempt = start_attempt(homework, student, now=T0)
    save_answer(attempt, CHOICE, "LOAD_DEREF", now=NOW)
    assert _check(client_for(personas[persona]), attempt).status_code == 404
    attempt.questions.get(position=CHOICE).answer.refresh_from_db()
    assert attempt.questions.get(position=CHOICE).answer.tries == 0
