"""Whatever locks an attempt's row locks that row alone, never its quiz's: the
attempt's default ordering (by quiz) and ``select_related("quiz")`` join the quiz,
and a plain FOR UPDATE locked every row it read, so one student's first page, saved
answer, stored result or added time made every other student of the quiz wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizsite.quizzes import access_rules, integrity
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import add_time, start_attempt
from quizsite.quizzes.actions.overrides import recompute_deadlines
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)


def _first_page(attempt, _ta):
    integrity.note_visit(
        attempt,
        session_key="k",
        address="10.0.0.1",
        browser="Firefox",
        rules=access_rules.Rules(),
        now=T0 + S,
    )


def _save(attempt, _ta):
    save_answer(attempt, position_of(attempt, "text"), "x", now=T0 + S)


def _add_time(attempt, ta):
    add_time(attempt, 3, by=ta, now=T0 + S)


def _quiz_edited(attempt, _ta):
    recompute_deadlines(attempt.quiz)


@pytest.mark.parametrize(
    "action",
    [_first_page, _save, _add_time, _quiz_edited],
    ids=["first page", "autosave", "added time", "quiz edited"],
)
def test_it_locks_the_attempt_alone(quiz, student, ta, action) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    with CaptureQueriesContext(connection) as queries:
        action(attempt, ta)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks, "the action locked nothing"
    for sql in locks:
        assert "quizzes_quiz" not in sql or 'FOR UPDATE OF "quizzes_attempt"' in sql, sql
