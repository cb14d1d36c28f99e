"""Flag for review: stored with the answer by the flag endpoint, shown again on every
load of the attempt page, refused once the attempt is over or for another's attempt."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)
TEXT = 5  # unshuffled, the small bank comes in path order


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=STARTED)


def _flag(client, attempt, body, *, at=STARTED + timedelta(minutes=2)):
    with time_machine.travel(at, tick=False):
        return client.post(
            reverse("quizzes:flag", args=[attempt.pk]),
            data=json.dumps(body),
            content_type="application/json",
        )


def _flagged(attempt, position: int) -> bool:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=position
    ).flagged


def test_it_stores_and_clears_a_flag(attempt, student, client_for) -> None:
    client = client_for(student)
    response = _flag(client, attempt, {"position": TEXT, "flagged": True})
    assert response.status_code == 200
    assert response.json() == {"position": TEXT, "flagged": True}
    assert _flagged(attempt, TEXT)
    with time_machine.travel(STARTED + timedelta(minutes=3), tick=False):
        page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert 'aria-pressed="true"' in page.content.decode()
    _flag(client, attempt, {"position": TEXT, "flagged": False})
    assert not _flagged(attempt, TEXT)


def test_it_refuses_a_flag_after_the_attempt_ended(attempt, student, client_for) -> None:
    response = _flag(
        client_for(student),
        attempt,
        {"position": TEXT, "flagged": True},
        at=attempt.deadline + timedelta(minutes=5),
    )
    assert response.status_code == 409
    assert response.json()["message"] == messages.LATE_SAVE
    assert not _flagged(attempt, TEXT)


@pytest.mark.parametrize(
    ("body", "status"),
    [({"position": 99, "flagged": True}, 409), ({"flagged": True}, 400)],
)
def test_it_refuses_a_bad_flag_request(attempt, student, client_for, body, status) -> None:
    assert _flag(client_for(student), attempt, body).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("other_student", 404), ("ta", 404), ("anonymous", 401)]
)
def test_it_keeps_others_from_flagging(attempt, personas, client_for, who, status) -> None:
    response = _flag(client_for(personas[who]), attempt, {"position": TEXT, "flagged": True})
    assert response.status_code == status
    assert not _flagged(attempt, TEXT)
