"""A page left open past the deadline and the grace period (a laptop asleep, its
timers paused) sends an answer: the server refuses it, the page says so clearly,
and nothing is stored as an answer (the refused save is logged)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes import messages
from quizsite.quizzes.models import Answer, Attempt, LateSave
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    save_state,
    start_quiz,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_shows_the_late_message_and_stores_nothing(browser, student, course, live_quiz) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    # Meanwhile the deadline and the grace period went by on the server.
    Attempt.objects.filter(user=student).update(
        deadline=timezone.now() - quiz.grace - timedelta(seconds=5)
    )

    d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    wait_until(browser, lambda _: save_state(browser, at["text"]) == "refused")
    banner = d.find_element(By.ID, "attempt-banner")
    assert banner.is_displayed()
    assert messages.LATE_SAVE in banner.text
    assert "Not saved" in d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .save-state").text
    browser.screenshot("quiz-attempt-late-save")

    late = LateSave.objects.get()
    assert late.value == "UnboundLocalError" and late.reason == "late"
    answer = Answer.objects.get(
        attempt_question__attempt__user=student, attempt_question__position=at["text"]
    )
    assert answer.value is None and answer.revision == 0
    # The server ended the attempt on that access; the page links to it.
    assert Attempt.objects.get(user=student).status == "submitted"
    banner.find_element(By.LINK_TEXT, "See your attempt.").click()
    wait_until(browser, lambda _: "/results/" in d.current_url)
