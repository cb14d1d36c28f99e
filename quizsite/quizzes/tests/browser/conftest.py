"""Helpers for the quiz browser tests: quizzes whose window is around the real clock
(the live server runs on it), grading run inside the web request, and waits."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15  # seconds: generous for a loaded CI machine; waits return as soon as they can
DOC_SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _forget_browser_storage(browser):
    """The Chromium profile lives for the whole session and ids restart with each test's
    database: what one test's page kept in localStorage must not reach the next."""
    yield
    browser.go("/accounts/login/")
    browser.driver.execute_script("window.localStorage.clear();")


@pytest.fixture
def eager_grading(settings, celery_eager):
    """Grade code inside the request that asks for it: the live server's test database
    is invisible to a separate worker process. The no-isolation sandbox keeps it fast."""
    settings.GRADER_SANDBOX = "fake"


@pytest.fixture
def live_quiz(make_quiz):
    """live_quiz(**fields): a quiz open now (real time) with the five small-bank
    questions in bank order, results released at once."""

    def make(**fields):
        now = timezone.now()
        values = {
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(hours=2),
            "time_limit": timedelta(minutes=30),
            "feedback_release": "immediate",
        }
        values.update(fields)
        return make_quiz(**values)

    return make


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


def wait_until(browser, condition: Callable, timeout: float = WAIT, message: str = ""):
    # Pages swap parts of themselves (results while grading, a homework try): an element
    # found a moment before its swap is simply looked up again on the next poll.
    return WebDriverWait(
        browser.driver,
        timeout,
        poll_frequency=0.1,
        ignored_exceptions=(StaleElementReferenceException,),
    ).until(lambda d: condition(d), message)


def block_autosave(browser, blocked: bool) -> None:
    """Make autosave requests fail (or work again) in the tab the driver is on: the
    DevTools session belongs to that window."""
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd(
        "Network.setBlockedURLs", {"urls": ["*/autosave/*"] if blocked else []}
    )


def stored_answer(student, position: int):
    """What the server holds as the student's answer at ``position``."""
    from quizsite.quizzes.models import Answer

    return Answer.objects.get(
        attempt_question__attempt__user=student, attempt_question__position=position
    ).value


def open_in_new_tab(browser) -> tuple[str, str]:
    """Open the page the driver is on in a second tab: (first handle, new handle)."""
    d = browser.driver
    first, url = d.current_window_handle, d.current_url
    d.switch_to.new_window("tab")
    d.get(url)
    wait_until(browser, lambda _: d.find_elements(By.ID, "attempt"))
    return first, d.current_window_handle


def question(browser, position: int):
    return browser.driver.find_element(By.ID, f"q{position}")


def positions_by_type(browser) -> dict[str, int]:
    return {
        el.get_attribute("data-type"): int(el.get_attribute("data-position"))
        for el in browser.driver.find_elements(By.CSS_SELECTOR, "#attempt .question")
    }


def save_state(browser, position: int) -> str:
    return (
        question(browser, position)
        .find_element(By.CSS_SELECTOR, ".save-state")
        .get_attribute("data-state")
    )


def wait_saved(browser, position: int) -> None:
    wait_until(
        browser,
        lambda d: save_state(browser, position) == "saved",
        message=f"question {position} was never saved",
    )


def set_code(browser, position: int, source: str) -> None:
    """Type into CodeMirror as a student would (through its API, which fires the same
    change events as the keyboard)."""
    browser.driver.execute_script(
        "document.querySelector(arguments[0]).CodeMirror.setValue(arguments[1]);",
        f"#q{position} .CodeMirror",
        source,
    )


def get_code(browser, position: int) -> str:
    return browser.driver.execute_script(
        "return document.querySelector(arguments[0]).CodeMirror.getValue();",
        f"#q{position} .CodeMirror",
    )


def start_quiz(browser, course, quiz, *, screenshots: bool = False) -> None:
    """From the course's dashboard, through the start page, onto the attempt page."""
    browser.go(f"/courses/{course.code}/quizzes/")
    if screenshots:
        browser.screenshot("quiz-dashboard")
    browser.driver.find_element(By.PARTIAL_LINK_TEXT, "Start").click()
    wait_until(browser, lambda d: d.find_elements(By.XPATH, "//button[text()='Start the quiz']"))
    if screenshots:
        browser.screenshot("quiz-start-page")
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    wait_until(browser, lambda d: d.find_elements(By.ID, "attempt"))


def doc_screenshot(browser, name: str, *, height: int | None = None) -> Path | None:
    """Save the page for the documentation (docs/screenshots/NAME.png), only when
    QUIZSITE_SCREENSHOTS=1, so ordinary runs leave the tree as it was. ``height``: make
    the window that tall first (the whole form or results page in one picture)."""
    if os.environ.get("QUIZSITE_SCREENSHOTS") != "1":
        return None
    d = browser.driver
    before = d.get_window_size()
    if height:
        d.set_window_size(before["width"], height)
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = DOC_SCREENSHOTS / f"{name}.png"
    d.save_screenshot(str(path))
    if height:
        d.set_window_size(before["width"], before["height"])
    return path


# A right answer to the small bank's code question ("double"): 4 of its points.
DOUBLE = "def double(x):\n    return 2 * x\n"


def submit_code_answer(browser, course, quiz, source: str = DOUBLE) -> dict[str, int]:
    """Start the quiz, type ``source`` as the code answer, submit and wait for the
    results page; the questions' positions by type."""
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    set_code(browser, at["code"], source)
    wait_saved(browser, at["code"])
    d.find_element(By.ID, "open-submit").click()
    d.find_element(By.ID, "confirm-yes").click()
    wait_until(browser, lambda _: "/results/" in d.current_url)
    return at


def wait_for_score(
    browser, score: str, *, timeout: float = WAIT, message: str = "the score never appeared"
) -> None:
    """Wait until the results page, updating itself, shows ``score`` ("Score: 4 / 9")."""
    d = browser.driver
    wait_until(
        browser,
        lambda _: score in d.find_element(By.CSS_SELECTOR, "#results .score").text,
        timeout=timeout,
        message=message,
    )
