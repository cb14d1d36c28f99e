"""A quiz set to one question per page: the attempt page shows one question at a
time, Next and Previous and the question list move between them (by keyboard too),
a reload stays on the question, and answers on every page are saved and submitted."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from quizsite.quizzes.tests.browser.conftest import (
    doc_screenshot,
    get_code,
    set_code,
    start_quiz,
    stored_answer,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def _visible(d) -> list[int]:
    return [
        int(el.get_attribute("data-position"))
        for el in d.find_elements(By.CSS_SELECTOR, "#attempt .question")
        if el.is_displayed()
    ]


def test_it_pages_through_the_questions(browser, student, course, live_quiz) -> None:
    quiz = live_quiz(one_question_per_page=True)
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    order = [
        int(a.get_attribute("data-position"))
        for a in d.find_elements(By.CSS_SELECTOR, ".qnav-link")
    ]
    wait_until(browser, lambda _: _visible(d) == [order[0]])
    assert not d.find_elements(By.CSS_SELECTOR, f"#q{order[0]} .pager-previous")
    current = d.find_element(By.CSS_SELECTOR, ".qnav-link[aria-current]")
    assert int(current.get_attribute("data-position")) == order[0]

    # Enter on "Next" shows the second question and puts the keyboard on its heading.
    d.find_element(By.CSS_SELECTOR, f"#q{order[0]} .pager-next").send_keys(Keys.ENTER)
    wait_until(browser, lambda _: _visible(d) == [order[1]])
    assert d.switch_to.active_element.get_attribute("id") == f"q{order[1]}-title"
    assert "Question 2 of 5" in d.find_element(By.CSS_SELECTOR, f"#q{order[1]} .pager").text
    d.find_element(By.CSS_SELECTOR, f"#q{order[1]} .pager-previous").send_keys(Keys.ENTER)
    wait_until(browser, lambda _: _visible(d) == [order[0]])

    # The list goes straight to any question; the code editor is drawn when shown.
    code_position = int(
        d.find_element(By.CSS_SELECTOR, "#attempt .question[data-type=code]").get_attribute(
            "data-position"
        )
    )
    d.find_element(By.CSS_SELECTOR, f".qnav-link[data-position='{code_position}']").send_keys(
        Keys.ENTER
    )
    wait_until(browser, lambda _: _visible(d) == [code_position])
    editor = d.find_element(By.CSS_SELECTOR, f"#q{code_position} .CodeMirror")
    assert editor.size["height"] > 50
    set_code(browser, code_position, "def double(x):\n    return 2 * x\n")
    wait_saved(browser, code_position)
    doc_screenshot(browser, "attempt-one-question-per-page")

    # A reload stays on the question shown, with the answer saved.
    d.refresh()
    wait_until(browser, lambda _: _visible(d) == [code_position])
    assert get_code(browser, code_position).startswith("def double(x):\n    return 2 * x")
    assert stored_answer(student, code_position).startswith("def double(x)")
    # Submitting is always at hand, whichever question shows.
    assert d.find_element(By.ID, "open-submit").is_displayed()


def test_it_shows_every_question_when_the_quiz_is_not_paged(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    assert len(_visible(d)) == 5
    assert not d.find_elements(By.CSS_SELECTOR, ".pager")
