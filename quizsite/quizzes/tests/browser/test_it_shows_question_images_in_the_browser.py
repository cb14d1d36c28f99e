"""A prompt's image, kept beside its question, shows on the attempt page (loaded from
the site, under its Content-Security-Policy) and the page still passes its audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from questions.tests.image_helpers import png
from quizsite.bank.models import QuestionImage
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.browser.conftest import start_quiz, wait_until
from quizsite.quizzes.tests.conftest import store_question

pytestmark = pytest.mark.browser

FILES = {
    "question.toml": """title = "The frame stack"
type = "text"
prompt = "Which attribute links a frame to its caller?\\n\\n![two frames, the inner one pointing at the outer](stack.png)"
answers = ["f_back"]
"""
}


def test_it_shows_the_prompt_s_image(browser, student, course, make_quiz) -> None:
    question = store_question("img/stack", FILES)
    QuestionImage.objects.create(
        version=question.current, name="stack.png", content_type="image/png", data=png(40, 20)
    )
    now = timezone.now()
    quiz = make_quiz(
        pool=False,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        time_limit=timedelta(minutes=30),
    )
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([question])
    browser.login(student)
    start_quiz(browser, course, quiz)
    image = browser.driver.find_element(By.CSS_SELECTOR, "#attempt .prompt img")
    wait_until(
        browser,
        lambda d: d.execute_script("return arguments[0].complete", image),
        message="the image never loaded",
    )
    assert browser.driver.execute_script("return arguments[0].naturalWidth", image) == 40
    assert image.get_attribute("alt").startswith("two frames")
    assert browser.audit() == []
