"""Code that staff try on a question's preview page is graded by the same workers and
announced by the same signal as students' answers, but never reaches an answer, a try
or an attempt's score, not even a student's answer to the same version and variant."""

from __future__ import annotations

from datetime import timedelta

from quizsite.bankpages import actions as question_actions
from quizsite.grading import service
from quizsite.grading.models import Submission
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.code_results import reconcile_code_results, record_code_result
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
RIGHT = "def double(x):\n    return 2 * x\n"
HALF = "def double(x):\n    return 4 if x == 2 else 0\n"


def _code_answer(attempt) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type="code"
    )


def test_it_leaves_answers_and_scores_alone(quiz, student, instructor, fake_sandbox) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    at = position_of(attempt, "code")
    save_answer(attempt, at, HALF, now=T0 + S)
    submit_attempt(attempt, now=T0 + 2 * S)
    aq = attempt.questions.get(position=at)

    # Staff try fully right code on the very version and variant the student got.
    preview = question_actions.preview_code(
        aq.question_version, RIGHT, seed=aq.seed, user=instructor
    )
    assert service.grade_submission(preview.pk) is service.Outcome.DONE
    preview.refresh_from_db()
    assert (preview.status, preview.score) == (Submission.Status.GRADED, 4.0)

    answer = _code_answer(attempt)
    attempt.refresh_from_db()
    assert answer.grading_status == "pending" and answer.points is None
    assert answer.submission_id != preview.pk
    assert record_code_result(preview) == 0
    assert reconcile_code_results() == 0  # the sweep does not pick it up either

    # The student's own submission, graded later, is the one that counts.
    assert service.grade_submission(answer.submission_id) is service.Outcome.DONE
    answer = _code_answer(attempt)
    attempt.refresh_from_db()
    assert (answer.grading_status, answer.points) == ("graded", 2.0)
    assert attempt.score == 2.0
