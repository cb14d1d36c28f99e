"""The autosave endpoint: JSON in, JSON out, a clear status when refused, and the
same save through navigator.sendBeacon's form post (CSRF token as a field)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import add_time, start_attempt, submit_attempt
from quizsite.quizzes.models import Answer, LateSave
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)  # the attempt ends 25 minutes later
# Unshuffled, the small bank comes in path order.
CHOICE, CODE, MULTI, NUMERIC, TEXT = 1, 2, 3, 4, 5


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=STARTED)


def _save(client, attempt, body, *, at):
    with time_machine.travel(at, tick=False):
        return client.post(
            reverse("quizzes:autosave", args=[attempt.pk]),
            data=json.dumps(body),
            content_type="application/json",
        )


def _answer(attempt, position: int) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=position
    )


def test_it_saves_and_answers_with_the_revision_and_the_time_left(
    attempt, student, client_for
) -> None:
    client = client_for(student)
    first = _save(
        client,
        attempt,
        {"position": TEXT, "value": "Unbound", "revision": 0},
        at=STARTED + timedelta(minutes=5),
    )
    second = _save(
        client,
        attempt,
        {"position": TEXT, "value": "UnboundLocalError", "revision": 1},
        at=STARTED + timedelta(minutes=6),
    )
    assert first.status_code == 200 and second.status_code == 200
    body = second.json()
    assert body == {
        "accepted": True,
        "late": False,
        "conflict": False,
        "revision": 2,
        "saved_at": (STARTED + timedelta(minutes=6)).isoformat(),
        "message": messages.SAVED,
        "seconds_left": 19 * 60,
        "deadline": attempt.deadline.isoformat(),
        "added_seconds": 0,
    }
    assert _answer(attempt, TEXT).value == "UnboundLocalError"


def test_it_tells_a_saving_page_of_added_time_in_the_reply(
    attempt, student, ta, client_for
) -> None:
    # The page compares these with what it knows, instead of polling time_left.
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        add_time(attempt, 3, by=ta, now=STARTED + timedelta(minutes=2))
    response = _save(
        client_for(student),
        attempt,
        {"position": TEXT, "value": "x", "revision": 0},
        at=STARTED + timedelta(minutes=5),
    )
    body = response.json()
    assert (body["deadline"], body["added_seconds"], body["seconds_left"]) == (
        (STARTED + timedelta(minutes=28)).isoformat(),
        180,
        23 * 60,
    )


def test_it_counts_a_save_within_the_grace_period(attempt, student, client_for) -> None:
    response = _save(
        client_for(student),
        attempt,
        {"position": CHOICE, "value": "LOAD_DEREF"},
        at=attempt.deadline + timedelta(seconds=30),
    )
    assert response.status_code == 200
    assert response.json()["message"] == messages.SAVED_IN_GRACE
    assert response.json()["seconds_left"] == 0


def test_it_refuses_a_save_after_the_grace_period_with_the_late_message(
    attempt, student, client_for
) -> None:
    response = _save(
        client_for(student),
        attempt,
        {"position": CHOICE, "value": "LOAD_DEREF", "revision": 0},
        at=attempt.deadline + timedelta(seconds=31),
    )
    assert response.status_code == 410
    assert response.json()["accepted"] is False
    assert response.json()["late"] is True
    assert response.json()["message"] == messages.LATE_SAVE
    assert _answer(attempt, CHOICE).value is None
    assert LateSave.objects.get().value == "LOAD_DEREF"


def test_it_refuses_a_save_after_submission_as_a_conflict(attempt, student, client_for) -> None:
    at = STARTED + timedelta(minutes=2)
    submit_attempt(attempt, now=at)
    response = _save(
        client_for(student), attempt, {"position": CHOICE, "value": "LOAD_FAST"}, at=at
    )
    assert response.status_code == 409
    assert response.json()["message"] == messages.ALREADY_SUBMITTED


@pytest.mark.parametrize(
    "body",
    [
        {"value": "x"},
        {"position": "one", "value": "x"},
        {"position": 99, "value": "x"},
        {"position": MULTI, "value": "not a list"},
    ],
    ids=["no position", "position not a number", "no such position", "wrong type for multi"],
)
def test_it_answers_400_to_a_malformed_save(attempt, student, client_for, body) -> None:
    response = _save(client_for(student), attempt, body, at=STARTED + timedelta(minutes=1))
    assert response.status_code == 400
    assert response.json()["accepted"] is False and response.json()["message"]
    assert not Answer.objects.filter(attempt_question__attempt=attempt, revision__gt=0).exists()


def test_it_accepts_a_beacon_post_with_the_token_as_a_field(attempt, student) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    at = STARTED + timedelta(minutes=3)
    with time_machine.travel(at, tick=False):
        page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
        token = page.context["csrf_token"]
        url = reverse("quizzes:autosave", args=[attempt.pk])
        payload = json.dumps({"position": NUMERIC, "value": "100", "revision": 0})
        refused = client.post(url, {"payload": payload})
        accepted = client.post(url, {"payload": payload, "csrfmiddlewaretoken": str(token)})
    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert _answer(attempt, NUMERIC).value == "100"


def test_it_needs_the_csrf_header_for_a_json_save(attempt, student) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = _save(client, attempt, {"position": NUMERIC, "value": "1"}, at=STARTED)
    assert response.status_code == 403


def test_it_answers_a_stale_tab_with_409_and_the_saved_version(
    attempt, student, client_for
) -> None:
    client = client_for(student)
    at = STARTED + timedelta(minutes=1)
    _save(client, attempt, {"position": TEXT, "value": "A", "revision": 0, "client": "a1"}, at=at)
    _save(client, attempt, {"position": TEXT, "value": "B", "revision": 1, "client": "b1"}, at=at)

    response = _save(
        client, attempt, {"position": TEXT, "value": "A2", "revision": 1, "client": "a1"}, at=at
    )

    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True and body["accepted"] is False and body["late"] is False
    assert (body["value"], body["revision"], body["message"]) == (
        "B",
        2,
        messages.CHANGED_ELSEWHERE,
    )
    assert body["seconds_left"] == 24 * 60  # the attempt goes on
    assert _answer(attempt, TEXT).value == "B"


def test_it_refuses_a_malformed_page_id(attempt, student, client_for) -> None:
    response = _save(
        client_for(student),
        attempt,
        {"position": TEXT, "value": "A", "revision": 0, "client": "<script>"},
        at=STARTED,
    )
    assert response.status_code == 400
    assert "client" in response.json()["message"]
