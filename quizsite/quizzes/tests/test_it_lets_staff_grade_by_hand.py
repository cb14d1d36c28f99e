"""Staff grade answers by hand on the results page: points within the question's,
only once the attempt is submitted, a hand grade that a late grader result never
replaces, and a failed code answer sent to the grader again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.regrades import regrade_answer
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
LATER = T0 + timedelta(hours=1)
CODE = "def double(x):\n    return 2 * x\n"


@pytest.fixture
def attempt(quiz, student):
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + S)
    save_answer(attempt, position_of(attempt, "code"), CODE, now=T0 + S)
    return attempt


def _code(attempt) -> Answer:
    return Answer.objects.select_related("attempt_question").get(
        attempt_question__attempt=attempt, attempt_question__position=position_of(attempt, "code")
    )


def _finish(submission: Submission, status: str, score: float | None = None) -> None:
    submission.status = status
    if status == "graded":
        submission.result = {"status": "graded", "score": score, "max_score": 4.0, "checks": []}
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)


@pytest.fixture
def failed(attempt):
    """The attempt submitted; its code answer's grading failed (the grader's fault)."""
    submit_attempt(attempt, now=T0 + 60 * S)
    _finish(_code(attempt).submission, "error")
    return _code(attempt)


def test_it_sets_points_by_hand_and_the_score_follows(attempt, failed, ta) -> None:
    set_answer_points(failed, 3.5, by=ta, now=LATER)

    answer = _code(attempt)
    attempt.refresh_from_db()
    assert (answer.grading_status, answer.points) == ("graded", 3.5)
    assert (answer.graded_by, answer.graded_by_hand_at) == (ta, LATER)
    assert attempt.score == 3.5 + 1.0  # the right choice earned its 1 point


@pytest.mark.parametrize("points", [-0.5, 4.01, 100])
def test_it_refuses_points_outside_the_question_s(attempt, failed, ta, points) -> None:
    with pytest.raises(QuizError) as refused:
        set_answer_points(failed, points, by=ta, now=LATER)
    assert refused.value.message == messages.POINTS_OUT_OF_RANGE.format(max=4.0)
    assert _code(attempt).grading_status == "failed"


def test_it_refuses_to_grade_a_running_attempt(attempt, ta) -> None:
    with pytest.raises(QuizError) as refused:
        set_answer_points(_code(attempt), 2, by=ta, now=T0 + 2 * S)
    assert refused.value.message == messages.NOT_SUBMITTED_YET


def test_it_keeps_a_hand_grade_when_the_grader_answers_later(attempt, ta) -> None:
    submit_attempt(attempt, now=T0 + 60 * S)
    pending = _code(attempt)
    assert pending.grading_status == "pending"
    set_answer_points(pending, 1.0, by=ta, now=LATER)

    _finish(pending.submission, "graded", score=4.0)

    assert (_code(attempt).points, _code(attempt).graded_by) == (1.0, ta)


def test_it_sends_a_failed_answer_to_the_grader_again(attempt, failed, ta) -> None:
    set_answer_points(failed, 1.0, by=ta, now=LATER)
    before = Submission.objects.count()

    regrade_answer(_code(attempt), by=ta, now=LATER + S)

    answer = _code(attempt)
    attempt.refresh_from_db()
    assert Submission.objects.count() == before + 1
    assert answer.submission != failed.submission and answer.submission.code == CODE
    assert (answer.grading_status, answer.points, answer.graded_by) == ("pending", None, None)
    assert attempt.score is None
    _finish(answer.submission, "graded", score=3.0)
    attempt.refresh_from_db()
    assert (_code(attempt).points, attempt.score) == (3.0, 4.0)


def test_it_regrades_only_code_answers_of_submitted_quiz_attempts(attempt, ta) -> None:
    with pytest.raises(QuizError):  # still running
        regrade_answer(_code(attempt), by=ta, now=T0 + 2 * S)
    submit_attempt(attempt, now=T0 + 60 * S)
    choice = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "choice"),
    )
    with pytest.raises(QuizError) as refused:
        regrade_answer(choice, by=ta, now=LATER)
    assert refused.value.message == messages.CANNOT_REGRADE


def test_it_grades_through_the_results_page(attempt, failed, ta, client_for) -> None:
    client = client_for(ta)
    position = position_of(attempt, "code")
    results = reverse("quizzes:results", args=[attempt.pk])

    page = client.get(results).content.decode()
    assert f'id="points-{position}"' in page and "Grade again" in page

    response = client.post(
        reverse("quizzes:set_points", args=[attempt.pk, position]), {"points": "2.5"}
    )
    assert response.status_code == 302 and response["Location"] == f"{results}#r{position}"
    assert _code(attempt).points == 2.5
    page = client.get(results).content.decode()
    assert "Graded by hand by ta" in page

    refused = client.post(
        reverse("quizzes:set_points", args=[attempt.pk, position]), {"points": "9"}, follow=True
    )
    assert messages.POINTS_OUT_OF_RANGE.format(max=4.0) in refused.content.decode()
    assert _code(attempt).points == 2.5


def test_it_shows_no_grading_controls_to_the_student(attempt, failed, student, client_for) -> None:
    page = client_for(student).get(reverse("quizzes:results", args=[attempt.pk])).content.decode()
    assert "Set points" not in page and "Grade again" not in page


def test_it_lists_answers_to_grade_by_hand_for_staff(attempt, failed, quiz, ta, client_for) -> None:
    page = client_for(ta).get(reverse("quizzes:staff_quiz", args=[quiz.course.code, quiz.pk]))
    text = page.content.decode()
    assert "1 answer waits for staff to grade by hand" in text
    assert "1 to grade by hand" in text
