"""Homework (no time limit): open until the due date, several graded tries per
question, the best or the last counting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import grade_try, save_answer
from quizsite.quizzes.actions.attempts import expire_due, start_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
DUE = T0 + timedelta(days=7)


@pytest.fixture
def homework(make_quiz):
    return make_quiz(time_limit=None, closes_at=DUE, homework_tries=3)


def _try(attempt, kind, value, now):
    pos = position_of(attempt, kind)
    save_answer(attempt, pos, value, now=now)
    return grade_try(attempt, pos, now=now)


def _answer(attempt, kind) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type=kind
    )


def test_it_stays_open_until_the_due_date(homework, student) -> None:
    attempt = start_attempt(homework, student, now=T0)
    assert attempt.deadline == DUE
    assert save_answer(attempt, 1, "LOAD_DEREF", now=DUE - S).accepted


@pytest.mark.parametrize(("policy", "expected"), [("best", 1.0), ("last", 0.0)])
def test_it_counts_the_best_or_the_last_try(make_quiz, student, policy, expected) -> None:
    quiz = make_quiz(time_limit=None, closes_at=DUE, homework_policy=policy)
    attempt = start_attempt(quiz, student, now=T0)
    first = _try(attempt, "choice", "LOAD_DEREF", T0 + S)
    second = _try(attempt, "choice", "LOAD_FAST", T0 + 2 * S)
    assert (first.number, first.points, second.number, second.points) == (1, 1.0, 2, 0.0)
    answer = _answer(attempt, "choice")
    assert (answer.tries, answer.points) == (2, expected)
    state = attempt_view_state(attempt, now=T0 + 3 * S)
    item = next(q for q in state["questions"] if q["type"] == "choice")
    assert (item["tries_used"], item["tries_left"]) == (2, 1)
    assert item["result"]["points"] == expected


def test_it_refuses_a_try_beyond_the_allowed(homework, student) -> None:
    attempt = start_attempt(homework, student, now=T0)
    for i in range(3):
        _try(attempt, "text", f"guess {i}", T0 + i * S)
    with pytest.raises(QuizError) as e:
        _try(attempt, "text", "UnboundLocalError", T0 + 5 * S)
    assert e.value.message == messages.NO_TRIES_LEFT


def test_it_refuses_tries_on_a_timed_quiz(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, 1, "LOAD_DEREF", now=T0 + S)
    with pytest.raises(QuizError) as e:
        grade_try(attempt, 1, now=T0 + S)
    assert e.value.message == messages.NOT_HOMEWORK


def test_it_grades_untried_answers_at_the_due_date(homework, student) -> None:
    attempt = start_attempt(homework, student, now=T0)
    _try(attempt, "choice", "LOAD_FAST", T0 + S)
    save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + 2 * S)
    save_answer(attempt, position_of(attempt, "text"), "UnboundLocalError", now=T0 + 3 * S)
    assert expire_due(now=DUE + timedelta(seconds=31)) == 1
    attempt.refresh_from_db()
    assert attempt.submitted_by == "timer"
    assert _answer(attempt, "choice").tries == 2
    assert _answer(attempt, "text").points == 1.0
    assert attempt.score == 2.0


def test_it_updates_a_code_try_when_its_grade_arrives(homework, student) -> None:
    attempt = start_attempt(homework, student, now=T0)
    graded_try = _try(attempt, "code", "def double(x):\n    return x + x\n", T0 + S)
    assert graded_try.grading_status == "pending"
    submission = graded_try.submission
    submission.status = "graded"
    submission.result = {"status": "graded", "score": 4.0, "max_score": 4.0, "checks": []}
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)
    answer = _answer(attempt, "code")
    assert (answer.grading_status, answer.points) == ("graded", 4.0)
