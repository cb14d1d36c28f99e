"""The new-quiz form in Chromium: the proposed window (next 9:00 in the course's zone,
12 hours, 25 minutes), the question picker's search over titles, ids and topics, a
prompt previewed in place, questions chosen by keyboard and saved into the pool; the
form passes the accessibility audit with a preview open."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from quizsite.quizzes import timing
from quizsite.quizzes.models import Quiz
from quizsite.quizzes.tests.browser.conftest import doc_screenshot, wait_until

pytestmark = pytest.mark.browser


def _shown_titles(d) -> list[str]:
    return [
        el.text
        for el in d.find_elements(By.CSS_SELECTOR, "#id_pools-0-questions .picker-title")
        if el.is_displayed()
    ]


def test_it_proposes_the_window_and_picks_questions_by_search(
    browser, course, small_bank, ta
) -> None:
    browser.login(ta)
    browser.go(f"/courses/{course.code}/quizzes/new/")
    d = browser.driver
    wait_until(browser, lambda _: d.find_elements(By.ID, "id_title"))
    opens = d.find_element(By.ID, "id_opens_local").get_attribute("value")
    closes = d.find_element(By.ID, "id_closes_local").get_attribute("value")
    expected, _ = timing.default_window(now=datetime.now(course.tz), tz=course.tz)
    assert opens == expected.strftime("%Y-%m-%dT%H:%M") and opens.endswith("T09:00")
    assert datetime.fromisoformat(closes) - datetime.fromisoformat(opens) == timedelta(hours=12)
    assert d.find_element(By.ID, "id_time_limit_minutes").get_attribute("value") == "25"
    d.find_element(By.ID, "id_title").send_keys("Opcodes")

    # Topics are groups, closed until searched; every word must match.
    assert _shown_titles(d) == []
    search = d.find_element(By.ID, "id_pools-0-questions-search")
    search.send_keys("which")
    wait_until(browser, lambda _: sorted(_shown_titles(d)) == ["Which exception", "Which opcode"])
    search.send_keys(" alpha", Keys.ENTER)  # Enter searches; it never submits the form
    wait_until(browser, lambda _: _shown_titles(d) == ["Which opcode"])
    assert "1 question matches" in d.find_element(By.ID, "id_pools-0-questions-shown").text
    assert d.current_url.endswith("/quizzes/new/") and not Quiz.objects.exists()

    # Preview in place, by keyboard, then choose the question with Space.
    item = next(
        el
        for el in d.find_elements(By.CSS_SELECTOR, "#id_pools-0-questions .picker-item")
        if el.is_displayed()
    )
    toggle = item.find_element(By.CSS_SELECTOR, ".picker-preview-toggle")
    toggle.send_keys(Keys.ENTER)
    preview = item.find_element(By.CSS_SELECTOR, ".picker-preview")
    wait_until(browser, lambda _: preview.is_displayed())
    assert "reads a closure variable" in preview.text
    assert toggle.get_attribute("aria-expanded") == "true"
    item.find_element(By.CSS_SELECTOR, "input[type=checkbox]").send_keys(Keys.SPACE)
    assert "1 chosen" in item.find_element(By.XPATH, "ancestor::details").text
    problems = browser.audit()
    d.execute_script("window.scrollTo(0, 0);")
    doc_screenshot(browser, "quiz-form", height=2450)
    assert not problems, "\n".join(problems)

    d.find_element(By.CSS_SELECTOR, "form.quiz-edit button[type=submit]").click()
    wait_until(browser, lambda _: "Saved Opcodes" in d.page_source)
    quiz = Quiz.objects.get(title="Opcodes")
    (pool,) = quiz.pools.all()
    assert list(pool.questions.all()) == [small_bank["choice"]]
    assert quiz.time_limit == timedelta(minutes=25)
    assert quiz.closes_at - quiz.opens_at == timedelta(hours=12)
