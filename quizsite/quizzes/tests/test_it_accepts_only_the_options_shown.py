"""Choice and multi answers are checked against the options the student was shown,
and a stored value that is no option (saved before the check existed) is plain text
on the staff statistics page: never a link, never Markdown to render."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

STARTED = T0 + timedelta(minutes=1)


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=STARTED)


def _save(client, attempt, position: int, value):
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        return client.post(
            reverse("quizzes:autosave", args=[attempt.pk]),
            data=json.dumps({"position": position, "value": value}),
            content_type="application/json",
        )


def _stored(attempt, position: int):
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=position
    ).value


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("choice", "[a link](https://elsewhere.example/)"),
        ("choice", "load_deref"),  # an option's text in another case is no option
        ("multi", ["co_cellvars", "[" * 20]),
        ("multi", ["co_cellvars", "co_cellvars"]),
    ],
)
def test_it_refuses_a_value_that_is_no_option_shown(
    attempt, student, client_for, kind, value
) -> None:
    position = position_of(attempt, kind)
    reply = _save(client_for(student), attempt, position, value)
    assert reply.status_code == 400
    assert reply.json() == {"accepted": False, "late": False, "message": messages.NOT_AN_OPTION}
    assert _stored(attempt, position) is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [("choice", "LOAD_DEREF"), ("multi", ["co_freevars", "co_cellvars"]), ("multi", [])],
)
def test_it_accepts_the_options_shown(attempt, student, client_for, kind, value) -> None:
    position = position_of(attempt, kind)
    reply = _save(client_for(student), attempt, position, value)
    assert reply.status_code == 200, reply.json()
    assert _stored(attempt, position) == value


def test_it_shows_a_stored_value_that_is_no_option_as_plain_text(
    quiz, student, ta, client_for
) -> None:
    planted = "[a link](https://elsewhere.example/) *loud* " + "[" * 2000
    attempt = start_attempt(quiz, student, now=STARTED)
    # Stored as an older release accepted it, without the check on options.
    Answer.objects.filter(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "choice"),
    ).update(value=planted, revision=1, saved_at=STARTED)
    submit_attempt(attempt, now=STARTED + timedelta(minutes=3))
    page = client_for(ta).get(reverse("quizzes:statistics", args=[quiz.course.code, quiz.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "elsewhere.example" in html  # shown, as text
    assert 'href="https://elsewhere.example/' not in html
    assert "<em>loud</em>" not in html
    assert "not an option shown" in html
