"""The student's dashboard: upcoming, open and closed quizzes in their own window and
time zone, with their attempts and what they may still do."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from quizsite.accounts.timezones import display_zone
from quizsite.quizzes import selectors
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import QuizOverride
from quizsite.quizzes.tests.conftest import T0

S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        ("Europe/Zurich", "Europe/Zurich"),
        ("", "America/New_York"),
        ("Not/AZone", "America/New_York"),
    ],
    ids=["own zone", "course zone", "unknown zone"],
)
def test_it_shows_times_in_the_students_zone(course, student, own, expected) -> None:
    student.timezone = own
    assert display_zone(student, course) == ZoneInfo(expected)


@pytest.mark.parametrize(
    ("now", "zone"),
    [
        (T0 - S, "upcoming"),
        (T0, "open"),
        (T0 + timedelta(hours=12) - S, "open"),
        (T0 + timedelta(hours=12), "closed"),
    ],
)
def test_it_files_a_quiz_under_its_window_state(quiz, student, now, zone) -> None:
    board = selectors.dashboard_for(student, quiz.course, now)
    assert [e.quiz.pk for e in board[zone]] == [quiz.pk]


def test_it_uses_the_students_own_window_and_limit(quiz, student, other_student) -> None:
    later = quiz.closes_at + timedelta(days=1)
    QuizOverride.objects.create(
        quiz=quiz,
        user=student,
        opens_at=later - timedelta(hours=3),
        closes_at=later,
        extra_percent=50,
    )
    now = quiz.closes_at + timedelta(hours=22)
    mine = selectors.dashboard_for(student, quiz.course, now)["open"][0]
    assert (mine.opens_at, mine.closes_at) == (later - timedelta(hours=3), later)
    assert mine.time_limit == timedelta(minutes=37, seconds=30)
    assert mine.can_start
    assert selectors.dashboard_for(other_student, quiz.course, now)["closed"][0].quiz == quiz


def test_it_tells_what_a_student_may_still_do(make_quiz, student) -> None:
    quiz = make_quiz(attempts_allowed=1)
    entry = selectors.quiz_entry(student, quiz, T0)
    assert (entry.can_start, entry.attempts_left, entry.running) == (True, 1, None)
    attempt = start_attempt(quiz, student, now=T0)
    entry = selectors.quiz_entry(student, quiz, T0 + S)
    assert entry.running == attempt and entry.can_start  # resume
    submit_attempt(attempt, now=T0 + 2 * S)
    entry = selectors.quiz_entry(student, quiz, T0 + 3 * S)
    assert (entry.can_start, entry.attempts_left) == (False, 0)
    assert entry.last_submitted == attempt
