"""An essay is never scored automatically: it waits for staff ("hand"), the attempt's
score stays pending, and it is on the staff's list until they set its points."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import grading, selectors
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
LATER = T0 + timedelta(hours=1)
ESSAY = "The inner function reads x, so the compiler keeps x in a cell for both."


def _essay(attempt) -> Answer:
    return Answer.objects.select_related("attempt_question").get(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "essay"),
    )


@pytest.fixture
def submitted(essay_quiz, student):
    attempt = start_attempt(essay_quiz(), student, now=T0)
    save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + S)
    save_answer(attempt, position_of(attempt, "essay"), ESSAY, now=T0 + S)
    return submit_attempt(attempt, now=T0 + 60 * S)


def test_it_leaves_the_essay_to_staff_and_the_score_pending(submitted) -> None:
    answer = _essay(submitted)
    assert (answer.grading_status, answer.points) == (grading.HAND, None)
    assert submitted.score is None  # never a zero, never counted as graded
    state = attempt_view_state(submitted, now=LATER)
    assert state["grading"] == "hand"
    (essay,) = [q for q in state["questions"] if q["type"] == "essay"]
    assert essay["result"]["status"] == "hand"
    assert "grade this question by hand" in essay["result"]["message"]


def test_it_lists_the_essay_for_staff_to_grade(submitted, ta) -> None:
    (row,) = selectors.attempts_for_staff(ta, submitted.quiz)
    assert row.to_grade_by_hand == 1


def test_it_takes_the_staff_s_points_and_the_score_follows(submitted, ta) -> None:
    set_answer_points(_essay(submitted), 3, by=ta, now=LATER)
    submitted.refresh_from_db()
    answer = _essay(submitted)
    assert (answer.grading_status, answer.points, answer.graded_by) == ("graded", 3.0, ta)
    assert submitted.score == 1.0 + 3.0
    assert attempt_view_state(submitted, now=LATER)["grading"] == "graded"
    (row,) = selectors.attempts_for_staff(ta, submitted.quiz)
    assert row.to_grade_by_hand == 0


def test_it_refuses_points_beyond_the_question_s(submitted, ta) -> None:
    with pytest.raises(QuizError):
        set_answer_points(_essay(submitted), 4.5, by=ta, now=LATER)
    assert _essay(submitted).grading_status == grading.HAND


def test_it_gives_a_blank_essay_no_points_at_once(essay_quiz, student) -> None:
    attempt = start_attempt(essay_quiz(), student, now=T0)
    save_answer(attempt, position_of(attempt, "essay"), "   \n ", now=T0 + S)
    attempt = submit_attempt(attempt, now=T0 + 60 * S)
    assert (_essay(attempt).grading_status, _essay(attempt).points) == ("graded", 0.0)
    assert attempt.score == 0.0
