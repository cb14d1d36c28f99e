"""A code question still holding its starter code is not answered: the submit dialog
counted it as answered while the results page showed "No answer". One rule
(grading.is_answered) decides for the confirmation page and the results page;
attempt.js follows the same rule (checked in the browser test)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import grading
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.tests.conftest import SMALL_BANK, T0, position_of

STARTER = SMALL_BANK["t/code"]["starter.py"]  # "def double(x):\n    pass\n"
STARTED = T0 + timedelta(minutes=1)

# (name, value, starter, answered?)
ANSWERS = [
    ("never saved", None, "", False),
    ("empty", "", "", False),
    ("only spaces", "  \n\t", "", False),
    ("no option chosen", [], "", False),
    ("an option chosen", ["co_cellvars"], "", True),
    ("a word", "LOAD_DEREF", "", True),
    ("never saved, with a starter", None, STARTER, False),
    ("the starter itself", STARTER, STARTER, False),
    ("the starter re-indented", "def double(x):\n\tpass", STARTER, False),
    ("the starter with blank lines", "\n\ndef double(x):\n    pass\n\n\n", STARTER, False),
    ("the starter and a comment", STARTER + "# todo\n", STARTER, True),
    ("the starter changed", "def double(x):\n    return 2 * x\n", STARTER, True),
    ("spaces inside a token matter", "def dou ble(x):\n    pass\n", STARTER, False),
]


@pytest.mark.parametrize(
    ("name", "value", "starter", "answered"), ANSWERS, ids=[a[0] for a in ANSWERS]
)
def test_it_decides_what_is_answered(name, value, starter, answered) -> None:
    assert grading.is_answered(value, starter) is answered


@pytest.fixture
def attempt(quiz, student):
    attempt = start_attempt(quiz, student, now=STARTED)
    for kind, value in [("choice", "LOAD_DEREF"), ("multi", ["co_cellvars"]), ("numeric", "100")]:
        save_answer(attempt, position_of(attempt, kind), value, now=STARTED)
    save_answer(attempt, position_of(attempt, "text"), "UnboundLocalError", now=STARTED)
    # The student clicked into the editor and only re-indented the starter code.
    save_answer(attempt, position_of(attempt, "code"), STARTER.replace("    ", "\t"), now=STARTED)
    return attempt


def test_it_lists_the_untouched_code_question_as_unanswered(attempt, student, client_for):
    with time_machine.travel(STARTED + timedelta(minutes=1), tick=False):
        response = client_for(student).post(reverse("quizzes:submit", args=[attempt.pk]), {})
    assert response.context["unanswered"] == [position_of(attempt, "code")]


def test_it_shows_the_starter_code_as_no_answer(attempt, student, client_for):
    submit_attempt(attempt, now=STARTED + timedelta(minutes=1))
    with time_machine.travel(STARTED + timedelta(minutes=2), tick=False):
        response = client_for(student).get(reverse("quizzes:results", args=[attempt.pk]))
    code = response.context["state"]["questions"][position_of(attempt, "code") - 1]
    assert code["answered"] is False
    assert b"No answer (the starter code, unchanged)." in response.content
