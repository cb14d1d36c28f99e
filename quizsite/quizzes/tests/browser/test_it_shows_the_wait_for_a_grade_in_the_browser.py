"""While a code answer waits for a worker, the results page says how long it should
take, from what was measured, and says plainly when nothing was measured; the
estimate follows the queue as the page polls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.grading.estimates import POLL_MAX
from quizsite.quizzes.tests.browser.conftest import (
    WAIT,
    submit_code_answer,
    wait_for_score,
    wait_until,
)

pytestmark = pytest.mark.browser


def _estimate(d) -> str:
    found = d.find_elements(By.CSS_SELECTOR, "#results .wait-estimate")
    return found[0].text if found else ""


def test_it_shows_an_honest_wait_that_follows_the_queue(
    browser, student, course, live_quiz, held_grading
) -> None:
    from quizsite.grading import service
    from quizsite.grading.models import Submission

    quiz = live_quiz()
    browser.login(student)
    submit_code_answer(browser, course, quiz)
    d = browser.driver
    (pk,) = held_grading
    assert _estimate(d) == (
        "No answers were graded in the last 10 minutes, so there is no estimate of the wait yet."
    )

    # Other answers were graded a moment ago, 40 s each by one worker, and two live
    # answers wait ahead of this one: the page catches up by itself.
    version = Submission.objects.get(pk=pk).question_version
    now = timezone.now()
    for _ in range(3):
        Submission.objects.create(
            question_version=version,
            code="",
            status="graded",
            claimed_by="w:1",
            started_at=now - timedelta(seconds=50),
            finished_at=now - timedelta(seconds=10),
        )
    earlier = Submission.objects.get(pk=pk).created_at - timedelta(seconds=1)
    for _ in range(2):
        ahead = Submission.objects.create(question_version=version, code="", priority=0)
        Submission.objects.filter(pk=ahead.pk).update(created_at=earlier)
    wait_until(
        browser,
        lambda _: _estimate(d) == "Expected wait: about 2 min (2 answers ahead of yours).",
        message="the estimate never followed the queue",
    )
    browser.screenshot("quiz-results-wait")

    Submission.objects.filter(status="queued").exclude(pk=pk).update(status="graded")
    assert service.grade_submission(pk) is service.Outcome.DONE
    # The page asks again after a third of the 2 min it expected, at most 15 s.
    wait_for_score(browser, "Score: 4 / 9", timeout=POLL_MAX + WAIT)
    assert _estimate(d) == ""
