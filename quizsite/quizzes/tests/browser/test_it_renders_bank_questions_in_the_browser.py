"""Questions from the sample bank on the attempt page: Markdown prompts with
highlighted Python, the starter code in the editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from quizsite.bank.versions import read_package_files
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.browser.conftest import get_code, positions_by_type, start_quiz
from quizsite.quizzes.tests.conftest import store_question

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parents[4] / "questions" / "bank"
PATHS = ("bytecode/inplace-add-311", "frames/caller-name")


def test_it_shows_a_bank_prompt_with_highlighted_code(browser, student, course, live_quiz):
    quiz = live_quiz(pool=False)
    pool = QuizPool.objects.create(quiz=quiz, count=len(PATHS))
    pool.questions.set(
        [store_question(p, read_package_files(BANK / p), bank="sample") for p in PATHS]
    )
    browser.login(student)
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)

    prompt = browser.driver.find_element(By.CSS_SELECTOR, f"#q{at['choice']} .prompt")
    keyword = prompt.find_element(By.CSS_SELECTOR, ".codehilite .k")
    assert keyword.text == "def"
    assert keyword.value_of_css_property("color") != prompt.value_of_css_property("color")
    assert get_code(browser, at["code"]).startswith("import sys\n")
    browser.screenshot("quiz-attempt-bank-questions")
