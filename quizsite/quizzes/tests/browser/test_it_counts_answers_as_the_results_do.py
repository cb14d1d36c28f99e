"""The submit dialog and the results page agree on what is answered: a code question
still holding its starter code (re-indented or not) is not. The dialog used to count
it as answered and the results then showed "No answer"."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    get_code,
    positions_by_type,
    question,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_counts_the_untouched_starter_code_as_unanswered_in_both(
    browser, student, course, live_quiz, eager_grading
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    numbers = {
        kind: question(browser, pos).get_attribute("data-number") for kind, pos in at.items()
    }
    question(browser, at["choice"]).find_element(
        By.XPATH, ".//label[normalize-space()='LOAD_DEREF']"
    ).click()
    question(browser, at["multi"]).find_element(
        By.XPATH, ".//label[normalize-space()='co_cellvars']"
    ).click()
    d.find_element(By.ID, f"q{at['numeric']}-input").send_keys("100")
    d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    # Only re-indented and a blank line added: still the starter code.
    set_code(browser, at["code"], "\n" + get_code(browser, at["code"]).replace("    ", "\t"))
    for pos in at.values():
        wait_saved(browser, pos)

    d.find_element(By.ID, "open-submit").click()
    summary = d.find_element(By.ID, "confirm-summary")
    wait_until(browser, lambda _: summary.is_displayed())
    assert summary.text == f"You have not answered question {numbers['code']}."
    browser.screenshot("quiz-submit-dialog-starter-code")
    assert not browser.audit()
    d.find_element(By.ID, "confirm-yes").click()

    wait_until(browser, lambda _: "/results/" in d.current_url)

    def no_answer(kind: str) -> list[str]:
        section = d.find_element(By.CSS_SELECTOR, f"section[aria-labelledby=r{at[kind]}]")
        return [e.text for e in section.find_elements(By.CSS_SELECTOR, ".your-answer.muted")]

    assert no_answer("code") == ["No answer (the starter code, unchanged)."]
    assert [no_answer(k) for k in ("choice", "multi", "numeric", "text")] == [[], [], [], []]
