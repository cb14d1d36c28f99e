"""Autosave: every revision kept, retries idempotent, saves in grace count, late saves
refused and logged but never stored as an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer, AnswerRevision, AttemptStatus, LateSave
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
LIMIT = timedelta(minutes=25)
GRACE = timedelta(seconds=30)


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _answer(attempt, kind: str) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type=kind
    )


def _save(attempt, kind: str, value, now):
    return save_answer(attempt, position_of(attempt, kind), value, now=now)


def test_it_keeps_every_revision_and_the_current_value(attempt) -> None:
    for i, value in enumerate(["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF"], start=1):
        result = _save(attempt, "choice", value, T0 + i * S)
        assert (result.accepted, result.late, result.revision) == (True, False, i)
    answer = _answer(attempt, "choice")
    assert (answer.value, answer.revision, answer.saved_at) == ("LOAD_DEREF", 3, T0 + 3 * S)
    assert list(answer.revisions.values_list("revision", "value")) == [
        (1, "LOAD_FAST"),
        (2, "LOAD_GLOBAL"),
        (3, "LOAD_DEREF"),
    ]


def test_it_acknowledges_a_retried_save_without_a_new_revision(attempt) -> None:
    _save(attempt, "code", "def double(x):\n    return x * 2\n", T0 + S)
    again = _save(attempt, "code", "def double(x):\n    return x * 2\n", T0 + 2 * S)
    assert again.accepted and again.revision == 1
    assert AnswerRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("choice", "LOAD_DEREF", "LOAD_DEREF"),
        ("multi", ["co_cellvars"], ["co_cellvars"]),
        ("numeric", "1e2", "1e2"),
        ("numeric", 100, "100"),
        ("text", "UnboundLocalError", "UnboundLocalError"),
        ("code", "def double(x): return 2*x", "def double(x): return 2*x"),
        ("choice", None, None),
    ],
)
def test_it_stores_each_type_in_its_form(attempt, kind, value, stored) -> None:
    assert _save(attempt, kind, value, T0 + S).accepted
    assert _answer(attempt, kind).value == stored


@pytest.mark.parametrize(
    ("kind", "value"), [("choice", ["a"]), ("multi", "co_cellvars"), ("text", 12)]
)
def test_it_refuses_a_value_of_the_wrong_form(attempt, kind, value) -> None:
    with pytest.raises(QuizError) as e:
        _save(attempt, kind, value, T0 + S)
    assert e.value.message == messages.BAD_VALUE


def test_it_refuses_a_position_not_in_the_attempt(attempt) -> None:
    with pytest.raises(QuizError):
        save_answer(attempt, 99, "x", now=T0)


@pytest.mark.parametrize(
    ("offset", "accepted", "in_grace"),
    [
        (LIMIT - S, True, False),
        (LIMIT, True, False),
        (LIMIT + S, True, True),
        (LIMIT + GRACE, True, True),
        (LIMIT + GRACE + S, False, None),
    ],
    ids=["before deadline", "at deadline", "in grace", "grace ends", "after grace"],
)
def test_it_accepts_saves_until_the_grace_period_ends(attempt, offset, accepted, in_grace) -> None:
    result = _save(attempt, "text", "UnboundLocalError", T0 + offset)
    assert result.accepted is accepted
    answer = _answer(attempt, "text")
    if accepted:
        assert not result.late
        assert answer.value == "UnboundLocalError"
        assert answer.revisions.get().in_grace is in_grace
    else:
        assert result.late and result.message == messages.LATE_SAVE
        assert answer.value is None and answer.revision == 0
        assert not answer.revisions.exists()
        late = LateSave.objects.get()
        assert (late.value, late.received_at, late.reason) == (
            "UnboundLocalError",
            T0 + offset,
            "late",
        )


def test_it_submits_the_attempt_when_a_late_save_arrives(attempt) -> None:
    _save(attempt, "text", "UnboundLocalError", T0 + S)
    _save(attempt, "text", "NameError", T0 + LIMIT + GRACE + S)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.submitted_by == "timer"
    assert _answer(attempt, "text").value == "UnboundLocalError"
    assert _answer(attempt, "text").points == 1.0


def test_it_refuses_and_logs_a_save_after_the_student_submitted(attempt) -> None:
    submit_attempt(attempt, now=T0 + 60 * S)
    result = _save(attempt, "choice", "LOAD_DEREF", T0 + 61 * S)
    assert not result.accepted and not result.late
    assert result.message == messages.ALREADY_SUBMITTED
    assert LateSave.objects.get().reason == "submitted"
    assert _answer(attempt, "choice").value is None


def test_it_uses_the_stored_deadline_even_with_a_stale_attempt_object(attempt, ta) -> None:
    stale = attempt
    add_time(attempt, 10, by=ta, now=T0 + LIMIT)
    result = _save(stale, "text", "UnboundLocalError", T0 + LIMIT + GRACE + S)
    assert result.accepted
