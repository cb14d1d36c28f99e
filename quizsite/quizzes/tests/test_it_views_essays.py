"""The pages of an essay: a textarea that autosaves like a text answer, the word
limits shown, and the grader's notes for staff only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
LONG = "word " * 5000  # longer than a one-line text answer may be


@pytest.fixture
def attempt(essay_quiz, student):
    return start_attempt(essay_quiz(), student, now=T0)


def test_it_shows_a_textarea_with_the_limits(attempt, student, client_for) -> None:
    with time_machine.travel(T0 + S, tick=False):
        page = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk]))
    html = page.content.decode()
    position = position_of(attempt, "essay")
    assert f'<textarea class="answer-input essay-input" id="q{position}-input"' in html
    assert 'rows="8"' in html
    assert "Write 5 to 200 words." in html
    assert "SECRET-RUBRIC" not in html


def test_it_autosaves_a_long_essay(attempt, student, client_for) -> None:
    position = position_of(attempt, "essay")
    with time_machine.travel(T0 + S, tick=False):
        response = client_for(student).post(
            reverse("quizzes:autosave", args=[attempt.pk]),
            data=json.dumps({"position": position, "value": LONG, "revision": 0}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert attempt.questions.get(position=position).answer.value == LONG


def test_it_shows_the_rubric_to_staff_and_not_to_the_student(
    attempt, student, ta, client_for
) -> None:
    position = position_of(attempt, "essay")
    save_answer(attempt, position, "Cells keep x.\nSecond line.", now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)
    url = reverse("quizzes:results", args=[attempt.pk])
    with time_machine.travel(T0 + 2 * 60 * S, tick=False):
        mine = client_for(student).get(url).content.decode()
        staff = client_for(ta).get(url).content.decode()
    assert "Awaiting hand grading" in mine and "Score: pending." in mine
    assert "SECRET-RUBRIC" not in mine
    assert "Cells keep x.<br>Second line." in mine
    assert "SECRET-RUBRIC" in staff
    assert f'id="points-{position}"' in staff


def test_it_keeps_an_essay_s_leading_blank_line(attempt, student, client_for) -> None:
    # HTML drops one newline right after <textarea>: the page must not eat the student's.
    position = position_of(attempt, "essay")
    save_answer(attempt, position, "\nIndented start.", now=T0 + S)
    with time_machine.travel(T0 + 2 * S, tick=False):
        html = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk]))
    expected = f'aria-describedby="q{position}-limits">\n\nIndented start.</textarea>'
    assert expected in html.content.decode()
