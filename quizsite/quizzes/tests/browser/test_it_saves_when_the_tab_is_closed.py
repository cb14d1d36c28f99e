"""Closing the tab straight after typing (before the autosave's typing pause is over)
still delivers the answer: the page hands it to navigator.sendBeacon on pagehide."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.browser.conftest import positions_by_type, start_quiz, wait_until

pytestmark = pytest.mark.browser


def _stored(student, position: int):
    return Answer.objects.get(
        attempt_question__attempt__user=student, attempt_question__position=position
    ).value


def test_it_delivers_what_was_typed_when_the_tab_is_closed(
    browser, student, course, live_quiz
) -> None:
    browser.login(student)
    start_quiz(browser, course, live_quiz())
    d = browser.driver
    first = d.current_window_handle
    url = d.current_url
    # The attempt in a tab of its own, so closing it leaves the browser running.
    d.switch_to.new_window("tab")
    d.get(url)
    wait_until(browser, lambda _: d.find_elements(By.ID, "attempt"))
    at = positions_by_type(browser)

    d.find_element(By.ID, f"q{at['text']}-input").send_keys("closed at once")
    d.close()  # well within the 1 s typing pause: no ordinary autosave was sent
    d.switch_to.window(first)

    wait_until(
        browser,
        lambda _: _stored(student, at["text"]) == "closed at once",
        message="the beacon sent on closing never arrived",
    )
