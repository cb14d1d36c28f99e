"""The results page in Chromium: each question's prompt and the student's answer as it
was typed or chosen; the correct answer and explanation appear only once the quiz's
review option allows (here: with the results, released by staff), checks go by their
authored titles, and the page passes the accessibility audit both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.tests.browser.conftest import (
    doc_screenshot,
    positions_by_type,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_reviews_the_answers_once_the_results_are_released(
    browser, student, course, review_quiz, eager_grading
) -> None:
    now = timezone.now()
    quiz = review_quiz(
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        time_limit=timedelta(minutes=30),
        show_answers="with_results",
    )
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    d.find_element(By.CSS_SELECTOR, f"#q{at['choice']} input[value='`LOAD_FAST`']").click()
    d.find_element(By.ID, f"q{at['text']}-input").send_keys("NameError")
    set_code(browser, at["code"], "def double(x):\n    return 2 * abs(x)\n")
    for position in at.values():
        wait_saved(browser, position)
    d.find_element(By.ID, "open-submit").click()
    wait_until(browser, lambda _: d.find_element(By.ID, "confirm-submit").is_displayed())
    d.find_element(By.ID, "confirm-yes").click()
    wait_until(browser, lambda _: "/results/" in d.current_url)

    # Not released yet: the prompt and the answer, nothing of the key.
    body = d.find_element(By.TAG_NAME, "body").text
    assert "Which opcode reads a closure variable?" in body
    choice = d.find_element(By.CSS_SELECTOR, f"section:has(#r{at['choice']}) .your-answer")
    assert choice.find_element(By.TAG_NAME, "code").text == "LOAD_FAST"
    assert "`" not in choice.text
    assert "Correct answer" not in body and "Explanation" not in body
    problems = [f"before release: {p}" for p in browser.audit()]

    release_feedback(quiz, now=timezone.now())
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, ".correct-answer"))
    body = d.find_element(By.TAG_NAME, "body").text
    correct = d.find_element(By.CSS_SELECTOR, f"section:has(#r{at['choice']}) .correct-answer")
    assert correct.find_element(By.TAG_NAME, "code").text == "LOAD_DEREF"
    assert "A closure variable lives in a cell" in body
    assert "Passed: doubles a small number" in body
    assert "Failed: doubles a negative number" in body
    assert "test-1" not in body and "SECRET-REFERENCE" not in d.page_source
    # A code question shows no correct answer (the reference stays with staff).
    assert not d.find_elements(By.CSS_SELECTOR, f"section:has(#r{at['code']}) .correct-answer")
    problems += [f"released: {p}" for p in browser.audit()]
    doc_screenshot(browser, "results-review", height=1550)
    assert not problems, "\n".join(problems)
