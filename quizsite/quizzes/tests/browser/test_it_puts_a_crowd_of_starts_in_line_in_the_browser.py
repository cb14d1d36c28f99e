"""A student who presses Start while the site is admitting others sees that they are
in line and for how long, and lands on the attempt by themselves, never an error page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes import admission, messages
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_it_waits_in_line_then_starts(browser, student, course, live_quiz, monkeypatch) -> None:
    quiz = live_quiz()
    waits = iter([2])  # the site is full for the first press; then there is room

    monkeypatch.setattr(admission, "start_wait", lambda request: next(waits, 0))
    browser.login(student)
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/")
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    note = wait_until(browser, lambda d: d.find_elements(By.ID, "in-line"))[0]
    assert note.text == messages.STARTING_IN_LINE.format(seconds=2)
    assert not Attempt.objects.filter(user=student).exists()
    wait_until(browser, lambda d: "retrying in 1 s" in d.find_element(By.ID, "in-line").text)
    wait_until(browser, lambda d: d.find_elements(By.ID, "attempt"))
    assert Attempt.objects.filter(user=student, quiz=quiz).count() == 1
