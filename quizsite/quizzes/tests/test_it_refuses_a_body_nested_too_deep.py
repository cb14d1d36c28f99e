"""JSON nested deeper than the parser goes is a malformed request (400), for
autosave and trial runs alike, not a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.forms import NOT_A_JSON_OBJECT
from quizsite.quizzes.tests.conftest import T0, position_of

STARTED = T0 + timedelta(minutes=1)
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("endpoint", ["autosave", "run_tests"])
def test_it_refuses_json_nested_too_deep(quiz, student, client_for, endpoint) -> None:
    attempt = start_attempt(quiz, student, now=STARTED)
    args = [attempt.pk] + ([position_of(attempt, "code")] if endpoint == "run_tests" else [])
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        reply = client_for(student).post(
            reverse(f"quizzes:{endpoint}", args=args),
            data=f'{{"position": 1, "value": {DEEP}, "code": {DEEP}}}',
            content_type="application/json",
        )
    assert reply.status_code == 400
    assert reply.json()["message"] == NOT_A_JSON_OBJECT
