"""In Chromium, an instructor in the emulated LMS opens Quizsite's picker inside the
LMS's frame, ticks a quiz, and the signed deep-linking response is posted back to the
LMS by the page's static script: the LMS places the quiz with its grade-book column."""

from __future__ import annotations

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from quizsite.lti.models import Context
from quizsite.lti.tests.browser.conftest import open_in_lms
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_it_places_the_picked_quiz_in_the_lms(browser, lms, make_quiz) -> None:
    d = browser.driver
    assert launch(Client(), lms, "lms-ivy").status_code == 302
    course = Context.objects.get().course
    quiz = make_quiz(course=course, title="Frames and scopes")

    open_in_lms(browser, lms, lms.plan_launch("lms-ivy", message_type="LtiDeepLinkingRequest"))
    wait_until(browser, lambda _: d.find_elements(By.ID, "lti-place"), message="no picker")
    d.find_element(By.XPATH, "//label[normalize-space()='Frames and scopes']").click()
    browser.screenshot("lti-deep-link-picker-in-lms-frame")
    d.find_element(By.ID, "lti-place").click()
    wait_until(browser, lambda _: d.find_elements(By.ID, "placed"), message="not placed")
    assert d.find_element(By.ID, "placed").text == "Placed: Frames and scopes"
    [item] = lms.deep_link_items
    assert item["custom"] == {"quizsite_quiz": str(quiz.pk)}
    [column] = lms.line_items.values()
    assert column["resourceId"] == f"quiz-{quiz.pk}"
    d.switch_to.default_content()
    d.delete_all_cookies()
