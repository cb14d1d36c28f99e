"""The code answers of a timed quiz's attempt are sent with the live priority, a
homework try with the normal one, and a regrade with the lowest, whatever quiz it
belongs to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.grading.priorities import LIVE_AFTER_CUTOFF, Priority
from quizsite.quizzes.actions.answers import grade_try, save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.regrades import regrade_answer
from quizsite.quizzes.models import Answer, QuizPool
from quizsite.quizzes.tests.conftest import T0, position_of

pytestmark = pytest.mark.django_db

S = timedelta(seconds=1)
CODE = "def double(x):\n    return 2 * x\n"


def _code_answer(attempt) -> Answer:
    return Answer.objects.select_related("submission").get(
        attempt_question__attempt=attempt,
        attempt_question__question_version__question__type="code",
    )


def _cutoff(attempt):
    return attempt.deadline + attempt.quiz.grace


@pytest.mark.parametrize(
    ("after_cutoff", "priority"),
    [
        (-60 * S, Priority.LIVE),  # the student submits
        (LIVE_AFTER_CUTOFF, Priority.LIVE),  # the timer submits, late
        (LIVE_AFTER_CUTOFF + S, Priority.NORMAL),  # long after: nobody is waiting
    ],
)
def test_it_sends_a_timed_quiz_s_answers_live(quiz, student, after_cutoff, priority) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "code"), CODE, now=T0 + S)
    submit_attempt(attempt, now=_cutoff(attempt) + after_cutoff)
    assert _code_answer(attempt).submission.priority == priority


def test_it_sends_a_homework_try_as_normal(make_quiz, student) -> None:
    homework = make_quiz(time_limit=None, closes_at=T0 + timedelta(days=7))
    attempt = start_attempt(homework, student, now=T0)
    position = position_of(attempt, "code")
    save_answer(attempt, position, CODE, now=T0 + S)
    graded_try = grade_try(attempt, position, now=T0 + S)
    assert graded_try.submission.priority == Priority.NORMAL


def test_it_sends_regrades_last(make_quiz, small_bank, student, ta) -> None:
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([small_bank["code"]])
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, 1, CODE, now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)
    assert _code_answer(attempt).submission.priority == Priority.LIVE

    regrade_answer(_code_answer(attempt), by=ta, now=T0 + 120 * S)
    assert _code_answer(attempt).submission.priority == Priority.REGRADE
