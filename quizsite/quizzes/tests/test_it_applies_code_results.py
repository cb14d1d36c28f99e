"""Code answers go through the real grading service (with the no-isolation sandbox
for speed) and their results reach the answer and the attempt's score; a result whose
signal was lost is applied by the periodic sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.grading import service
from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import receivers, tasks
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)


def _code_answer(attempt) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type="code"
    )


@pytest.mark.parametrize(
    ("source", "points"),
    [
        ("def double(x):\n    return x + x\n", 4.0),
        ("def double(x):\n    return 4 if x == 2 else 0\n", 2.0),
    ],
    ids=["right", "half right"],
)
def test_it_grades_a_code_answer_end_to_end(quiz, student, fake_sandbox, source, points) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "code"), source, now=T0 + S)
    save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + S)
    submit_attempt(attempt, now=T0 + 2 * S)
    submission = _code_answer(attempt).submission
    assert service.grade_submission(submission.pk) is service.Outcome.DONE
    answer = _code_answer(attempt)
    attempt.refresh_from_db()
    assert (answer.grading_status, answer.points) == ("graded", points)
    assert {c["name"] for c in answer.feedback} == {"test-1", "test-2"}
    assert attempt.score == points + 1.0


def test_it_applies_a_result_whose_signal_was_lost(quiz, student, time_machine) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "code"), "def double(x): pass", now=T0)
    submit_attempt(attempt, now=T0 + S)
    submission = _code_answer(attempt).submission
    submission_finished.disconnect(dispatch_uid="quizzes.code_result")
    try:
        Submission.objects.filter(pk=submission.pk).update(
            status="graded",
            result={"status": "graded", "score": 0.0, "max_score": 4.0, "checks": []},
        )
        submission_finished.send(
            sender=Submission, submission=Submission.objects.get(pk=submission.pk)
        )
    finally:
        submission_finished.connect(receivers.code_result, dispatch_uid="quizzes.code_result")
    assert _code_answer(attempt).grading_status == "pending"
    time_machine.move_to(T0 + timedelta(minutes=1), tick=False)
    tasks.expire_due_attempts()
    assert (_code_answer(attempt).grading_status, _code_answer(attempt).points) == ("graded", 0.0)
    attempt.refresh_from_db()
    assert attempt.score == 0.0
