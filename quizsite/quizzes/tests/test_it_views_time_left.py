"""The open attempt page's poll: the time left by the server's clock, and when the
deadline moved since the page last heard, the sentence to announce. Without it an
idle page never heard of added time and submitted at the old deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.actions.overrides import save_override
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)  # the deadline is 14:26 UTC, 10:26 in New York


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=STARTED)


def _poll(client, attempt, *, at, **params):
    with time_machine.travel(at, tick=False):
        return client.get(reverse("quizzes:time_left", args=[attempt.pk]), params)


def _seen(attempt) -> dict:
    return {"seen": attempt.deadline.isoformat(), "added": "0"}


def test_it_tells_the_time_left_and_nothing_more_when_unchanged(
    attempt, student, client_for
) -> None:
    response = _poll(
        client_for(student), attempt, at=STARTED + timedelta(minutes=5), **_seen(attempt)
    )
    assert response.status_code == 200
    assert response.json() == {
        "running": True,
        "seconds_left": 20 * 60,
        "deadline": attempt.deadline.isoformat(),
        "added_seconds": 0,
    }


def test_it_tells_an_idle_page_that_its_ta_added_minutes(attempt, student, ta, client_for):
    seen = _seen(attempt)
    add_time(attempt, 3, by=ta, now=STARTED + timedelta(minutes=5))
    body = _poll(client_for(student), attempt, at=STARTED + timedelta(minutes=5), **seen).json()
    assert body["seconds_left"] == 23 * 60
    assert body["change"] == "added"
    assert body["added_seconds"] == 180
    assert body["ends_at"] == "10:29:00"
    assert body["message"] == "Your TA added 3 minutes: the quiz now ends at 10:29."


def test_it_tells_of_an_override_that_moves_the_deadline(
    attempt, student, client_for, quiz
) -> None:
    seen = _seen(attempt)
    save_override(quiz, user=student, extra_minutes=10, now=STARTED)
    body = _poll(client_for(student), attempt, at=STARTED + timedelta(minutes=5), **seen).json()
    assert body["change"] == "later"
    assert body["message"] == "Your time was extended: the quiz now ends at 10:36."


def test_it_says_nothing_to_a_page_that_names_no_deadline(attempt, student, ta, client_for):
    add_time(attempt, 3, by=ta, now=STARTED)
    body = _poll(client_for(student), attempt, at=STARTED, seen="yesterday", added="x").json()
    assert "message" not in body
    assert body["seconds_left"] == 28 * 60


def test_it_tells_a_finished_attempt_s_page_it_is_over(attempt, student, client_for) -> None:
    submit_attempt(attempt, now=STARTED + timedelta(minutes=2))
    body = _poll(client_for(student), attempt, at=STARTED + timedelta(minutes=3), **_seen(attempt))
    assert body.json()["running"] is False
    assert body.json()["seconds_left"] == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_student", 404), ("ta", 404), ("anonymous", 401)],
)
def test_it_answers_only_the_attempt_s_owner(attempt, request, client_for, who, status) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = _poll(client_for(user), attempt, at=STARTED, **_seen(attempt))
    assert response.status_code == status
