"""Racing requests against a real PostgreSQL: one attempt per double click, one grading
per attempt however many submits race, and no save slips in after grading has read
the answers. (SQLite serialises every writer, so these run on PostgreSQL only.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from quizsite.grading.models import Submission
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer, Attempt
from quizsite.quizzes.tests.conftest import T0, position_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]
S = timedelta(seconds=1)


def _race(n: int, work) -> list:
    """Run work(i) in n threads released together; results (or exceptions) by i."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as e:  # reported to the test, which asserts on it
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_it_starts_one_attempt_however_many_clicks_race(quiz, student) -> None:
    results = _race(6, lambda i: start_attempt(quiz, student, now=T0 + i * S))
    assert all(isinstance(r, Attempt) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Attempt.objects.count() == 1


def test_it_grades_once_when_the_timer_and_the_student_race(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, position_of(attempt, "code"), "def double(x): return 2*x", now=T0)
    results = _race(
        8,
        lambda i: submit_attempt(
            Attempt.objects.select_related("quiz").get(pk=attempt.pk),
            now=T0 + (i + 1) * S,
            by="timer" if i % 2 else "student",
        ),
    )
    assert all(isinstance(r, Attempt) for r in results), results
    assert Submission.objects.filter(purpose="answer").count() == 1
    assert len({(r.submitted_at, r.submitted_by) for r in results}) == 1


def test_it_never_accepts_a_save_that_grading_did_not_see(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    pos = position_of(attempt, "text")

    def work(i: int):
        fresh = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
        if i == 5:
            return submit_attempt(fresh, now=T0 + 10 * S)
        value = "UnboundLocalError" if i % 2 else f"wrong {i}"
        return (value, save_answer(fresh, pos, value, now=T0 + 10 * S))

    results = _race(12, work)
    assert not any(isinstance(r, Exception) for r in results), results
    accepted = [
        (v, r.revision) for v, r in (x for x in results if isinstance(x, tuple)) if r.accepted
    ]
    answer = Answer.objects.get(attempt_question__attempt=attempt, attempt_question__position=pos)
    if accepted:
        last_value, last_revision = max(accepted, key=lambda a: a[1])
        assert (answer.value, answer.revision) == (last_value, last_revision)
    # The points are those of the value stored: grading read it after every accepted save.
    assert answer.points == (1.0 if answer.value == "UnboundLocalError" else 0.0)
    refused = [r for r in results if isinstance(r, tuple) and not r[1].accepted]
    assert answer.attempt_question.late_saves.count() == len(refused)
