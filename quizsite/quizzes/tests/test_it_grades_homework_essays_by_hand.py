"""Homework with an essay: no graded try for it (staff grade it), and at the due date
the saved essay waits for staff instead of counting as a zero."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import grading, messages
from quizsite.quizzes.actions.answers import grade_try, save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import expire_due, start_attempt
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
DUE = T0 + timedelta(days=2)


@pytest.fixture
def homework(essay_quiz, student):
    quiz = essay_quiz(time_limit=None, closes_at=DUE, homework_tries=3)
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "essay"), "Cells, read later.", now=T0 + S)
    return attempt


def test_it_refuses_a_graded_try_of_an_essay(homework) -> None:
    with pytest.raises(QuizError, match="graded by hand"):
        grade_try(homework, position_of(homework, "essay"), now=T0 + 2 * S)
    assert messages.GRADED_BY_HAND_AFTER_DUE.startswith("This question is graded by hand")


def test_it_leaves_the_essay_to_staff_at_the_due_date(homework, ta) -> None:
    expire_due(now=DUE + timedelta(minutes=5))
    homework.refresh_from_db()
    essay = homework.questions.get(position=position_of(homework, "essay")).answer
    assert (homework.status, homework.score) == ("submitted", None)
    assert (essay.grading_status, essay.points) == (grading.HAND, None)
    set_answer_points(essay, 4, by=ta, now=DUE + timedelta(hours=1))
    homework.refresh_from_db()
    assert homework.score == 4.0  # the choice was never answered: 0
