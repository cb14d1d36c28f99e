"""A grade book export never writes an essay waiting for staff as a zero."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)


def _rows(client, quiz) -> list[dict[str, str]]:
    response = client.get(reverse("quizzes:staff_quiz_grades", args=["cs107", quiz.pk]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_it_exports_an_essay_awaiting_hand_grading_as_pending(
    essay_quiz, student, ta, client_for
) -> None:
    quiz = essay_quiz()
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + S)
    save_answer(attempt, position_of(attempt, "essay"), "Cells, read later.", now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)

    (row,) = _rows(client_for(ta), quiz)
    assert (row["status"], row["score"]) == ("to grade by hand", "")

    essay = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "essay"),
    )
    set_answer_points(essay, 2.5, by=ta, now=T0 + timedelta(hours=1))
    (row,) = _rows(client_for(ta), quiz)
    assert (row["status"], row["score"]) == ("graded", "3.5")
