"""Question statistics over a quiz with an essay: an essay awaiting hand grading is
drawn but not counted (nor "being graded"); once staff grade it, it counts."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from quizsite.quizzes import selectors
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)


def _essay_row(stats) -> dict:
    (question,) = [q for q in stats["questions"] if q["type"] == "essay"]
    return question["rows"][0]


def test_it_counts_an_essay_only_once_graded_by_hand(essay_quiz, student, ta, client_for) -> None:
    quiz = essay_quiz()
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "essay"), "Because of cells.", now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)

    stats = selectors.quiz_statistics(ta, quiz)
    assert (stats["awaiting_hand"], stats["being_graded"], stats["grading_failed"]) == (1, 0, 0)
    row = _essay_row(stats)
    assert (row["drawn"], row["graded"], row["awaiting_hand"], row["mean_points"]) == (
        1,
        0,
        1,
        None,
    )
    page = client_for(ta).get(reverse("quizzes:statistics", args=["cs107", quiz.pk]))
    assert page.status_code == 200
    assert "1 awaiting hand grading" in page.content.decode()

    essay = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "essay"),
    )
    set_answer_points(essay, 2, by=ta, now=T0 + timedelta(hours=1))
    row = _essay_row(selectors.quiz_statistics(ta, quiz))
    assert (row["graded"], row["awaiting_hand"], row["mean_points"]) == (1, 0, 2.0)
