"""Submitting grades choice, multi, numeric and text at once and code through the
grader; a code result updates the answer and the score; an error is never a zero."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.models import Answer, AttemptStatus
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
RIGHT = {
    "choice": "LOAD_DEREF",
    "multi": ["co_cellvars", "co_freevars"],
    "numeric": " 100.2 ",
    "text": "unboundlocalerror",
    "code": "def double(x):\n    return 2 * x\n",
}


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _fill(attempt, values: dict) -> None:
    for kind, value in values.items():
        save_answer(attempt, position_of(attempt, kind), value, now=T0 + S)


def _answer(attempt, kind: str) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type=kind
    )


def _finish(submission: Submission, *, status: str, score=None, max_score=None) -> None:
    submission.status = status
    if status == "graded":
        submission.result = {
            "status": "graded",
            "score": score,
            "max_score": max_score,
            "checks": [
                {
                    "name": "test-1",
                    "kind": "test",
                    "passed": True,
                    "points": 2.0,
                    "max_points": 2.0,
                    "feedback": "",
                },
            ],
        }
    else:
        submission.result = None
        submission.error_detail = "sandbox failed to start"
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)


def test_it_grades_non_code_answers_at_once_and_sends_code_to_the_grader(attempt) -> None:
    _fill(attempt, RIGHT)
    attempt = submit_attempt(attempt, now=T0 + 60 * S)
    assert (attempt.status, attempt.submitted_by, attempt.submitted_at) == (
        AttemptStatus.SUBMITTED,
        "student",
        T0 + 60 * S,
    )
    for kind, points in [("choice", 1.0), ("multi", 2.0), ("numeric", 1.0), ("text", 1.0)]:
        answer = _answer(attempt, kind)
        assert (answer.grading_status, answer.points) == ("graded", points)
    code = _answer(attempt, "code")
    assert code.grading_status == "pending" and code.points is None
    submission = code.submission
    assert (submission.purpose, submission.code, submission.user_id) == (
        "answer",
        RIGHT["code"],
        attempt.user_id,
    )
    assert submission.seed == code.attempt_question.seed
    assert attempt.score is None  # pending until the code result arrives

    _finish(submission, status="graded", score=3.0, max_score=4.0)
    attempt.refresh_from_db()
    code.refresh_from_db()
    assert (code.grading_status, code.points) == ("graded", 3.0)
    assert code.feedback[0]["name"] == "test-1"
    assert attempt.score == 8.0


def test_it_never_records_a_grader_error_as_zero(attempt) -> None:
    _fill(attempt, RIGHT)
    submit_attempt(attempt, now=T0 + 60 * S)
    code = _answer(attempt, "code")
    _finish(code.submission, status="error")
    code.refresh_from_db()
    attempt.refresh_from_db()
    assert (code.grading_status, code.points) == ("failed", None)
    assert attempt.score is None
    state = attempt_view_state(attempt, now=T0 + timedelta(days=1))
    result = next(q["result"] for q in state["questions"] if q["type"] == "code")
    assert result["message"] == messages.GRADING_FAILED
    assert state["grading"] == "failed"


def test_it_scores_wrong_and_blank_answers_as_zero_without_the_grader(attempt) -> None:
    _fill(attempt, {"choice": "LOAD_FAST", "multi": ["co_cellvars", "f_back"], "numeric": "abc"})
    attempt = submit_attempt(attempt, now=T0 + 60 * S)
    points = {k: _answer(attempt, k).points for k in RIGHT}
    assert points == {"choice": 0.0, "multi": 0.0, "numeric": 0.0, "text": 0.0, "code": 0.0}
    assert not Submission.objects.exists()
    assert attempt.score == 0.0


def test_it_grades_an_attempt_once_however_often_it_is_submitted(attempt) -> None:
    _fill(attempt, RIGHT)
    stale = type(attempt).objects.get(pk=attempt.pk)
    first = submit_attempt(attempt, now=T0 + 60 * S)
    second = submit_attempt(stale, now=T0 + 61 * S, by="timer")
    assert Submission.objects.count() == 1
    assert second.submitted_at == first.submitted_at == T0 + 60 * S
    assert second.submitted_by == "student"


def test_it_scales_points_to_the_pool(make_quiz, student, small_bank) -> None:
    from quizsite.quizzes.models import QuizPool

    quiz = make_quiz(pool=False)
    pool = QuizPool.objects.create(quiz=quiz, count=1, points=5)
    pool.questions.set([small_bank["multi"]])
    attempt = start_attempt(quiz, student, now=T0)
    assert attempt.max_score == 5.0
    save_answer(attempt, 1, ["co_cellvars"], now=T0 + S)
    attempt = submit_attempt(attempt, now=T0 + 2 * S)
    assert attempt.score == 2.5  # half the right options of a 2-point question, scaled to 5


def test_it_marks_a_click_that_arrives_after_grace_as_the_timer(attempt) -> None:
    late = T0 + timedelta(minutes=25, seconds=31)
    attempt = submit_attempt(attempt, now=late)
    assert attempt.submitted_by == "timer"


def test_it_lets_staff_grade_a_failed_answer_by_hand(attempt, ta) -> None:
    _fill(attempt, RIGHT)
    submit_attempt(attempt, now=T0 + 60 * S)
    code = _answer(attempt, "code")
    _finish(code.submission, status="error")
    set_answer_points(code, 3.5, by=ta, now=T0 + timedelta(hours=1))
    attempt.refresh_from_db()
    assert attempt.score == 8.5


def test_it_credits_the_student_when_added_time_moved_the_deadline(attempt, ta) -> None:
    stale = type(attempt).objects.select_related("quiz").get(pk=attempt.pk)
    add_time(attempt, 10, by=ta, now=T0 + timedelta(minutes=20))
    submitted = submit_attempt(stale, now=T0 + timedelta(minutes=30))
    assert submitted.submitted_by == "student"


def test_it_submits_even_when_a_question_cannot_be_graded(attempt, monkeypatch) -> None:
    from quizsite.quizzes import content

    real = content.variant

    def broken(version, seed):
        if version.question.type == "text":
            raise RuntimeError("generator failed")
        return real(version, seed)

    monkeypatch.setattr(content, "variant", broken)
    _fill(attempt, {"choice": "LOAD_DEREF", "text": "UnboundLocalError"})
    attempt = submit_attempt(attempt, now=T0 + 60 * S)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert (_answer(attempt, "text").grading_status, _answer(attempt, "text").points) == (
        "failed",
        None,
    )
    assert _answer(attempt, "choice").points == 1.0
    assert attempt.score is None


def test_it_shows_the_rest_of_the_attempt_when_one_question_is_broken(attempt, monkeypatch):
    from quizsite.quizzes import content

    real = content.variant

    def broken(version, seed):
        if version.question.type == "text":
            raise RuntimeError("generator failed")
        return real(version, seed)

    monkeypatch.setattr(content, "variant", broken)
    state = attempt_view_state(attempt, now=T0 + S)
    prompts = {q["type"]: str(q["prompt_html"]) for q in state["questions"]}
    assert messages.QUESTION_UNAVAILABLE in prompts["text"]
    assert "closure" in prompts["choice"]
