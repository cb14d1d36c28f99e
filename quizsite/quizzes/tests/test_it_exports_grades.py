"""The quiz's grades as CSV for the grade book: every enrolled student once, the best
graded attempt counted, "not graded yet" never written as zero, times in the course's
zone, and cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from quizsite.accounts.models import Membership, User
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Attempt, AttemptStatus
from quizsite.quizzes.tests.conftest import T0


def _enrol(course, username: str, **fields) -> User:
    user = User.objects.create_user(username, **fields)
    Membership.objects.create(user=user, course=course, role="student")
    return user


def _finish(attempt: Attempt, *, score: float | None, minutes: int, by: str = "student") -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.SUBMITTED,
        score=score,
        max_score=9.0,
        submitted_at=attempt.started_at + timedelta(minutes=minutes),
        submitted_by=by,
    )


def _download(client) -> tuple[object, list[dict[str, str]]]:
    response = client.get(reverse("quizzes:staff_quiz_grades", args=["cs107", 1]))
    return response, list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def quiz(make_quiz):
    return make_quiz(attempts_allowed=2, pk=1)


def test_it_lists_every_student_with_the_best_graded_attempt(
    quiz, course, other_course, student, other_student, ta, client_for
) -> None:
    first = start_attempt(quiz, student, now=T0)
    _finish(first, score=7.0, minutes=20)
    second = start_attempt(quiz, student, now=T0 + timedelta(hours=1))
    _finish(second, score=3.0, minutes=10, by="timer")
    start_attempt(quiz, other_student, now=T0 + timedelta(hours=2))  # still running
    grading = _enrol(course, "grading", first_name="Gra", last_name="Ding")
    _finish(start_attempt(quiz, grading, now=T0), score=None, minutes=5)
    _enrol(course, "absent", email="absent@example.edu")
    stranger = User.objects.create_user("elsewhere")
    Membership.objects.create(user=stranger, course=other_course, role="student")

    response, rows = _download(client_for(ta))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cs107-quiz-1-grades.csv"'
    by_name = {r["username"]: r for r in rows}
    assert [r["username"] for r in rows] == ["absent", "grading", "other_student", "student"]
    assert by_name["student"] == {
        "username": "student",
        "name": "",
        "email": "student@example.edu",
        "status": "graded",
        "score": "7.0",
        "max_score": "9.0",
        "attempts": "2",
        "counted_attempt": "1",
        # 14:20 UTC is 10:20 in New York (the course's zone), on daylight time since 8 March.
        "submitted_at": "2026-03-10T10:20:00-04:00",
        "submitted_by": "student",
    }
    assert (by_name["grading"]["status"], by_name["grading"]["score"]) == ("grading", "")
    assert by_name["grading"]["name"] == "Gra Ding"
    assert (by_name["other_student"]["status"], by_name["other_student"]["score"]) == (
        "in progress",
        "",
    )
    assert by_name["absent"]["status"] == "not started"
    assert (by_name["absent"]["score"], by_name["absent"]["attempts"]) == ("", "0")


def test_it_keeps_the_best_score_while_a_later_attempt_runs(quiz, student, ta, client_for):
    _finish(start_attempt(quiz, student, now=T0), score=6.5, minutes=3)
    start_attempt(quiz, student, now=T0 + timedelta(hours=1))

    _, rows = _download(client_for(ta))

    assert (rows[0]["status"], rows[0]["score"], rows[0]["counted_attempt"]) == (
        "in progress",
        "6.5",
        "1",
    )


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Ada Lovelace", "Ada Lovelace"),
    ],
)
def test_it_neutralises_cells_that_would_run_as_formulas(
    quiz, course, ta, client_for, name, written
) -> None:
    first, _, last = name.partition(" ")
    _enrol(course, "zed", first_name=first, last_name=last)

    _, rows = _download(client_for(ta))

    assert rows[-1]["name"] == written


def test_it_costs_the_same_queries_for_a_large_class(
    quiz, course, ta, client_for, django_assert_max_num_queries
) -> None:
    for i in range(40):
        user = _enrol(course, f"s{i:02d}")
        _finish(start_attempt(quiz, user, now=T0), score=float(i % 9), minutes=5)
    client = client_for(ta)
    client.get(reverse("quizzes:staff_quiz", args=["cs107", 1]))  # session, caches warm
    with django_assert_max_num_queries(8):
        response, rows = _download(client)
    assert response.status_code == 200 and len(rows) == 40
