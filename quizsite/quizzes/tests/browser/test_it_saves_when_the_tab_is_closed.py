"""Closing the tab straight after typing (before the autosave's typing pause is over)
still delivers the answer: the page hands it to navigator.sendBeacon on pagehide."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    open_in_new_tab,
    positions_by_type,
    start_quiz,
    stored_answer,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_delivers_what_was_typed_when_the_tab_is_closed(
    browser, student, course, live_quiz
) -> None:
    browser.login(student)
    start_quiz(browser, course, live_quiz())
    d = browser.driver
    # The attempt in a tab of its own, so closing it leaves the browser running.
    first, _ = open_in_new_tab(browser)
    at = positions_by_type(browser)

    d.find_element(By.ID, f"q{at['text']}-input").send_keys("closed at once")
    d.close()  # well within the 1 s typing pause: no ordinary autosave was sent
    d.switch_to.window(first)

    wait_until(
        browser,
        lambda _: stored_answer(student, at["text"]) == "closed at once",
        message="the beacon sent on closing never arrived",
    )
