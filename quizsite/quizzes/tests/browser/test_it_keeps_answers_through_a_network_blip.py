"""Saves that cannot reach the server stay in the browser: the page says they are not
saved yet, keeps retrying, survives a reload, and delivers them once the network is
back; the countdown re-syncs from the answer to every save."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.actions.attempts import add_time, submit_attempt
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import (
    block_autosave,
    positions_by_type,
    save_state,
    start_quiz,
    stored_answer,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_keeps_an_unsent_answer_through_a_reload_and_sends_it_later(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    block_autosave(browser, True)
    try:
        d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
        wait_until(browser, lambda _: save_state(browser, at["text"]) == "failed")
        assert "retrying" in d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .save-state").text
        assert stored_answer(student, at["text"]) is None
        browser.screenshot("quiz-attempt-not-saved-yet")

        d.refresh()
        wait_until(browser, lambda _: d.find_elements(By.ID, f"q{at['text']}-input"))
        # Restored from the browser's own copy, since the server never got it.
        assert d.find_element(By.ID, f"q{at['text']}-input").get_attribute("value") == (
            "UnboundLocalError"
        )
    finally:
        block_autosave(browser, False)
    wait_saved(browser, at["text"])
    assert stored_answer(student, at["text"]) == "UnboundLocalError"


def test_it_leaves_nothing_in_the_browser_once_the_attempt_is_over(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    block_autosave(browser, True)
    try:
        d.find_element(By.ID, f"q{at['text']}-input").send_keys("kept locally")
        wait_until(browser, lambda _: save_state(browser, at["text"]) == "failed")
        assert d.execute_script("return Object.keys(localStorage)") == [
            f"quizsite:attempt:{Attempt.objects.get().pk}"
        ]
        # The server ends the attempt meanwhile (the sweep, or staff); its page is
        # visited next.
        submit_attempt(Attempt.objects.get(), now=timezone.now(), by="staff")
        d.refresh()
        wait_until(browser, lambda _: "/results/" in d.current_url)
        assert d.execute_script("return Object.keys(localStorage)") == []
    finally:
        block_autosave(browser, False)


def test_it_resyncs_the_countdown_when_staff_add_time(
    browser, student, instructor, course, live_quiz
) -> None:
    quiz = live_quiz(time_limit=timedelta(minutes=4))
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    timer = d.find_element(By.CSS_SELECTOR, "#timer .timer-value")
    banner = d.find_element(By.ID, "attempt-banner")
    assert timer.text.startswith(("4:", "3:"))
    wait_until(browser, lambda _: banner.is_displayed())
    assert banner.text.startswith("4 minutes left.")

    add_time(Attempt.objects.get(user=student), 10, by=instructor, now=timezone.now())
    d.find_element(By.ID, f"q{at['numeric']}-input").send_keys("100")
    wait_saved(browser, at["numeric"])
    wait_until(browser, lambda _: timer.text.startswith(("14:", "13:")), message=timer.text)
    # The 5-minute warning no longer holds: the banner says what changed instead.
    wait_until(browser, lambda _: banner.text.startswith("Your TA added 10 minutes"))
