"""Homework in the browser: no countdown; "Check this answer" grades the saved
answer, shows what counts, and counts the tries down."""

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


def _choose(browser, position: int, option: str) -> None:
    question(browser, position).find_element(
        By.XPATH, f".//label[normalize-space()='{option}']"
    ).click()


def _check_and_wait(browser, position: int, tries_left: int) -> str:
    q = question(browser, position)
    q.find_element(By.CSS_SELECTOR, ".check-answer").click()
    wait_until(
        browser,
        lambda _: (
            f"{tries_left} of 2 graded tries left"
            in question(browser, position).find_element(By.CSS_SELECTOR, ".homework-row").text
        ),
        message="the try never came back",
    )
    return question(browser, position).find_element(By.CSS_SELECTOR, ".try-result").text


def test_it_grades_a_homework_answer_on_request(browser, student, course, live_quiz) -> None:
    quiz = live_quiz(time_limit=None, homework_tries=2, homework_policy="best")
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    assert not d.find_elements(By.ID, "timer")
    at = positions_by_type(browser)

    _choose(browser, at["choice"], "LOAD_FAST")
    assert "0 / 1" in _check_and_wait(browser, at["choice"], tries_left=1)
    _choose(browser, at["choice"], "LOAD_DEREF")
    assert "1 / 1" in _check_and_wait(browser, at["choice"], tries_left=0)
    button = question(browser, at["choice"]).find_element(By.CSS_SELECTOR, ".check-answer")
    assert not button.is_enabled()
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.screenshot("quiz-homework-checked")
