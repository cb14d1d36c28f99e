"""A student whose trial runs used their grading time for now clicks "Run the visible
tests" and reads why nothing runs; their answer is still saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.grading.models import Submission
from quizsite.quizzes import messages
from quizsite.quizzes.models import AttemptQuestion
from quizsite.quizzes.tests.browser.conftest import (
    positions_by_type,
    question,
    set_code,
    start_quiz,
    wait_saved,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_it_says_why_a_trial_run_is_refused(browser, student, course, live_quiz, settings) -> None:
    settings.GRADER_TRIAL_SECONDS, settings.GRADER_TRIAL_WINDOW_SECONDS = 20, 600
    quiz = live_quiz()
    browser.login(student)
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)
    aq = AttemptQuestion.objects.get(attempt__user=student, position=at["code"])
    started = timezone.now() - timedelta(minutes=2)
    for i in range(2):  # two trial runs of code that slept 10 s each
        Submission.objects.create(
            question_version=aq.question_version,
            user=student,
            code="import time\ntime.sleep(10)\n",
            purpose=Submission.Purpose.VISIBLE_TESTS,
            status=Submission.Status.GRADED,
            started_at=started + timedelta(seconds=15 * i),
            finished_at=started + timedelta(seconds=15 * i + 10),
        )

    code = question(browser, at["code"])
    set_code(browser, at["code"], "def double(x):\n    return 2 * x\n")
    wait_saved(browser, at["code"])
    code.find_element(By.CSS_SELECTOR, ".run-tests").click()
    results = code.find_element(By.CSS_SELECTOR, ".run-results")
    said = messages.TRIAL_BUDGET_USED.format(seconds=20, minutes=10)
    wait_until(browser, lambda _: results.text == said, message="the refusal was not shown")
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", results)
    browser.screenshot("quiz-trial-run-refused")
    assert Submission.objects.filter(user=student).count() == 2  # nothing was queued
    assert code.find_element(By.CSS_SELECTOR, ".run-tests").is_enabled()
