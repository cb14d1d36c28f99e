"""The start page: the rules, the student's own time limit and window, and a Start
that begins or resumes the one running attempt."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.models import Attempt, QuizOverride
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=30)


def _url(quiz):
    return reverse("quizzes:start", args=[quiz.course.code, quiz.pk])


def _get(client, quiz, at=NOW):
    with time_machine.travel(at, tick=False):
        return client.get(_url(quiz))


def _post(client, quiz, at=NOW):
    with time_machine.travel(at, tick=False):
        return client.post(_url(quiz))


def test_it_shows_the_rules_limit_and_window_end(quiz, student, client_for) -> None:
    quiz.instructions = "Bring **nothing** but your wits."
    quiz.save()
    text = _get(client_for(student), quiz).content.decode()
    assert "<strong>nothing</strong>" in text  # Markdown, sanitised
    assert "25 minutes" in text
    # 2026-03-11 02:00 UTC is 22:00 the evening before in New York (UTC-4).
    assert "Tue 10 Mar 2026, 10:00 to Tue 10 Mar 2026, 22:00" in text
    assert "30 seconds late" in text
    assert "Start the quiz" in text


def test_it_shows_the_student_s_own_extra_time(quiz, student, client_for) -> None:
    QuizOverride.objects.create(quiz=quiz, user=student, extra_percent=50)
    text = _get(client_for(student), quiz).content.decode()
    assert "37 min 30 s" in text and "your extra time included" in text


def test_it_starts_once_and_then_resumes(quiz, student, client_for) -> None:
    client = client_for(student)
    first = _post(client, quiz)
    second = _post(client, quiz, at=NOW + timedelta(minutes=2))
    attempt = Attempt.objects.get()
    assert first["Location"] == second["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    assert "Continue your attempt" in _get(client, quiz).content.decode()


def test_it_offers_no_start_before_the_window_opens(quiz, student, client_for) -> None:
    client = client_for(student)
    text = _get(client, quiz, at=T0 - timedelta(minutes=1)).content.decode()
    assert "Start the quiz" not in text and "This quiz opens" in text
    refused = _post(client, quiz, at=T0 - timedelta(seconds=1))
    assert refused.status_code == 409
    assert messages.NOT_OPEN_YET in refused.content.decode()
    assert not Attempt.objects.exists()


def test_it_explains_to_staff_that_students_start_here(quiz, ta, client_for) -> None:
    client = client_for(ta)
    assert "Start the quiz" not in _get(client, quiz).content.decode()
    refused = _post(client, quiz)
    assert refused.status_code == 409
    assert messages.NOT_A_STUDENT in refused.content.decode()
