"""Grading a code answer and storing its result costs a fixed, small number of queries:
the claim, one read of the row (without the stored package's files, which are parsed
once per process), the result, the answer and the attempt's score, and ``stored_at``.
The finished row is handed to the receivers as it is, not read back; the attempt is
locked alone, not together with its quiz's row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from quizsite.grading import service
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.code_results import _lock_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
RIGHT = "def double(x):\n    return x + x\n"
# claim, read, result, then in one transaction: the answer's tries, the answer, the
# attempt's lock, the answer's update, the score's read and update, LTI's check; and
# stored_at. (SQLite adds no BEGIN/COMMIT queries; PostgreSQL logs two.)
MAX_QUERIES = 13


def _submitted(quiz, user):
    attempt = start_attempt(quiz, user, now=T0)
    save_answer(attempt, position_of(attempt, "code"), RIGHT, now=T0 + S)
    submit_attempt(attempt, now=T0 + 2 * S)
    answer = Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__question_version__question__type="code"
    )
    return attempt, answer.submission_id


def test_it_grades_and_stores_a_code_answer_in_few_queries(
    quiz, student, fake_sandbox, django_assert_max_num_queries
) -> None:
    attempt, submission_id = _submitted(quiz, student)
    service.grade_submission(submission_id)  # the package is parsed and cached here
    attempt.delete()
    attempt, submission_id = _submitted(quiz, student)
    with CaptureQueriesContext(connection) as queries:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert service.grade_submission(submission_id) is service.Outcome.DONE
    attempt.refresh_from_db()
    assert attempt.score is not None and attempt.score > 0
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if '"questions_questionversion"."files"' in q]
    # Read once (with its version), never read back after the result is stored.
    reads = [q for q in sql if q.startswith("SELECT") and 'FROM "grading_submission"' in q]
    assert len(reads) == 1


@pytest.mark.django_db(transaction=True)
def test_it_locks_the_attempt_without_its_quiz(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _lock_attempt(attempt.pk)
    (lock,) = [q["sql"] for q in queries.captured_queries if "quizzes_attempt" in q["sql"]]
    assert "quizzes_quiz" not in lock
