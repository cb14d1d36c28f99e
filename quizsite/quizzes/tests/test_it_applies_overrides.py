"""Overrides per student and per group, and time staff add to a running attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.accounts.models import CourseGroup
from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.actions.overrides import recompute_deadlines
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import QuizOverride, TimeAddition
from quizsite.quizzes.tests.conftest import T0

M = timedelta(minutes=1)
S = timedelta(seconds=1)


@pytest.fixture
def group(course, student):
    g = CourseGroup.objects.create(course=course, name="accommodations")
    g.members.add(student)
    return g


def test_it_gives_a_group_its_extra_time(quiz, student, group) -> None:
    QuizOverride.objects.create(quiz=quiz, group=group, extra_percent=50)
    attempt = start_attempt(quiz, student, now=T0)
    assert attempt.deadline == T0 + timedelta(minutes=37, seconds=30)


def test_it_prefers_a_students_own_override_to_the_groups(quiz, student, group) -> None:
    QuizOverride.objects.create(quiz=quiz, group=group, extra_percent=50)
    QuizOverride.objects.create(quiz=quiz, user=student, extra_minutes=5)
    attempt = start_attempt(quiz, student, now=T0)
    assert attempt.deadline == T0 + 30 * M


def test_it_gives_nothing_to_someone_outside_the_group(quiz, other_student, group) -> None:
    QuizOverride.objects.create(quiz=quiz, group=group, extra_percent=50)
    attempt = start_attempt(quiz, other_student, now=T0)
    assert attempt.deadline == T0 + 25 * M


def test_it_opens_another_window_for_one_student(quiz, student, other_student) -> None:
    later = quiz.closes_at + timedelta(days=1)
    QuizOverride.objects.create(
        quiz=quiz, user=student, opens_at=later - timedelta(hours=2), closes_at=later
    )
    with pytest.raises(QuizError) as e:
        start_attempt(quiz, student, now=T0 + M)
    assert e.value.message == messages.NOT_OPEN_YET
    attempt = start_attempt(quiz, student, now=later - 10 * M)
    assert attempt.deadline == later  # the limit is capped by the student's own close
    with pytest.raises(QuizError):
        start_attempt(quiz, other_student, now=later - 10 * M)


def test_it_recomputes_running_deadlines_when_an_override_changes(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    QuizOverride.objects.create(quiz=quiz, user=student, extra_minutes=10)
    assert recompute_deadlines(quiz) == 1
    attempt.refresh_from_db()
    assert attempt.deadline == T0 + 35 * M


def test_it_records_time_staff_add_and_lets_it_run_past_close(make_quiz, student, ta) -> None:
    quiz = make_quiz(closes_at=T0 + 20 * M)
    attempt = start_attempt(quiz, student, now=T0)
    assert attempt.deadline == T0 + 20 * M
    attempt = add_time(attempt, 5, by=ta, now=T0 + 19 * M)
    assert attempt.deadline == T0 + 25 * M
    assert attempt.added_time == 5 * M
    added = TimeAddition.objects.get()
    assert (added.minutes, added.added_by, added.added_at) == (5, ta, T0 + 19 * M)
    assert save_answer(attempt, 1, "LOAD_DEREF", now=T0 + 25 * M + 30 * S).accepted
    assert not save_answer(attempt, 1, "LOAD_FAST", now=T0 + 25 * M + 31 * S).accepted


def test_it_keeps_added_time_when_overrides_are_recomputed(quiz, student, ta) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    add_time(attempt, 3, by=ta, now=T0 + M)
    QuizOverride.objects.create(quiz=quiz, user=student, extra_minutes=10)
    recompute_deadlines(quiz)
    attempt.refresh_from_db()
    assert attempt.deadline == T0 + 38 * M


@pytest.mark.parametrize("minutes", [0, -5])
def test_it_refuses_to_add_no_time(quiz, student, ta, minutes) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    with pytest.raises(QuizError) as e:
        add_time(attempt, minutes, by=ta, now=T0)
    assert e.value.message == messages.ADD_TIME_POSITIVE


def test_it_refuses_to_add_time_to_a_submitted_attempt(quiz, student, ta) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    submit_attempt(attempt, now=T0 + M)
    with pytest.raises(QuizError) as e:
        add_time(attempt, 5, by=ta, now=T0 + 2 * M)
    assert e.value.message == messages.ADD_TIME_FINISHED


def test_it_allows_one_override_per_student_or_group_never_both(quiz, student, group) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        QuizOverride.objects.create(quiz=quiz, user=student, group=group)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizOverride.objects.create(quiz=quiz)
