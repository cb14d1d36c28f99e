"""A refused save (late, after submission, or a conflict) is logged with a bounded
prefix of what it carried, its size and its hash: a request cannot grow the log by
more than the longest answer."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import time_machine
from django.urls import reverse

from quizsite.quizzes import history
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import LateSave
from quizsite.quizzes.tests.conftest import T0, position_of

STARTED = T0 + timedelta(minutes=1)


def test_it_keeps_a_prefix_and_the_hash_of_a_huge_refused_save(quiz, student, client_for) -> None:
    attempt = start_attempt(quiz, student, now=STARTED)
    value = "x" * 3_000_000
    with time_machine.travel(STARTED + timedelta(hours=2), tick=False):
        reply = client_for(student).post(
            reverse("quizzes:autosave", args=[attempt.pk]),
            data=json.dumps({"position": position_of(attempt, "code"), "value": value}),
            content_type="application/json",
        )
    assert reply.status_code == 410
    logged = LateSave.objects.get()
    text = json.dumps(value)
    assert logged.truncated
    assert logged.value == text[: history.REFUSED_PREFIX_CHARS]
    assert logged.size == len(text)
    assert logged.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_it_keeps_a_refused_answer_of_ordinary_length_whole(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=STARTED)
    code = "def double(x):\n    return 2 * x\n" * 5000
    save_answer(attempt, position_of(attempt, "code"), code, now=STARTED + timedelta(hours=2))
    logged = LateSave.objects.get()
    assert not logged.truncated
    assert logged.value == code
    assert logged.size == len(json.dumps(code))


def test_it_keeps_every_value_up_to_the_bound_whole() -> None:
    at_bound = "y" * (history.REFUSED_PREFIX_CHARS - 2)  # two quotes make the bound
    over = at_bound + "y"
    assert history.refused_copy(at_bound).value == at_bound
    assert not history.refused_copy(at_bound).truncated
    assert history.refused_copy(over).truncated
    assert len(history.refused_copy(over).value) == history.REFUSED_PREFIX_CHARS
