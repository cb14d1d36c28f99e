"""While a code answer is being graded the results page says so, and the score
appears by itself once the grader is done, without a reload."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def held_grading(monkeypatch, settings):
    """Grading messages are held (as if every worker were busy) until the test grades
    them itself, in this process, with the no-isolation sandbox."""
    from quizsite.grading import tasks

    held: list[int] = []
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda pk: held.append(pk))
    # A running quiz's answers go to the live queue by name.
    monkeypatch.setattr(
        tasks.grade_submission, "apply_async", lambda args, queue=None: held.append(args[0])
    )
    settings.GRADER_SANDBOX = "fake"
    return held


def test_it_updates_the_results_when_grading_finishes(
    browser, student, course, live_quiz, held_grading
) -> None:
    from quizsite.grading import service

    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    set_code(browser, at["code"], "def double(x):\n    return 2 * x\n")
    wait_saved(browser, at["code"])
    d.find_element(By.ID, "open-submit").click()
    d.find_element(By.ID, "confirm-yes").click()

    wait_until(browser, lambda _: "/results/" in d.current_url)
    assert "Grading your code" in d.find_element(By.CSS_SELECTOR, "#results .score").text
    assert (
        "Being graded" in d.find_element(By.ID, f"r{at['code']}").find_element(By.XPATH, "..").text
    )
    browser.screenshot("quiz-results-grading")

    assert len(held_grading) == 1
    assert service.grade_submission(held_grading[0]) is service.Outcome.DONE
    wait_until(
        browser,
        lambda _: "Score: 4 / 9" in d.find_element(By.CSS_SELECTOR, "#results .score").text,
        message="the score never appeared",
    )
    assert d.find_element(By.ID, "results-announcer").text == (
        "Grading finished. Your score is shown."
    )
