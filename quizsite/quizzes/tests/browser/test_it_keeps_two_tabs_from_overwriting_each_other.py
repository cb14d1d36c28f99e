"""One attempt open in two tabs: a tab the student only looks at follows the other
tab's saves; a tab with older unsaved text never overwrites the newer answer but
asks which version to keep, and keeps the student's choice."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes.models import LateSave
from quizsite.quizzes.tests.browser.conftest import (
    block_autosave,
    open_in_new_tab,
    positions_by_type,
    save_state,
    start_quiz,
    stored_answer,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def two_tabs(browser, student, course, live_quiz):
    """(tab A, tab B, positions): the student's attempt open in two tabs, B in front.
    B is closed afterwards, so later tests find the one window they expect."""
    browser.login(student)
    start_quiz(browser, course, live_quiz())
    d = browser.driver
    first, second = open_in_new_tab(browser)
    yield first, second, positions_by_type(browser)
    d.switch_to.window(second)
    d.close()
    d.switch_to.window(first)
    block_autosave(browser, False)


def _text_box(browser, position: int):
    return browser.driver.find_element(By.ID, f"q{position}-input")


def _conflict_between_tabs(browser, tab_a, tab_b, position: int) -> None:
    """Tab A's text cannot reach the server while tab B saves newer text."""
    d = browser.driver
    d.switch_to.window(tab_a)
    block_autosave(browser, True)
    _text_box(browser, position).send_keys("typed in A")
    wait_until(browser, lambda _: save_state(browser, position) == "failed")

    d.switch_to.window(tab_b)
    _text_box(browser, position).send_keys("typed in B")
    wait_saved(browser, position)

    d.switch_to.window(tab_a)
    block_autosave(browser, False)  # A's retry now reaches the server: a conflict
    wait_until(
        browser,
        lambda _: save_state(browser, position) == "conflict",
        message="tab A never learned of tab B's save",
    )


def test_it_follows_the_other_tab_s_saves(browser, student, two_tabs) -> None:
    tab_a, tab_b, at = two_tabs
    d = browser.driver
    _text_box(browser, at["text"]).send_keys("UnboundLocalError")
    wait_saved(browser, at["text"])

    d.switch_to.window(tab_a)
    wait_until(
        browser,
        lambda _: _text_box(browser, at["text"]).get_attribute("value") == "UnboundLocalError",
        message="tab A still shows its old answer",
    )
    assert "in another tab" in d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .save-state").text
    # And A's next edit builds on B's save: no conflict.
    _text_box(browser, at["text"]).send_keys("!")
    wait_saved(browser, at["text"])
    assert stored_answer(student, at["text"]) == "UnboundLocalError!"
    assert not LateSave.objects.exists()


def test_it_asks_which_version_to_keep_and_keeps_this_tab_s(browser, student, two_tabs) -> None:
    tab_a, tab_b, at = two_tabs
    _conflict_between_tabs(browser, tab_a, tab_b, at["text"])
    d = browser.driver
    assert stored_answer(student, at["text"]) == "typed in B"  # the newer save was not overwritten
    notice = d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .conflict-notice")
    assert "changed in another tab" in notice.text
    browser.screenshot("quiz-attempt-two-tabs-conflict")

    notice.find_element(By.CSS_SELECTOR, ".keep-mine").click()

    wait_saved(browser, at["text"])
    assert stored_answer(student, at["text"]) == "typed in A"
    assert not d.find_elements(By.CSS_SELECTOR, f"#q{at['text']} .conflict-notice")
    # Tab B follows.
    d.switch_to.window(tab_b)
    wait_until(
        browser, lambda _: _text_box(browser, at["text"]).get_attribute("value") == "typed in A"
    )


def test_it_can_take_the_other_tab_s_version_instead(browser, student, two_tabs) -> None:
    tab_a, tab_b, at = two_tabs
    _conflict_between_tabs(browser, tab_a, tab_b, at["text"])
    d = browser.driver

    d.find_element(By.CSS_SELECTOR, f"#q{at['text']} .take-theirs").click()

    assert _text_box(browser, at["text"]).get_attribute("value") == "typed in B"
    assert save_state(browser, at["text"]) == "saved"
    assert stored_answer(student, at["text"]) == "typed in B"
    # What A typed was refused, not lost: staff can still see it.
    assert list(LateSave.objects.values_list("value", "reason").distinct()) == [
        ("typed in A", "conflict")
    ]
    # Nothing of A's text is left to come back on a reload.
    d.refresh()
    wait_until(browser, lambda _: d.find_elements(By.ID, f"q{at['text']}-input"))
    assert _text_box(browser, at["text"]).get_attribute("value") == "typed in B"
