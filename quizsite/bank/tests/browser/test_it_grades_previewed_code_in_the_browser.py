"""On a question's preview page, staff type code and try it: the page says it is being
graded, and the full result appears by itself once a worker has graded it, while the
code stays in the editor."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from quizsite.bank.tests.conftest import preview_url
from quizsite.grading import service, tasks

pytestmark = pytest.mark.browser

WAIT = 15  # seconds: generous for a loaded CI machine; waits return as soon as they can


@pytest.fixture
def held(monkeypatch) -> list[int]:
    """Grading messages are held (as if every worker were busy) until the test grades
    them itself, in this process, with the no-isolation sandbox."""
    messages: list[int] = []
    monkeypatch.setattr(tasks.grade_submission, "delay", lambda pk: messages.append(pk))
    return messages


def wait_until(browser, condition, message: str):
    # The page swaps its result section: an element found just before a swap is simply
    # looked up again on the next poll.
    return WebDriverWait(
        browser.driver,
        WAIT,
        poll_frequency=0.1,
        ignored_exceptions=(StaleElementReferenceException,),
    ).until(lambda d: condition(d), message)


def test_it_shows_the_result_when_the_worker_is_done(browser, preview_bank, ta, held) -> None:
    d = browser.driver
    browser.login(ta)
    browser.go(preview_url("objects/freeze", seed=1))
    editor = d.find_element(By.ID, "code")
    editor.clear()
    # A plain textarea: typed lines keep the indentation typed, so indent by hand.
    typed = (
        "def freeze(obj):\n"
        "    if isinstance(obj, list):\n"
        "        return tuple(obj)\n"
        "    return obj\n"
    )
    editor.send_keys(typed)
    d.find_element(By.XPATH, "//button[text()='Try this answer']").click()

    wait_until(browser, lambda _: "submission=" in d.current_url, "the try was not sent")
    result = d.find_element(By.ID, "grader-result")
    assert "Grading…" in result.text
    assert d.find_element(By.ID, "code").get_attribute("value") == typed
    browser.screenshot("bank-preview-grading")

    assert len(held) == 1
    assert service.grade_submission(held[0]) is service.Outcome.DONE
    wait_until(
        browser,
        lambda _: d.find_element(By.ID, "grader-result").get_attribute("data-grading") == "done",
        "the result never appeared",
    )
    result = d.find_element(By.ID, "grader-result")
    assert "graded" in result.text and "random_nested" in result.text  # hidden test shown
    assert d.find_element(By.ID, "grader-announcer").text == (
        "Grading finished. The result is shown."
    )
    assert d.find_element(By.ID, "code").get_attribute("value") == typed
    browser.screenshot("bank-preview-graded")
