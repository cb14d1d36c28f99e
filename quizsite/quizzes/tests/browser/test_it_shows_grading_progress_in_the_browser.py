"""While a code answer is being graded the results page says so, and the score
appears by itself once the grader is done, without a reload."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    submit_code_answer,
    wait_for_score,
)

pytestmark = pytest.mark.browser


def test_it_updates_the_results_when_grading_finishes(
    browser, student, course, live_quiz, held_grading
) -> None:
    from quizsite.grading import service

    quiz = live_quiz()
    browser.login(student)
    at = submit_code_answer(browser, course, quiz)
    d = browser.driver
    assert "Grading your code" in d.find_element(By.CSS_SELECTOR, "#results .score").text
    assert (
        "Being graded" in d.find_element(By.ID, f"r{at['code']}").find_element(By.XPATH, "..").text
    )
    browser.screenshot("quiz-results-grading")

    assert len(held_grading) == 1
    assert service.grade_submission(held_grading[0]) is service.Outcome.DONE
    wait_for_score(browser, "Score: 4 / 9")
    assert d.find_element(By.ID, "results-announcer").text == (
        "Grading finished. Your score is shown."
    )
