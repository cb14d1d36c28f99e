"""What the results page asks while code is graded: how many answers are still being
graded, the sentence about the wait and when to ask again; only for whoever may see
the results page (the student, the course's staff)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from quizsite.grading import service
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
NO_ESTIMATE = (
    "No answers were graded in the last 10 minutes, so there is no estimate of the wait yet."
)


@pytest.fixture
def submitted(quiz, student):
    """A submitted attempt whose code answer waits for a worker (the message is sent
    after commit, which these tests never reach)."""
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "code"), "def double(x):\n    return 2 * x\n", now=T0)
    return submit_attempt(attempt, now=T0 + S)


def _progress(client, attempt):
    return client.get(reverse("quizzes:results_progress", args=[attempt.pk]))


def test_it_counts_the_answers_being_graded_until_they_are(
    submitted, student, client_for, settings
) -> None:
    client = client_for(student)
    assert _progress(client, submitted).json() == {
        "pending": 1,
        "wait": NO_ESTIMATE,
        "poll_after": 2.0,
    }
    settings.GRADER_SANDBOX = "fake"
    assert (
        service.grade_submission(
            submitted.questions.get(question_version__question__type="code").answer.submission_id
        )
        is service.Outcome.DONE
    )
    assert _progress(client, submitted).json() == {"pending": 0, "wait": "", "poll_after": 2.0}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("student", 200),
        ("ta", 200),
        ("instructor", 200),
        ("other_student", 404),
        ("stranger", 404),
        ("anonymous", 401),
    ],
)
def test_it_answers_only_those_who_see_the_results(
    submitted, personas, client_for, persona, status
) -> None:
    assert _progress(client_for(personas[persona]), submitted).status_code == status
