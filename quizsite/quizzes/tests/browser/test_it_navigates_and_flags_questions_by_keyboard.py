"""The attempt page's question list and "Flag for review", by keyboard: Enter on a
question of the list moves to it, Space flags it; the list shows answered and flagged
questions, and the flags survive a reload and show in a second tab (at once in a
tab already open)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.browser.conftest import (
    doc_screenshot,
    open_in_new_tab,
    positions_by_type,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def _press(d, *keys) -> None:
    ActionChains(d).send_keys(*keys).perform()


def _link(d, position: int):
    return d.find_element(By.CSS_SELECTOR, f".qnav-link[data-position='{position}']")


def _focused_id(d) -> str:
    return d.execute_script("return document.activeElement.id || document.activeElement.className;")


def _flag_button(d, position: int):
    return d.find_element(By.CSS_SELECTOR, f"#q{position} .flag-toggle")


def test_it_moves_and_flags_by_keyboard_and_keeps_the_flags(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    order = [
        int(a.get_attribute("data-position"))
        for a in d.find_elements(By.CSS_SELECTOR, ".qnav-link")
    ]
    assert len(order) == 5
    assert d.find_element(By.ID, "qnav-count").text == "0 of 5 answered"

    # Tab from the top of the page reaches the list before any question.
    d.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    for _ in range(10):
        _press(d, Keys.TAB)
        if "qnav-link" in _focused_id(d):
            break
    assert d.switch_to.active_element == _link(d, order[0])
    # Tab along the list to the fourth question; Enter goes there.
    _press(d, Keys.TAB, Keys.TAB, Keys.TAB, Keys.ENTER)
    fourth = order[3]
    wait_until(browser, lambda _: _focused_id(d) == f"q{fourth}-title")

    # From the question's heading, Tab reaches its flag button; Space flags it.
    _press(d, Keys.TAB)
    assert d.switch_to.active_element == _flag_button(d, fourth)
    _press(d, Keys.SPACE)
    wait_until(browser, lambda _: _link(d, fourth).get_attribute("data-flagged") == "true")
    assert _flag_button(d, fourth).get_attribute("aria-pressed") == "true"
    wait_until(
        browser,
        lambda _: Answer.objects.get(attempt_question__position=fourth).flagged,
        message="the flag never reached the server",
    )
    assert "flagged for review" in _link(d, fourth).get_attribute("textContent")

    # Answering marks the question answered on the list (code only once it differs
    # from the starter code).
    d.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    wait_until(browser, lambda _: _link(d, at["text"]).get_attribute("data-answered") == "true")
    d.find_element(By.CSS_SELECTOR, f"#q{at['choice']} input[type=radio]").send_keys(Keys.SPACE)
    wait_saved(browser, at["choice"])
    wait_saved(browser, at["text"])
    assert _link(d, at["code"]).get_attribute("data-answered") == "false"
    assert d.find_element(By.ID, "qnav-count").text == "2 of 5 answered · 1 flagged"
    d.execute_script("window.scrollTo(0, 0);")
    doc_screenshot(browser, "attempt-question-list")

    # A reload keeps the flag and the answered marks; so does a second tab.
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, ".flag-toggle:not([hidden])"))
    assert _flag_button(d, fourth).get_attribute("aria-pressed") == "true"
    assert _link(d, fourth).get_attribute("data-flagged") == "true"
    assert _link(d, at["text"]).get_attribute("data-answered") == "true"
    first, second = open_in_new_tab(browser)
    assert _flag_button(d, fourth).get_attribute("aria-pressed") == "true"

    # Space again takes the flag off, in the second tab; the first shows it at once,
    # and after a reload too.
    _flag_button(d, fourth).send_keys(Keys.SPACE)
    wait_until(browser, lambda _: _link(d, fourth).get_attribute("data-flagged") == "false")
    wait_until(browser, lambda _: not Answer.objects.get(attempt_question__position=fourth).flagged)
    d.switch_to.window(first)
    wait_until(browser, lambda _: _flag_button(d, fourth).get_attribute("aria-pressed") == "false")
    d.switch_to.window(second)
    d.close()
    d.switch_to.window(first)
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, ".flag-toggle:not([hidden])"))
    assert _flag_button(d, fourth).get_attribute("aria-pressed") == "false"
