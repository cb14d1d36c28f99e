"""Submitting asks for confirmation first; the page's own countdown submits as the
timer once the server agrees the time is up (before that it is refused: see
test_it_refuses_an_early_automatic_submit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)


@pytest.fixture
def attempt(quiz, student):
    attempt = start_attempt(quiz, student, now=STARTED)
    save_answer(attempt, 1, "LOAD_DEREF", now=STARTED)
    return attempt


def _post(client, attempt, data, *, at):
    with time_machine.travel(at, tick=False):
        return client.post(reverse("quizzes:submit", args=[attempt.pk]), data)


def test_it_asks_for_confirmation_and_lists_unanswered_questions(
    attempt, student, client_for
) -> None:
    response = _post(client_for(student), attempt, {}, at=STARTED + timedelta(minutes=2))
    assert response.status_code == 200
    assert response.context["unanswered"] == [2, 3, 4, 5]
    assert b"Submit for grading" in response.content
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_it_submits_once_confirmed_and_shows_the_results(attempt, student, client_for) -> None:
    client = client_for(student)
    at = STARTED + timedelta(minutes=2)
    response = _post(client, attempt, {"confirm": "yes"}, at=at)
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:results", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_by, attempt.submitted_at) == (
        "submitted",
        "student",
        at,
    )
    again = _post(client, attempt, {"confirm": "yes"}, at=at + timedelta(minutes=1))
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at == at


@pytest.mark.parametrize(
    ("offset", "by"),
    [(timedelta(0), "timer"), (timedelta(seconds=1), "timer")],
    ids=["at the deadline", "a second after"],
)
def test_it_counts_the_page_s_auto_submit_as_the_timer_s_when_due(
    attempt, student, client_for, offset, by
) -> None:
    _post(
        client_for(student), attempt, {"confirm": "yes", "auto": "1"}, at=attempt.deadline + offset
    )
    attempt.refresh_from_db()
    assert attempt.submitted_by == by


def test_it_sends_a_finished_attempt_s_page_to_its_results(attempt, student, client_for) -> None:
    submit_attempt(attempt, now=STARTED + timedelta(minutes=3))
    with time_machine.travel(STARTED + timedelta(minutes=4), tick=False):
        response = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:results", args=[attempt.pk])
