"""Staff open a quiz's attempts and give a running attempt more time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_it_adds_minutes_from_the_attempts_list(
    browser, student, other_student, instructor, course, live_quiz
) -> None:
    quiz = live_quiz()
    now = timezone.now()
    running = start_attempt(quiz, student, now=now)
    done = start_attempt(quiz, other_student, now=now)
    save_answer(done, 1, "LOAD_DEREF", now=now)
    submit_attempt(done, now=now)

    browser.login(instructor)
    browser.go(f"/courses/{course.code}/quizzes/")
    browser.driver.find_element(By.PARTIAL_LINK_TEXT, "Attempts (staff)").click()
    d = browser.driver
    wait_until(browser, lambda _: d.find_elements(By.CSS_SELECTOR, "table"))
    rows = d.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.find_element(By.TAG_NAME, "th").text for r in rows] == ["other_student", "student"]
    assert "1 / 9" in rows[0].text

    minutes = d.find_element(By.ID, f"minutes-{running.pk}")
    minutes.clear()
    minutes.send_keys("10")
    browser.screenshot("quiz-staff-attempts")
    minutes.submit()
    wait_until(
        browser, lambda _: "Added 10 min for student" in d.find_element(By.TAG_NAME, "body").text
    )
    running.refresh_from_db()
    assert running.added_time == timedelta(minutes=10)
    assert running.deadline == now + timedelta(minutes=40)
