"""The "Run the visible tests" button: the checks appear under the editor, and the
trial run changes nothing of the attempt."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.grading.models import Submission
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    question,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_shows_the_visible_checks_of_a_trial_run(
    browser, student, course, live_quiz, eager_grading
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)
    code = question(browser, at["code"])
    # Python highlighting of the starter code.
    assert code.find_element(By.CSS_SELECTOR, ".CodeMirror .cm-keyword").text == "def"

    set_code(browser, at["code"], "def double(x):\n    return x + 1\n")
    wait_saved(browser, at["code"])
    code.find_element(By.CSS_SELECTOR, ".run-tests").click()
    results = code.find_element(By.CSS_SELECTOR, ".run-results")
    wait_until(browser, lambda _: "passed." in results.text, message="no test results shown")
    assert "0 of 1 visible test passed" in results.text
    assert "Failed: test-1" in results.text
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", results)
    browser.screenshot("quiz-attempt-visible-tests")

    trial = Submission.objects.get(user=student)
    assert trial.purpose == Submission.Purpose.VISIBLE_TESTS
    answer = Answer.objects.get(
        attempt_question__position=at["code"], attempt_question__attempt__user=student
    )
    assert answer.points is None and answer.submission_id is None
