"""The server submits an attempt when its time plus grace is up: the periodic sweep
and on next access, whatever the browser does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import tasks
from quizsite.quizzes.actions.attempts import expire_due, start_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.models import Attempt, AttemptStatus
from quizsite.quizzes.tests.conftest import T0

S = timedelta(seconds=1)
CUTOFF = timedelta(minutes=25, seconds=30)  # limit + grace


@pytest.mark.parametrize(
    ("offset", "submitted"),
    [(CUTOFF - S, False), (CUTOFF, False), (CUTOFF + S, True)],
    ids=["a second before grace ends", "as grace ends", "a second after"],
)
def test_it_sweeps_attempts_whose_grace_has_ended(quiz, student, offset, submitted) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    assert expire_due(now=T0 + offset) == int(submitted)
    attempt.refresh_from_db()
    assert (attempt.status == AttemptStatus.SUBMITTED) is submitted
    if submitted:
        assert attempt.submitted_by == "timer"
        assert attempt.submitted_at == T0 + offset
        assert attempt.score == 0.0


def test_it_sweeps_only_due_attempts_and_each_once(quiz, student, other_student) -> None:
    early = start_attempt(quiz, student, now=T0)
    later = start_attempt(quiz, other_student, now=T0 + timedelta(minutes=10))
    now = T0 + CUTOFF + S
    assert expire_due(now=now) == 1
    assert expire_due(now=now) == 0
    early.refresh_from_db()
    later.refresh_from_db()
    assert early.status == AttemptStatus.SUBMITTED
    assert later.status == AttemptStatus.IN_PROGRESS


def test_it_runs_the_sweep_as_the_named_periodic_task(quiz, student, time_machine) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    assert tasks.expire_due_attempts.name == "quizzes.expire_due_attempts"
    time_machine.move_to(T0 + CUTOFF + S, tick=False)
    assert tasks.expire_due_attempts() == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED


def test_it_expires_on_next_access(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    state = attempt_view_state(attempt, now=T0 + CUTOFF + S)
    assert state["status"] == AttemptStatus.SUBMITTED and not state["accepts_saves"]
    assert Attempt.objects.get().submitted_by == "timer"


def test_it_starts_a_new_attempt_after_expiring_a_forgotten_one(make_quiz, student) -> None:
    quiz = make_quiz(attempts_allowed=2)
    first = start_attempt(quiz, student, now=T0)
    second = start_attempt(quiz, student, now=T0 + timedelta(hours=1))
    first.refresh_from_db()
    assert first.status == AttemptStatus.SUBMITTED and first.submitted_by == "timer"
    assert second.number == 2 and second.status == AttemptStatus.IN_PROGRESS


def test_it_expires_from_the_command_line(quiz, student, time_machine) -> None:
    from io import StringIO

    from django.core.management import call_command

    attempt = start_attempt(quiz, student, now=T0)
    time_machine.move_to(T0 + CUTOFF + S, tick=False)
    out = StringIO()
    call_command("expire_attempts", stdout=out)
    assert out.getvalue().startswith("1 attempt(s) submitted")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
