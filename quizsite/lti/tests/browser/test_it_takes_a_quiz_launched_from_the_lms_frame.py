"""In Chromium, the emulated LMS's course page launches a student into a quiz inside
its iframe (OIDC login, form_post of the id_token, cookies SameSite=None): the quiz is
taken and submitted there; when results are released the LMS receives exactly one
line item and the score, a regrade updates that score, and a second launch from the
LMS creates nothing new."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.accounts.models import User
from quizsite.bank.models import QuestionVersion
from quizsite.lti.models import Context, Identity, LineItem
from quizsite.lti.tests.browser.conftest import open_in_lms
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.actions.regrades import regrade_question
from quizsite.quizzes.models import Attempt, QuizPool
from quizsite.quizzes.tests.browser.conftest import wait_saved, wait_until
from quizsite.quizzes.tests.conftest import store_question

pytestmark = pytest.mark.browser
WRONG_KEY = """title = "Closure opcode"
type = "choice"
points = 2
prompt = "Which opcode reads a closure variable?"
options = ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"]
answer = "LOAD_FAST"
"""


def test_it_launches_a_student_into_a_quiz_and_sends_back_one_score(
    browser, lms, make_quiz, small_bank, celery_eager
) -> None:
    d = browser.driver
    assert launch(Client(), lms, "lms-ivy").status_code == 302  # links the course
    course = Context.objects.get().course
    keyed = store_question("t/key", {"question.toml": WRONG_KEY})
    now = timezone.now()
    quiz = make_quiz(
        course=course,
        pool=False,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        time_limit=timedelta(minutes=30),
        feedback_release="manual",
    )
    QuizPool.objects.create(quiz=quiz, count=2).questions.set([keyed, small_bank["numeric"]])

    open_in_lms(browser, lms, lms.plan_launch("lms-ann", custom={"quizsite_quiz": str(quiz.pk)}))
    start = "//button[text()='Start the quiz']"
    wait_until(browser, lambda _: d.find_elements(By.XPATH, start), message="no start page")
    browser.screenshot("lti-quiz-start-in-lms-frame")
    d.find_element(By.XPATH, start).click()
    wait_until(browser, lambda _: d.find_elements(By.ID, "attempt"))
    at = {
        el.get_attribute("data-type"): int(el.get_attribute("data-position"))
        for el in d.find_elements(By.CSS_SELECTOR, "#attempt .question")
    }
    d.find_element(By.ID, f"q{at['choice']}").find_element(
        By.XPATH, ".//label[normalize-space()='LOAD_DEREF']"
    ).click()
    d.find_element(By.ID, f"q{at['numeric']}-input").send_keys("100")
    for position in at.values():
        wait_saved(browser, position)
    d.find_element(By.ID, "open-submit").click()
    wait_until(browser, lambda _: d.find_element(By.ID, "confirm-submit").is_displayed())
    d.find_element(By.ID, "confirm-yes").click()
    wait_until(browser, lambda _: Attempt.objects.filter(status="submitted").exists())
    browser.screenshot("lti-quiz-submitted-in-lms-frame")
    ann = Identity.objects.get(sub="lms-ann").user
    assert Attempt.objects.get().user == ann
    assert lms.scores == []  # not released yet

    release_feedback(quiz, now=timezone.now())
    [item] = lms.line_items.values()
    assert item["resourceId"] == f"quiz-{quiz.pk}"
    [(item_id, score)] = lms.scores
    assert (item_id, score["userId"], score["scoreGiven"]) == (item["id"], "lms-ann", 1.0)
    assert score["gradingProgress"] == "FullyGraded"

    fixed = WRONG_KEY.replace('answer = "LOAD_FAST"', 'answer = "LOAD_DEREF"')
    version = QuestionVersion.objects.create(
        question=keyed,
        number=2,
        content_hash=hashlib.sha256(fixed.encode()).hexdigest(),
        files={"question.toml": fixed},
    )
    ivy = Identity.objects.get(sub="lms-ivy").user
    regrade_question(quiz, keyed, version, by=ivy, now=timezone.now())
    assert [s["scoreGiven"] for _, s in lms.scores] == [1.0, 3.0]
    assert len(lms.line_items) == 1

    # Launched again from the LMS: the same account, the same column, no new score.
    users = User.objects.count()
    d.switch_to.default_content()
    open_in_lms(browser, lms, lms.plan_launch("lms-ann", custom={"quizsite_quiz": str(quiz.pk)}))
    wait_until(browser, lambda _: "Quiz 1" in d.find_element(By.TAG_NAME, "body").text)
    browser.screenshot("lti-quiz-relaunched-in-lms-frame")
    assert User.objects.count() == users
    assert LineItem.objects.count() == 1 and len(lms.line_items) == 1
    assert len(lms.scores) == 2
    d.switch_to.default_content()
    d.delete_all_cookies()
