"""The results page shows scores and per-check feedback only as the quiz's feedback
release allows; the answers themselves are always the student's to see."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.tests.conftest import T0

SUBMITTED = T0 + timedelta(minutes=10)


def _submitted(quiz, student):
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, 1, "LOAD_DEREF", now=T0 + timedelta(minutes=1))
    return submit_attempt(attempt, now=SUBMITTED)


def _results(client, attempt, at):
    with time_machine.travel(at, tick=False):
        return client.get(reverse("quizzes:results", args=[attempt.pk]))


def test_it_shows_the_score_at_once_when_released_immediately(
    make_quiz, student, client_for
) -> None:
    attempt = _submitted(make_quiz(feedback_release="immediate"), student)
    page = _results(client_for(student), attempt, SUBMITTED + timedelta(seconds=1))
    assert page.status_code == 200
    assert b"Score: 1 / 9" in page.content
    assert b"LOAD_DEREF" in page.content


@pytest.mark.parametrize(
    "offset", [timedelta(hours=11), timedelta(hours=12)], ids=["before close", "at close"]
)
def test_it_holds_the_score_until_the_window_closes(make_quiz, student, client_for, offset) -> None:
    quiz = make_quiz(feedback_release="after_close")
    attempt = _submitted(quiz, student)
    page = _results(client_for(student), attempt, T0 + offset)
    shown = b"Score: 1 / 9" in page.content
    assert shown is (T0 + offset >= quiz.closes_at)
    assert b"LOAD_DEREF" in page.content  # their own answer, either way


def test_it_holds_manual_feedback_until_staff_release_it(make_quiz, student, client_for) -> None:
    quiz = make_quiz(feedback_release="manual")
    attempt = _submitted(quiz, student)
    late = T0 + timedelta(days=2)
    assert b"Score:" not in _results(client_for(student), attempt, late).content
    assert (
        b"when the course staff release them"
        in _results(client_for(student), attempt, late).content
    )
    release_feedback(quiz, now=late)
    assert (
        b"Score: 1 / 9"
        in _results(client_for(student), attempt, late + timedelta(seconds=1)).content
    )


def test_it_shows_staff_every_score_and_check_before_release(
    make_quiz, student, ta, client_for
) -> None:
    attempt = _submitted(make_quiz(feedback_release="manual"), student)
    at = SUBMITTED + timedelta(minutes=1)
    page = _results(client_for(ta), attempt, at).content.decode()
    assert "by student" in page
    assert "Score: 1 / 9" in page
    assert "1 / 1 point" in page  # the answered question's own points
    assert "the student does not see these scores and feedback yet" in page
    # ...while the student still sees only their answers
    own = _results(client_for(student), attempt, at).content.decode()
    assert "Score:" not in own and "1 / 1 point" not in own
