"""While a code answer is graded, the results page asks the light progress address,
not for the whole page again: it fetches itself once, when the answer is graded, and
then shows the score. Before, every poll rendered the whole results page, which with a
class waiting together cost more than the grading."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.grading import service
from quizsite.grading.estimates import POLL_MIN
from quizsite.quizzes.tests.browser.conftest import (
    WAIT,
    submit_code_answer,
    wait_for_score,
    wait_until,
)

pytestmark = pytest.mark.browser


def _fetched(browser, part: str) -> int:
    """How many requests the page's script made to addresses ending in ``part``."""
    return browser.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter((e) => new URL(e.name).pathname.endsWith(arguments[0])).length;",
        part,
    )


def test_it_polls_the_progress_and_fetches_the_page_once_graded(
    browser, student, course, live_quiz, held_grading
) -> None:
    quiz = live_quiz()
    browser.login(student)
    submit_code_answer(browser, course, quiz)
    d = browser.driver

    wait_until(
        browser,
        lambda _: _fetched(browser, "/results/progress/") >= 3,
        timeout=3 * POLL_MIN + WAIT,
        message="the page never asked for the progress",
    )
    assert _fetched(browser, "/results/") == 0  # the page itself: not once yet

    (pk,) = held_grading
    assert service.grade_submission(pk) is service.Outcome.DONE
    wait_for_score(browser, "Score: 4 / 9")
    assert _fetched(browser, "/results/") == 1
    assert d.find_element(By.ID, "results-announcer").text == (
        "Grading finished. Your score is shown."
    )
    assert not browser.audit()


def test_it_fetches_the_page_when_nothing_is_left_to_grade(
    browser, student, course, live_quiz, held_grading
) -> None:
    # A page drawn while its last answer was being stored says "grading" with nothing
    # left to wait for (the count it carries is already 0): the progress address's 0
    # must still bring the score, not leave the student waiting for a change.
    quiz = live_quiz()
    browser.login(student)
    submit_code_answer(browser, course, quiz)
    d = browser.driver
    d.execute_script("document.getElementById('results').dataset.pending = '0';")
    (pk,) = held_grading
    assert service.grade_submission(pk) is service.Outcome.DONE
    wait_for_score(
        browser, "Score: 4 / 9", message="the page kept waiting with nothing left to grade"
    )
