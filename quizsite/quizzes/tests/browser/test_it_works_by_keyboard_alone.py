"""The attempt page by keyboard alone: Tab walks the questions in order, every
answer can be given without a mouse, and Escape leaves the code editor."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.browser.conftest import (
    get_code,
    positions_by_type,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def _focused(d) -> dict:
    return d.execute_script(
        """const el = document.activeElement;
        const q = el.closest('.question');
        return {tag: el.tagName, name: el.name || '', cls: el.className || '', id: el.id || '',
                position: q ? Number(q.dataset.position) : null};"""
    )


def _press(d, *keys) -> None:
    ActionChains(d).send_keys(*keys).perform()


def test_it_takes_every_answer_from_the_keyboard(browser, student, course, live_quiz) -> None:
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)

    # Walk the page with Tab: questions come in their order, then the submit button.
    # Inside the code editor Tab indents, so Escape is the way on (as its hint says).
    d.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    seen = []
    for _ in range(40):
        _press(d, Keys.TAB)
        f = _focused(d)
        seen.append(f)
        if "CodeMirror" in f["cls"]:
            _press(d, Keys.ESCAPE)
            seen.append(_focused(d))
        if f["id"] == "open-submit":
            break
    positions = [f["position"] for f in seen if f["position"] is not None]
    assert positions == sorted(positions) and set(positions) == set(at.values())
    assert seen[-1]["id"] == "open-submit"

    # A radio group takes one Tab stop; Space picks, arrows move the choice.
    d.find_element(By.CSS_SELECTOR, f"#q{at['choice']} input[type=radio]").send_keys(Keys.SPACE)
    _press(d, Keys.ARROW_DOWN)
    chosen = d.execute_script(
        "return document.querySelector(arguments[0]).value;", f"#q{at['choice']} input:checked"
    )
    wait_saved(browser, at["choice"])

    # Checkboxes by Space.
    box = d.find_elements(By.CSS_SELECTOR, f"#q{at['multi']} input[type=checkbox]")[0]
    box.send_keys(Keys.SPACE)
    wait_saved(browser, at["multi"])

    # The editor takes typing (indenting the Python block by itself); Escape leaves it.
    d.find_element(By.CSS_SELECTOR, f"#q{at['code']} .CodeMirror").click()
    ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    _press(d, "def double(x):", Keys.ENTER)
    _press(d, "return 2 * x")
    wait_until(browser, lambda _: "return 2 * x" in get_code(browser, at["code"]))
    assert get_code(browser, at["code"]).startswith("def double(x):\n    return 2 * x")
    _press(d, Keys.ESCAPE)
    assert "run-tests" in _focused(d)["cls"]
    wait_saved(browser, at["code"])

    answers = {
        a.attempt_question.position: a.value
        for a in Answer.objects.filter(attempt_question__attempt__user=student)
    }
    assert answers[at["choice"]] == chosen
    assert answers[at["multi"]] == [box.get_attribute("value")]
    assert answers[at["code"]].startswith("def double(x):\n    return 2 * x")
