"""Results under the quiz's release policy: at once, after the window closes for
everyone (overrides and running attempts included), or when staff release them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.models import QuizOverride
from quizsite.quizzes.tests.conftest import T0
from quizsite.quizzes.visibility import results_visible

S = timedelta(seconds=1)
CLOSE = T0 + timedelta(hours=12)


def _submitted(quiz, user, at=T0):
    attempt = start_attempt(quiz, user, now=at)
    return submit_attempt(attempt, now=at + S)


@pytest.mark.parametrize(
    ("policy", "now", "visible"),
    [
        ("immediate", T0 + 2 * S, True),
        ("after_close", CLOSE - S, False),
        ("after_close", CLOSE, True),
        ("manual", CLOSE + timedelta(days=3), False),
    ],
)
def test_it_follows_the_release_policy(make_quiz, student, policy, now, visible) -> None:
    attempt = _submitted(make_quiz(feedback_release=policy), student)
    assert results_visible(attempt, now=now) is visible
    state = attempt_view_state(attempt, now=now)
    assert state["results_visible"] is visible
    assert all((q["result"] is not None) is visible for q in state["questions"])
    assert (state["score"] is not None) is visible


def test_it_never_shows_results_of_a_running_attempt(make_quiz, student) -> None:
    attempt = start_attempt(make_quiz(feedback_release="immediate"), student, now=T0)
    assert not results_visible(attempt, now=T0 + S)


def test_it_releases_by_hand(make_quiz, student) -> None:
    quiz = make_quiz(feedback_release="manual")
    attempt = _submitted(quiz, student)
    release_feedback(quiz, now=T0 + timedelta(hours=13))
    attempt.refresh_from_db()
    assert not results_visible(attempt, now=T0 + timedelta(hours=13) - S)
    assert results_visible(attempt, now=T0 + timedelta(hours=13))


def test_it_waits_for_a_students_later_window(make_quiz, student, other_student) -> None:
    quiz = make_quiz(feedback_release="after_close")
    later = CLOSE + timedelta(days=1)
    QuizOverride.objects.create(quiz=quiz, user=other_student, closes_at=later)
    attempt = _submitted(quiz, student)
    assert not results_visible(attempt, now=later - S)
    assert results_visible(attempt, now=later)


def test_it_waits_for_an_attempt_running_on_added_time(make_quiz, student, other_student, ta):
    quiz = make_quiz(feedback_release="after_close")
    attempt = _submitted(quiz, student)
    running = start_attempt(quiz, other_student, now=CLOSE - timedelta(minutes=5))
    add_time(running, 10, by=ta, now=CLOSE - timedelta(minutes=1))
    assert not results_visible(attempt, now=CLOSE + S)
    submit_attempt(running, now=CLOSE + 2 * S)
    assert results_visible(attempt, now=CLOSE + 3 * S)
