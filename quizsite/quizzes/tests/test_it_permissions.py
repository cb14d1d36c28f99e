"""Who reaches what, per persona: a student only their own attempts; staff their own
course's; everyone else a 404 (an id in a URL tells a stranger nothing)."""

from __future__ import annotations

import pytest
from django.http import Http404

from quizsite.accounts.models import Membership, User
from quizsite.quizzes import selectors
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0

ALL = ["student", "other_student", "ta", "instructor", "stranger", "anonymous"]


@pytest.fixture
def who(personas):
    from django.contrib.auth.models import AnonymousUser

    def get(name):
        return personas[name] if personas[name] is not None else AnonymousUser()

    return get


@pytest.fixture
def attempt(quiz, personas):
    return start_attempt(quiz, personas["student"], now=T0)


@pytest.fixture
def foreign_staff(other_course):
    user = User.objects.create_user(username="foreign_ta")
    Membership.objects.create(user=user, course=other_course, role="ta")
    return user


def _allowed(call) -> bool:
    try:
        call()
    except Http404:
        return False
    return True


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p == "student") for p in ALL],
)
def test_it_shows_an_attempt_to_its_student_only(attempt, who, persona, allowed) -> None:
    assert _allowed(lambda: selectors.attempt_for_student(who(persona), attempt.pk)) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p in ("ta", "instructor")) for p in ALL],
)
def test_it_shows_an_attempt_to_its_courses_staff(attempt, who, persona, allowed) -> None:
    assert _allowed(lambda: selectors.attempt_for_staff(who(persona), attempt.pk)) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p in ("ta", "instructor")) for p in ALL],
)
def test_it_lists_attempts_to_the_courses_staff(attempt, quiz, who, persona, allowed) -> None:
    assert _allowed(lambda: list(selectors.attempts_for_staff(who(persona), quiz))) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p in ("student", "other_student", "ta", "instructor")) for p in ALL],
)
def test_it_shows_a_quiz_to_course_members(quiz, who, persona, allowed) -> None:
    assert _allowed(lambda: selectors.quiz_for_member(who(persona), quiz.pk)) is allowed
    assert _allowed(lambda: selectors.dashboard_for(who(persona), quiz.course, T0)) is allowed
    assert _allowed(lambda: selectors.course_for_member(who(persona), quiz.course.code)) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p in ("ta", "instructor")) for p in ALL],
)
def test_it_shows_staff_pages_to_the_courses_staff(quiz, who, persona, allowed) -> None:
    assert _allowed(lambda: selectors.quiz_for_staff(who(persona), quiz.pk)) is allowed
    assert _allowed(lambda: selectors.quiz_statistics(who(persona), quiz)) is allowed


def test_it_hides_a_course_from_another_courses_staff(attempt, quiz, foreign_staff) -> None:
    assert not _allowed(lambda: selectors.attempt_for_staff(foreign_staff, attempt.pk))
    assert not _allowed(lambda: selectors.quiz_for_staff(foreign_staff, quiz.pk))
    assert not _allowed(lambda: selectors.attempts_for_staff(foreign_staff, quiz))
    assert not _allowed(lambda: selectors.quiz_statistics(foreign_staff, quiz))


def test_it_answers_a_missing_id_like_a_forbidden_one(attempt, who) -> None:
    missing = attempt.pk + 1000
    assert not _allowed(lambda: selectors.attempt_for_student(who("student"), missing))
    assert not _allowed(lambda: selectors.attempt_for_staff(who("ta"), missing))


def test_it_lists_only_a_students_own_attempts_on_the_dashboard(attempt, quiz, personas) -> None:
    mine = selectors.dashboard_for(personas["student"], quiz.course, T0)
    theirs = selectors.dashboard_for(personas["other_student"], quiz.course, T0)
    assert [a.pk for a in mine["open"][0].attempts] == [attempt.pk]
    assert theirs["open"][0].attempts == []
