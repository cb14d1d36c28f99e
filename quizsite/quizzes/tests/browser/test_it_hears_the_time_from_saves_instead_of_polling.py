"""A page that is saving hears the time left and any moved deadline from the saves'
replies, so it sends no time-left poll of its own: with a class typing, that is a
third fewer requests. A TA's added minutes still reach it at the next save, with the
polite sentence; an idle page still polls."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.actions.attempts import add_time
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser

POLL_SECONDS = 2


def _polls(browser) -> int:
    return browser.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter((e) => e.name.includes('/time-left/')).length;"
    )


def _type_for(browser, position: int, seconds: float) -> None:
    """Type a character every 1.2 s: each is saved after the page's 1 s typing pause,
    so the saves' replies come more often than the 2 s poll."""
    box = browser.driver.find_element(By.ID, f"q{position}-input")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        box.send_keys("1")
        time.sleep(1.2)


def test_it_sends_no_poll_while_saving_and_still_hears_of_added_time(
    browser, student, ta, course, live_quiz, settings
) -> None:
    settings.QUIZ_TIME_POLL_SECONDS = POLL_SECONDS
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)
    browser.driver.execute_script("performance.clearResourceTimings();")

    _type_for(browser, at["numeric"], 4 * POLL_SECONDS)
    wait_saved(browser, at["numeric"])
    assert _polls(browser) == 0

    attempt = Attempt.objects.get(user=student, quiz=quiz)
    add_time(attempt, 3, by=ta, now=timezone.now())
    attempt.refresh_from_db()
    ends_at = timezone.localtime(attempt.deadline, course.tz).strftime("%H:%M:%S")
    browser.driver.find_element(By.ID, f"q{at['numeric']}-input").send_keys("2")
    announcer = browser.driver.find_element(By.ID, "announcer")
    said = f"Your TA added 3 minutes: the quiz now ends at {ends_at.removesuffix(':00')}."
    wait_until(browser, lambda _: announcer.text == said, message="the save never told it")
    assert browser.driver.find_element(By.ID, "ends-at").text == ends_at


def test_it_polls_when_the_page_is_idle(browser, student, course, live_quiz, settings) -> None:
    settings.QUIZ_TIME_POLL_SECONDS = POLL_SECONDS
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    browser.driver.execute_script("performance.clearResourceTimings();")
    wait_until(browser, lambda _: _polls(browser) >= 2, message="an idle page never polled")
