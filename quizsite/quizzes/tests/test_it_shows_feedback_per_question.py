"""Per question of a quiz, staff choose what students see: trial runs during the
attempt or nothing; after submitting, until results are released, nothing, the score,
which checks passed, or full feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import feedback_rules, messages
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.trials import run_visible_tests
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer, QuestionFeedback
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
CHECKS = [
    {"name": "test-1", "kind": "test", "passed": True, "points": 2, "max_points": 2, "feedback": ""},
    {"name": "test-2", "kind": "test", "passed": False, "points": 0, "max_points": 2,
     "feedback": "double(-5) gave -5, expected -10", "details": {"got": "-5"}},
]  # fmt: skip
RESULT = {"points": 2.0, "status": "graded", "message": "", "feedback": CHECKS, "regraded": ""}


@pytest.mark.parametrize(
    ("before", "released", "staff", "points", "checks", "messages_shown"),
    [
        ("nothing", False, False, None, None, None),
        ("score", False, False, 2.0, 0, False),
        ("checks", False, False, 2.0, 2, False),
        ("full", False, False, 2.0, 2, True),
        ("nothing", True, False, 2.0, 2, True),  # released: everything
        ("nothing", False, True, 2.0, 2, True),  # staff: everything
    ],
)
def test_it_shows_what_was_chosen_before_release(
    before, released, staff, points, checks, messages_shown
) -> None:
    shown = feedback_rules.visible_result(
        RESULT, before_release=before, released=released, for_staff=staff
    )

    if points is None:
        assert shown is None
        return
    assert shown["points"] == points
    assert len(shown["feedback"]) == checks
    if checks:
        assert ("feedback" in shown["feedback"][1]) is messages_shown
        assert ("details" in shown["feedback"][1]) is messages_shown


def _graded_code_attempt(quiz, student):
    attempt = start_attempt(quiz, student, now=T0)
    position = position_of(attempt, "code")
    save_answer(attempt, position, "def double(x):\n    return x\n", now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)
    answer = Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=position
    )
    submission = answer.submission
    submission.status = Submission.Status.GRADED
    submission.result = {"status": "graded", "score": 2.0, "max_score": 4.0, "checks": CHECKS}
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)
    attempt.refresh_from_db()
    return attempt, position


def test_it_shows_which_checks_passed_before_release(
    make_quiz, small_bank, student, client_for
) -> None:
    quiz = make_quiz(feedback_release="manual")
    QuestionFeedback.objects.create(quiz=quiz, question=small_bank["code"], before_release="checks")
    attempt, position = _graded_code_attempt(quiz, student)

    state = attempt_view_state(attempt, now=T0 + 120 * S)

    by_position = {q["position"]: q for q in state["questions"]}
    assert by_position[position]["result"]["points"] == 2.0
    assert [c["name"] for c in by_position[position]["result"]["feedback"]] == ["test-1", "test-2"]
    assert all("feedback" not in c for c in by_position[position]["result"]["feedback"])
    assert all(q["result"] is None for p, q in by_position.items() if p != position)
    assert state["score"] is None  # the total waits for the release
    page = client_for(student).get(reverse("quizzes:results", args=[attempt.pk])).content.decode()
    assert "Failed: test-2" in page and "expected -10" not in page


def test_it_turns_trial_runs_off_for_a_question(quiz, small_bank, student) -> None:
    QuestionFeedback.objects.create(quiz=quiz, question=small_bank["code"], during="nothing")
    attempt = start_attempt(quiz, student, now=T0)
    position = position_of(attempt, "code")

    state = attempt_view_state(attempt, now=T0 + S)

    code = next(q for q in state["questions"] if q["position"] == position)
    assert code["has_visible_tests"] is False
    with pytest.raises(QuizError) as refused:
        run_visible_tests(attempt, position, "def double(x):\n    return 2 * x\n", now=T0 + S)
    assert refused.value.message == messages.NO_TRIAL_RUNS


@pytest.mark.parametrize("persona", ["student", "ta", "instructor", "stranger"])
def test_it_lets_staff_choose_per_question(persona, quiz, small_bank, personas, client_for) -> None:
    client = client_for(personas[persona])
    url = reverse("quizzes:question_feedback", args=[quiz.course.code, quiz.pk])
    code = small_bank["code"].pk

    page = client.get(url)
    posted = client.post(url, {f"during-{code}": "nothing", f"before-{code}": "score"})

    if persona in ("ta", "instructor"):
        assert page.status_code == 200 and f'name="before-{code}"' in page.content.decode()
        assert posted.status_code == 302
        row = QuestionFeedback.objects.get()
        assert (row.question_id, row.during, row.before_release) == (code, "nothing", "score")
    else:
        assert (page.status_code, posted.status_code) == (404, 404)
        assert not QuestionFeedback.objects.exists()
