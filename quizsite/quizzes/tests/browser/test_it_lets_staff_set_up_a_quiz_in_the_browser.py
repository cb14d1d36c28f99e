"""A TA sets a quiz up in the browser: the form, a second pool added with the "Add a
pool" button, then extra time for a student; a student then sees the quiz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from quizsite.quizzes.models import Quiz, QuizOverride
from quizsite.quizzes.tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def _type_local(driver, element_id: str, moment: datetime) -> None:
    # datetime-local inputs take their value most reliably through the DOM.
    driver.execute_script(
        "const el = document.getElementById(arguments[0]); el.value = arguments[1];",
        element_id,
        moment.strftime("%Y-%m-%dT%H:%M"),
    )


def test_it_creates_a_quiz_with_two_pools_and_an_override(
    browser, course, small_bank, ta, student
) -> None:
    browser.login(ta)
    browser.go(f"/courses/{course.code}/quizzes/")
    d = browser.driver
    d.find_element(By.LINK_TEXT, "New quiz").click()
    wait_until(browser, lambda _: d.find_elements(By.ID, "id_title"))

    now = datetime.now(course.tz).replace(second=0, microsecond=0)
    d.find_element(By.ID, "id_title").send_keys("Scopes check")
    _type_local(d, "id_opens_local", now - timedelta(hours=1))
    _type_local(d, "id_closes_local", now + timedelta(hours=3))
    d.find_element(By.ID, "id_time_limit_minutes").clear()  # 25 is proposed
    d.find_element(By.ID, "id_time_limit_minutes").send_keys("20")
    Select(d.find_element(By.ID, "id_pools-0-topic")).select_by_value("alpha")
    d.find_element(By.ID, "id_pools-0-count").clear()
    d.find_element(By.ID, "id_pools-0-count").send_keys("2")
    d.find_element(By.ID, "add-pool").click()
    Select(d.find_element(By.ID, "id_pools-1-topic")).select_by_value("beta")
    browser.screenshot("staff-quiz-form")
    d.find_element(By.CSS_SELECTOR, "form.quiz-edit button[type=submit]").click()

    wait_until(browser, lambda _: "Saved Scopes check" in d.page_source)
    quiz = Quiz.objects.get(title="Scopes check")
    assert [(p.topic, p.count) for p in quiz.pools.all()] == [("alpha", 2), ("beta", 1)]
    assert quiz.time_limit == timedelta(minutes=20)
    assert quiz.opens_at == (now - timedelta(hours=1)).astimezone(UTC)

    d.find_element(By.LINK_TEXT, "Extra time and windows").click()
    wait_until(browser, lambda _: d.find_elements(By.ID, "id_student"))
    d.find_element(By.ID, "id_student").send_keys("student")
    d.find_element(By.ID, "id_extra_percent").clear()
    d.find_element(By.ID, "id_extra_percent").send_keys("25")
    d.find_element(By.XPATH, "//button[text()='Save the override']").click()
    wait_until(browser, lambda _: "Saved the override for student" in d.page_source)
    assert QuizOverride.objects.get().extra_percent == 25
    browser.screenshot("staff-quiz-overrides")

    browser.login(student)
    browser.go(f"/courses/{course.code}/quizzes/")
    assert "Scopes check" in d.page_source
