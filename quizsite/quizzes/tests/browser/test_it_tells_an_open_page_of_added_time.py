"""A TA adds minutes to a running attempt while its page sits idle: the page hears of
it within one poll, says so politely, shows the new end and does not submit at the
old deadline. Before, it said nothing, ran out at the old deadline and submitted the
attempt as the student's own, minutes early."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.actions.attempts import add_time
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import start_quiz, wait_until

pytestmark = pytest.mark.browser

LIMIT = timedelta(seconds=20)
GRACE = timedelta(seconds=2)


def _block(browser, patterns: list[str]) -> None:
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": patterns})


def _left(browser) -> int:
    text = browser.driver.find_element(By.CSS_SELECTOR, "#timer .timer-value").text
    minutes, seconds = text.split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def _sit_past(deadline) -> None:
    """Wait, as an idle student would, until the old deadline and its grace are over."""
    time.sleep(max(0.0, (deadline + GRACE - timezone.now()).total_seconds()) + 3)


def test_it_shows_added_time_on_an_idle_page_and_keeps_going(
    browser, student, ta, course, live_quiz, settings
) -> None:
    settings.QUIZ_TIME_POLL_SECONDS = 2
    quiz = live_quiz(time_limit=LIMIT, grace=GRACE)
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    old = attempt.deadline
    banner = d.find_element(By.ID, "attempt-banner")
    wait_until(browser, lambda _: banner.text.startswith("1 minute left."))

    add_time(attempt, 3, by=ta, now=timezone.now())
    attempt.refresh_from_db()
    ends_at = timezone.localtime(attempt.deadline, course.tz).strftime("%H:%M:%S")
    said = f"Your TA added 3 minutes: the quiz now ends at {ends_at.removesuffix(':00')}."
    announcer = d.find_element(By.ID, "announcer")
    wait_until(browser, lambda _: announcer.text == said, message="the page never heard")
    assert announcer.get_attribute("aria-live") == "polite"
    assert banner.text == said  # the "1 minute left" warning is gone
    assert d.find_element(By.ID, "ends-at").text == ends_at
    timer = d.find_element(By.ID, "timer")
    wait_until(browser, lambda _: "critical" not in timer.get_attribute("class"))
    browser.screenshot("quiz-attempt-time-added")
    assert not browser.audit()

    _sit_past(old)
    assert "/results/" not in d.current_url
    assert _left(browser) > 120
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_it_asks_the_server_before_submitting_by_itself(
    browser, student, ta, course, live_quiz, settings
) -> None:
    # The page polls too rarely to hear of the added time before its countdown ends.
    settings.QUIZ_TIME_POLL_SECONDS = 600
    quiz = live_quiz(time_limit=LIMIT, grace=GRACE)
    browser.login(student)
    start_quiz(browser, course, quiz)
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    add_time(attempt, 3, by=ta, now=timezone.now())
    announcer = browser.driver.find_element(By.ID, "announcer")
    wait_until(
        browser,
        lambda _: announcer.text.startswith("Your TA added 3 minutes"),
        timeout=LIMIT.total_seconds() + 10,
        message="the page never checked with the server at zero",
    )
    _sit_past(attempt.deadline - timedelta(minutes=3))
    assert "/results/" not in browser.driver.current_url
    assert _left(browser) > 120
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_it_goes_on_when_the_server_refuses_an_early_automatic_submit(
    browser, student, ta, course, live_quiz, settings
) -> None:
    settings.QUIZ_TIME_POLL_SECONDS = 600
    quiz = live_quiz(time_limit=LIMIT, grace=GRACE)
    browser.login(student)
    start_quiz(browser, course, quiz)
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    old = attempt.deadline
    add_time(attempt, 3, by=ta, now=timezone.now())
    # The page cannot ask for the time: it posts its automatic submit, which the
    # server refuses, since the deadline has moved.
    _block(browser, ["*/time-left/*"])
    try:
        _sit_past(old)
        assert "/results/" not in browser.driver.current_url
        assert _left(browser) > 120
        attempt.refresh_from_db()
        assert (attempt.status, attempt.submitted_by) == ("in_progress", "")
    finally:
        _block(browser, [])
