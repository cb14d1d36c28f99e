"""An automatic submit (the page's countdown at zero) that reaches the server before
the deadline is refused and the attempt goes on: the page's clock ran ahead, or
staff added time the page had not heard of yet. It was recorded as the student's
own submission, minutes early."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)
S = timedelta(seconds=1)


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=STARTED)


def _auto_submit(client, attempt, *, at):
    with time_machine.travel(at, tick=False):
        return client.post(
            reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes", "auto": "1"}
        )


def test_it_refuses_an_automatic_submit_a_second_before_the_deadline(
    attempt, student, client_for
) -> None:
    response = _auto_submit(client_for(student), attempt, at=attempt.deadline - S)
    assert response.status_code == 409
    assert response.json() == {
        "submitted": False,
        "early": True,
        "message": messages.NOT_TIME_UP_YET,
        "seconds_left": 1,
    }
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_by) == ("in_progress", "")


def test_it_refuses_the_old_deadline_s_submit_after_staff_added_time(
    attempt, student, ta, client_for
) -> None:
    old = attempt.deadline
    add_time(attempt, 3, by=ta, now=old - timedelta(minutes=1))
    response = _auto_submit(client_for(student), attempt, at=old)
    assert response.status_code == 409
    assert response.json()["seconds_left"] == 180
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    # At the new deadline it goes through, as the timer's.
    done = _auto_submit(client_for(student), attempt, at=old + timedelta(minutes=3))
    assert done.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_by) == ("submitted", "timer")


def test_it_still_submits_the_student_s_own_click_before_the_deadline(
    attempt, student, client_for
) -> None:
    with time_machine.travel(attempt.deadline - S, tick=False):
        response = client_for(student).post(
            reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "yes"}
        )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_by) == ("submitted", "student")


def test_it_sends_an_automatic_submit_of_a_finished_attempt_to_its_results(
    attempt, student, client_for
) -> None:
    submit_attempt(attempt, now=STARTED + timedelta(minutes=2))
    response = _auto_submit(client_for(student), attempt, at=STARTED + timedelta(minutes=3))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:results", args=[attempt.pk])
