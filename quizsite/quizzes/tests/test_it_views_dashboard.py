"""The course's quiz dashboard: upcoming, open and closed quizzes, times in the
student's own zone (else the course's), and a query count that does not grow with
the number of quizzes."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(hours=1)  # 2026-03-10 15:00 UTC


def _dashboard(client, course):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("quizzes:course", args=[course.code]))


def test_it_sorts_quizzes_by_state_in_the_course_s_zone(
    make_quiz, course, student, client_for
) -> None:
    make_quiz(title="Open quiz")  # T0 .. T0+12h
    make_quiz(title="Later quiz", opens_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=2))
    make_quiz(title="Old quiz", opens_at=T0 - timedelta(days=2), closes_at=T0 - timedelta(days=1))
    page = _dashboard(client_for(student), course)
    assert page.status_code == 200
    sections = {s["key"]: [e.quiz.title for e in s["entries"]] for s in page.context["sections"]}
    assert sections == {"open": ["Open quiz"], "upcoming": ["Later quiz"], "closed": ["Old quiz"]}
    text = page.content.decode()
    # New York is on daylight time (UTC-4) from 8 March 2026.
    assert "Open until Tue 10 Mar 2026, 22:00" in text
    assert "Opens Wed 11 Mar 2026, 10:00" in text
    assert "Times are shown in America/New_York" in text


def test_it_shows_times_in_the_student_s_own_zone(make_quiz, course, student, client_for) -> None:
    student.timezone = "Europe/Zurich"
    student.save()
    make_quiz(title="Open quiz")
    text = _dashboard(client_for(student), course).content.decode()
    assert "Open until Wed 11 Mar 2026, 03:00" in text  # UTC+1 in March
    assert "Times are shown in Europe/Zurich" in text


def test_it_offers_continue_for_a_running_attempt(make_quiz, course, student, client_for) -> None:
    quiz = make_quiz(title="Open quiz")
    attempt = start_attempt(quiz, student, now=NOW - timedelta(minutes=5))
    text = _dashboard(client_for(student), course).content.decode()
    assert reverse("quizzes:attempt", args=[attempt.pk]) in text
    assert "Continue" in text


def test_it_needs_the_same_queries_for_two_quizzes_as_for_eight(
    make_quiz, course, student, client_for
) -> None:
    client = client_for(student)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _dashboard(client, course).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        start_attempt(make_quiz(title=f"Quiz {i}"), student, now=T0)
    few = queries()
    for i in range(2, 8):
        start_attempt(make_quiz(title=f"Quiz {i}"), student, now=T0)
    assert queries() == few
