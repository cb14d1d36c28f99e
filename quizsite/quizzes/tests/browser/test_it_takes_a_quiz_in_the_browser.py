"""A student takes a quiz in Chromium: starts it, answers every type, reloads and
finds everything kept, submits through the confirmation and sees it graded."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from quizsite.quizzes.models import Answer, Attempt
from quizsite.quizzes.tests.browser.conftest import (
    get_code,
    positions_by_type,
    question,
    save_state,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

CODE = "def double(x):\n    return 2 * x\n"

pytestmark = pytest.mark.browser


def _answer_every_type(browser, at: dict[str, int]) -> None:
    d = browser.driver
    question(browser, at["choice"]).find_element(
        By.XPATH, ".//label[normalize-space()='LOAD_DEREF']"
    ).click()
    for option in ("co_cellvars", "co_freevars"):
        question(browser, at["multi"]).find_element(
            By.XPATH, f".//label[normalize-space()='{option}']"
        ).click()
    d.find_element(By.ID, f"q{at['numeric']}-input").send_keys("100")
    d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    set_code(browser, at["code"], CODE)


def test_it_takes_a_quiz_from_start_to_graded_results(
    browser, student, course, live_quiz, eager_grading
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz, screenshots=True)
    d = browser.driver
    at = positions_by_type(browser)
    assert sorted(at) == ["choice", "code", "multi", "numeric", "text"]
    assert d.find_element(By.CSS_SELECTOR, "#timer .timer-value").text.startswith(("30:", "29:"))

    _answer_every_type(browser, at)
    for position in at.values():
        wait_saved(browser, position)
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    stored = {
        a.attempt_question.question_version.question.type: sorted(a.value)
        if isinstance(a.value, list)
        else a.value
        for a in Answer.objects.filter(attempt_question__attempt=attempt).select_related(
            "attempt_question__question_version__question"
        )
    }
    assert stored == {
        "choice": "LOAD_DEREF",
        "multi": ["co_cellvars", "co_freevars"],
        "numeric": "100",
        "text": "UnboundLocalError",
        "code": CODE,
    }

    browser.screenshot("quiz-attempt-answered")

    # Reload: every answer is back, from the server.
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, "#attempt .CodeMirror"))
    q = {t: question(browser, p) for t, p in at.items()}
    assert q["choice"].find_element(By.CSS_SELECTOR, "input[value='LOAD_DEREF']").is_selected()
    assert {
        i.get_attribute("value") for i in q["multi"].find_elements(By.CSS_SELECTOR, "input:checked")
    } == {"co_cellvars", "co_freevars"}
    assert d.find_element(By.ID, f"q{at['numeric']}-input").get_attribute("value") == "100"
    assert d.find_element(By.ID, f"q{at['text']}-input").get_attribute("value") == (
        "UnboundLocalError"
    )
    assert get_code(browser, at["code"]) == CODE
    assert all(save_state(browser, p) == "saved" for p in at.values())

    # Submit through the confirmation dialog.
    d.find_element(By.ID, "open-submit").click()
    wait_until(browser, lambda _: d.find_element(By.ID, "confirm-submit").is_displayed())
    assert "answered every question" in d.find_element(By.ID, "confirm-summary").text
    d.find_element(By.ID, "confirm-yes").click()
    wait_until(browser, lambda _: "Score:" in d.find_element(By.TAG_NAME, "body").text)
    assert "Score: 9 / 9" in d.find_element(By.CSS_SELECTOR, ".score").text
    browser.screenshot("quiz-results")
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.submitted_by == "student"
    assert attempt.score == 9.0


def test_it_keeps_what_was_typed_when_the_page_is_reloaded_at_once(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    field = d.find_element(By.ID, f"q{at['text']}-input")
    field.send_keys("UnboundLocal")
    wait_saved(browser, at["text"])
    # Typed and reloaded within the autosave delay: kept by the browser and sent.
    field.send_keys("Error", Keys.TAB)
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.ID, f"q{at['text']}-input"))
    wait_saved(browser, at["text"])
    assert d.find_element(By.ID, f"q{at['text']}-input").get_attribute("value") == (
        "UnboundLocalError"
    )
    answer = Answer.objects.get(
        attempt_question__attempt__user=student,
        attempt_question__position=at["text"],
    )
    assert answer.value == "UnboundLocalError"


def test_it_delivers_what_was_typed_when_the_student_leaves_at_once(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)
    browser.driver.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    # Gone (to the home page) before the autosave delay: only the page-hide beacon can
    # deliver it.
    browser.driver.find_element(By.CSS_SELECTOR, "a.brand").click()

    def stored(_):
        return Answer.objects.get(
            attempt_question__attempt__user=student, attempt_question__position=at["text"]
        ).value

    wait_until(browser, lambda d: stored(d) == "UnboundLocalError", message="the beacon never came")
