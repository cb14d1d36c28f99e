"""The countdown reaches zero on an open attempt page: the page warns, submits by
itself, and the student lands on the graded results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    question,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser

# The attempt ends this long after Start, however long the pages before it took.
LIMIT = timedelta(seconds=10)


def test_it_submits_and_grades_the_attempt_when_the_countdown_ends(
    browser, student, course, live_quiz, eager_grading
) -> None:
    quiz = live_quiz(time_limit=LIMIT, grace=timedelta(seconds=3))
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)

    # Less than a minute left from the start: one polite warning, not one per second.
    banner = d.find_element(By.ID, "attempt-banner")
    wait_until(browser, lambda _: banner.is_displayed(), message="no warning shown")
    assert banner.text.startswith("1 minute left.")
    announcer = d.find_element(By.ID, "announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert "critical" in d.find_element(By.ID, "timer").get_attribute("class")

    question(browser, at["choice"]).find_element(
        By.XPATH, ".//label[normalize-space()='LOAD_DEREF']"
    ).click()
    set_code(browser, at["code"], "def double(x):\n    return 2 * x\n")
    wait_saved(browser, at["choice"])
    wait_saved(browser, at["code"])
    browser.screenshot("quiz-attempt-last-minute")

    wait_until(
        browser,
        lambda _: "/results/" in d.current_url,
        timeout=LIMIT.total_seconds() + 15,
        message="the page never submitted itself",
    )
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, ".score"))
    assert "when the time ran out" in d.find_element(By.CLASS_NAME, "submitted-note").text
    assert "Score: 5 / 9" in d.find_element(By.CSS_SELECTOR, ".score").text
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    assert attempt.status == "submitted"
    assert attempt.submitted_by == "timer"
    assert attempt.score == 5.0
