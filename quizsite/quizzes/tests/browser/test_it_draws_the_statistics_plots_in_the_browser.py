"""The statistics page's plots render in Chromium as drawn SVG, and their tables
(behind "The numbers") hold the same figures as the statistics."""

from __future__ import annotations

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.accounts.models import Membership, User
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Attempt

pytestmark = pytest.mark.browser


def test_it_draws_scores_time_and_items(browser, ta, course, live_quiz) -> None:
    quiz = live_quiz()
    for k in range(11):
        user = User.objects.create_user(f"p{k:02d}")
        Membership.objects.create(user=user, course=course, role="student")
        attempt = start_attempt(quiz, user, now=timezone.now())
        for aq in attempt.questions.select_related("question_version__question"):
            kind = aq.question_version.question.type
            right = {"choice": "LOAD_DEREF", "text": "UnboundLocalError"}.get(kind)
            if right is not None:
                wrong = {"choice": "LOAD_FAST", "text": "NameError"}[kind]
                threshold = 7 if kind == "choice" else 4
                save_answer(
                    attempt, aq.position, right if k < threshold else wrong, now=timezone.now()
                )
        submit_attempt(attempt, now=timezone.now())
    browser.login(ta)
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/statistics/")
    d = browser.driver

    sizes = d.execute_script(
        "return [...document.querySelectorAll('svg.plot-svg')].map(s => s.getBoundingClientRect().width);"
    )
    assert len(sizes) == 3 and all(w > 200 for w in sizes)
    bars = d.execute_script(
        "return [...document.querySelectorAll('#plot-scores-caption ~ svg .plot-bar')]"
        ".map(r => r.getBBox().height);"
    )
    assert len(bars) == 10 and sum(1 for h in bars if h > 0) >= 2
    for summary in d.find_elements(By.CSS_SELECTOR, ".plot-numbers summary"):
        summary.click()
    rows = d.find_elements(By.CSS_SELECTOR, "#plot-scores-table tbody tr")
    counts = [int(r.find_element(By.TAG_NAME, "td").text) for r in rows]
    percents = [100 * a.score / a.max_score for a in Attempt.objects.filter(quiz=quiz)]
    assert counts == [
        sum(lo <= p < lo + 10 or (p == 100 and lo == 90) for p in percents)
        for lo in range(0, 100, 10)
    ]
    items = d.find_element(By.ID, "plot-items-table").text
    assert "Which opcode" in items and "Which exception" in items
    browser.screenshot("statistics-plots")
    assert not browser.audit()
