"""The quiz pages take the colours of highlighted code from a static file (no inline
style), which must stay what ``quizsite.bank.rendering.highlight_css`` produces."""

from __future__ import annotations

from pathlib import Path

import time_machine
from django.urls import reverse

from quizsite.bank.rendering import highlight_css
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.tests.conftest import T0

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "highlight.css"


def test_it_keeps_the_stylesheet_in_step_with_pygments() -> None:
    text = STYLESHEET.read_text(encoding="utf-8")
    assert highlight_css().strip() in text, (
        "regenerate quizsite/static/css/highlight.css from quizsite.bank.rendering.highlight_css()"
    )


def test_it_links_the_stylesheet_instead_of_an_inline_style(quiz, student, client_for) -> None:
    with time_machine.travel(T0, tick=False):
        attempt = start_attempt(quiz, student, now=T0)
        html = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk])).content
    assert b"css/highlight.css" in html and b"<style>" not in html
