"""A student writes an essay in a quiz (autosaved), submits and sees the score
pending; a TA reads the answer with the rubric, sets its points, and the score
appears for the student."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.quizzes.models import Answer, Attempt
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    question,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser
ESSAY = "The inner function reads x,\nso the compiler keeps x in a cell: LOAD_DEREF."


def test_it_lets_staff_grade_an_essay_and_the_score_appears(
    browser, student, ta, course, essay_quiz
) -> None:
    now = timezone.now()
    quiz = essay_quiz(
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        time_limit=timedelta(minutes=30),
    )
    browser.login(student)
    start_quiz(browser, course, quiz)
    d = browser.driver
    at = positions_by_type(browser)
    assert sorted(at) == ["choice", "essay"]
    assert "Write 5 to 200 words." in question(browser, at["essay"]).text
    question(browser, at["choice"]).find_element(
        By.XPATH, ".//label[normalize-space()='LOAD_DEREF']"
    ).click()
    box = d.find_element(By.ID, f"q{at['essay']}-input")
    assert box.tag_name == "textarea"
    box.send_keys(ESSAY)
    wait_saved(browser, at["essay"])
    attempt = Attempt.objects.get(user=student, quiz=quiz)
    essay = Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=at["essay"]
    )
    assert essay.value == ESSAY
    assert browser.audit() == []  # WCAG rules, and no Content-Security-Policy violation

    d.find_element(By.ID, "open-submit").click()
    wait_until(browser, lambda _: d.find_element(By.ID, "confirm-submit").is_displayed())
    d.find_element(By.ID, "confirm-yes").click()
    wait_until(browser, lambda _: "Score: pending." in d.find_element(By.TAG_NAME, "body").text)
    page = d.find_element(By.TAG_NAME, "body").text
    assert "Awaiting hand grading" in page and "SECRET-RUBRIC" not in page
    browser.screenshot("essay-awaiting-hand-grading")

    # The TA finds the attempt on the staff's list and grades the essay.
    browser.login(ta)
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/attempts/")
    d.find_element(By.PARTIAL_LINK_TEXT, "1 to grade by hand").click()
    wait_until(browser, lambda _: d.find_elements(By.ID, f"points-{at['essay']}"))
    assert "SECRET-RUBRIC" in d.find_element(By.CSS_SELECTOR, ".grader-info").text
    field = d.find_element(By.ID, f"points-{at['essay']}")
    field.send_keys("3")
    field.find_element(By.XPATH, "./ancestor::form").find_element(
        By.CSS_SELECTOR, "button[type=submit]"
    ).click()
    wait_until(browser, lambda _: "Score: 4 / 5" in d.find_element(By.TAG_NAME, "body").text)
    assert browser.csp_violations() == []
    browser.screenshot("essay-graded-by-hand")

    # The student sees the score.
    browser.login(student)
    browser.go(f"/quiz-attempts/{attempt.pk}/results/")
    assert "Score: 4 / 5" in d.find_element(By.CSS_SELECTOR, ".score").text
    attempt.refresh_from_db()
    assert attempt.score == 4.0
