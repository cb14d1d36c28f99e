"""The submit dialog reminds the student of the questions they flagged for review, so a
flag set early is not forgotten at the end."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    question,
    start_quiz,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_names_the_flagged_questions_in_the_submit_dialog(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    number = question(browser, at["numeric"]).get_attribute("data-number")
    flag = d.find_element(By.CSS_SELECTOR, f"#q{at['numeric']} .flag-toggle")
    wait_until(browser, lambda _: flag.is_displayed())
    flag.click()
    wait_until(browser, lambda _: flag.get_attribute("aria-pressed") == "true")

    d.find_element(By.ID, "open-submit").click()
    summary = d.find_element(By.ID, "confirm-summary")
    wait_until(browser, lambda _: summary.is_displayed())
    assert summary.text.endswith(f"You flagged question {number} for review.")
    assert not browser.audit()
