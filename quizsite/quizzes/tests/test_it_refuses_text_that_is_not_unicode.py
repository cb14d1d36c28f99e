"""A lone surrogate ("\\ud800" in JSON) decodes in Python but no database takes it:
autosave and trial runs refuse it with a message instead of failing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Answer, LateSave
from quizsite.quizzes.tests.conftest import T0, position_of

STARTED = T0 + timedelta(minutes=1)
LONE_SURROGATE = '"abc\\ud800def"'  # JSON text, as a script would send it


@pytest.fixture
def attempt(quiz, student):
    cache.clear()  # the trial runs' rate limit
    return start_attempt(quiz, student, now=STARTED)


def _post(client, url: str, body: str):
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("kind", ["text", "code"])
def test_it_refuses_an_autosave_that_is_not_unicode(attempt, student, client_for, kind) -> None:
    position = position_of(attempt, kind)
    reply = _post(
        client_for(student),
        reverse("quizzes:autosave", args=[attempt.pk]),
        f'{{"position": {position}, "value": {LONE_SURROGATE}}}',
    )
    assert reply.status_code == 400
    assert reply.json() == {"accepted": False, "late": False, "message": messages.NOT_UNICODE}
    assert (
        Answer.objects.get(
            attempt_question__attempt=attempt, attempt_question__position=position
        ).value
        is None
    )


def test_it_refuses_a_late_save_that_is_not_unicode_without_logging_it(
    attempt, student, client_for
) -> None:
    position = position_of(attempt, "text")
    with time_machine.travel(STARTED + timedelta(hours=2), tick=False):
        reply = client_for(student).post(
            reverse("quizzes:autosave", args=[attempt.pk]),
            data=f'{{"position": {position}, "value": {LONE_SURROGATE}}}',
            content_type="application/json",
        )
    assert reply.status_code == 400
    assert reply.json()["message"] == messages.NOT_UNICODE
    assert not LateSave.objects.exists()


def test_it_refuses_a_trial_run_that_is_not_unicode(attempt, student, client_for) -> None:
    position = position_of(attempt, "code")
    reply = _post(
        client_for(student),
        reverse("quizzes:run_tests", args=[attempt.pk, position]),
        f'{{"code": {LONE_SURROGATE}}}',
    )
    assert reply.status_code == 400
    assert reply.json() == {"message": messages.NOT_UNICODE}
