"""Every quiz page, as a student and as staff, passes axe-core's WCAG 2.1 A and AA
rules with no serious or critical violation (in headless Chromium, as rendered)."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.bank.models import QuestionVersion
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.browser.conftest import positions_by_type, start_quiz, wait_until

pytestmark = pytest.mark.browser


def _audited(browser, name: str) -> list[str]:
    browser.screenshot(f"a11y-{name}")
    return [f"{name}: {problem}" for problem in browser.audit()]


def test_it_passes_on_the_student_s_pages(browser, student, course, live_quiz) -> None:
    quiz = live_quiz()
    browser.login(student)
    problems = []
    browser.go(f"/courses/{course.code}/quizzes/")
    problems += _audited(browser, "dashboard")
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/")
    problems += _audited(browser, "start")
    start_quiz(browser, course, quiz)
    at = positions_by_type(browser)
    browser.driver.find_element(By.ID, f"q{at['text']}-input").send_keys("UnboundLocalError")
    problems += _audited(browser, "attempt")
    the_attempt = Attempt.objects.get()
    browser.go(f"/quiz-attempts/{the_attempt.pk}/submit/")
    problems += _audited(browser, "submit-confirm")
    submit_attempt(the_attempt, now=timezone.now())
    browser.driver.refresh()
    wait_until(browser, lambda d: "/results/" in d.current_url)
    problems += _audited(browser, "results")
    assert not problems, "\n".join(problems)


def test_it_passes_on_the_staff_pages(browser, student, ta, course, live_quiz, small_bank) -> None:
    quiz = live_quiz()
    attempt = start_attempt(quiz, student, now=timezone.now())
    for aq in attempt.questions.select_related("question_version__question"):
        value = {"choice": "LOAD_FAST", "multi": ["co_cellvars"], "text": "NameError"}.get(
            aq.question_version.question.type
        )
        if value is not None:  # answers, so the statistics show options and wrong answers
            save_answer(attempt, aq.position, value, now=timezone.now())
    submit_attempt(attempt, now=timezone.now())
    browser.login(ta)
    problems = []
    for name, path in [
        ("staff-attempts", f"/courses/{course.code}/quizzes/{quiz.pk}/attempts/"),
        ("staff-quiz-form", f"/courses/{course.code}/quizzes/{quiz.pk}/edit/"),
        ("staff-new-quiz", f"/courses/{course.code}/quizzes/new/"),
        ("staff-overrides", f"/courses/{course.code}/quizzes/{quiz.pk}/overrides/"),
        ("staff-statistics", f"/courses/{course.code}/quizzes/{quiz.pk}/statistics/"),
        ("staff-feedback-per-question", f"/courses/{course.code}/quizzes/{quiz.pk}/feedback/"),
        ("staff-activity", f"/quiz-attempts/{attempt.pk}/activity/timeline/"),
        ("staff-results", f"/quiz-attempts/{attempt.pk}/results/"),
    ]:
        browser.go(path)
        problems += _audited(browser, name)
    # The choice question is corrected mid-term: statistics offer a regrade, previewed first.
    choice = small_bank["choice"]
    old = choice.current
    fixed = QuestionVersion.objects.create(
        question=choice,
        number=2,
        content_hash=hashlib.sha256(b"corrected " + old.content_hash.encode()).hexdigest(),
        files=old.files,
    )
    choice.current = fixed
    choice.save(update_fields=["current"])
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/statistics/")
    browser.driver.find_element(By.XPATH, "//button[starts-with(., 'Regrade with v2')]").click()
    wait_until(browser, lambda d: "/regrade/" in d.current_url)
    problems += _audited(browser, "staff-regrade-preview")
    assert not problems, "\n".join(problems)


def test_it_passes_on_the_code_similarity_pages(
    browser, student, other_student, ta, course, live_quiz
) -> None:
    from quizsite.quizzes import similarity_runs
    from quizsite.quizzes.models import SimilarityRun

    quiz = live_quiz()
    code = "def double(x):\n    total = 0\n    for _ in range(2):\n        total += x\n    return total\n"
    for who, text in [(student, code), (other_student, code.replace("total", "acc"))]:
        attempt = start_attempt(quiz, who, now=timezone.now())
        aq = attempt.questions.get(question_version__question__type="code")
        save_answer(attempt, aq.position, text * 2, now=timezone.now())
        submit_attempt(attempt, now=timezone.now())
    run = SimilarityRun.objects.create(
        quiz=quiz, question=aq.question_version.question, requested_at=timezone.now()
    )
    similarity_runs.run(run.pk, now=timezone.now())
    browser.login(ta)
    problems = []
    for name, path in [
        ("staff-similarity", f"/courses/{course.code}/quizzes/{quiz.pk}/similarity/"),
        (
            "staff-similarity-pair",
            f"/courses/{course.code}/quizzes/{quiz.pk}/similarity/{run.pk}/pairs/1/",
        ),
    ]:
        browser.go(path)
        problems += _audited(browser, name)
    assert not problems, "\n".join(problems)


def test_it_would_catch_a_violation(browser, student, course) -> None:
    """The audit itself works: an unlabelled field and a low-contrast text are caught."""
    browser.login(student)
    browser.go(f"/courses/{course.code}/quizzes/")
    # The faint text is styled through the DOM: the page's policy blocks a style="".
    browser.driver.execute_script(
        "const main = document.querySelector('main');"
        " main.insertAdjacentHTML('beforeend', '<input type=\"text\"><p id=\"faint\">faint</p>');"
        " Object.assign(document.getElementById('faint').style,"
        " {color: '#ccc', background: '#fff'});"
    )
    found = " ".join(browser.audit())
    assert "label (critical)" in found and "color-contrast (serious)" in found


def test_it_would_catch_a_content_security_policy_violation(browser, student, course) -> None:
    """The audit reports what the policy blocks: an inline style and an inline script."""
    browser.login(student)
    browser.go(f"/courses/{course.code}/quizzes/")
    assert browser.csp_violations() == []
    browser.driver.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<p style=\"color: red\">loud</p>');"
        " const s = document.createElement('script'); s.textContent = 'window.ran = 1;';"
        " document.body.appendChild(s);"
    )
    wait_until(browser, lambda d: len(browser.csp_violations()) >= 2)
    found = " ".join(browser.audit())
    assert "csp (style-src-attr): blocked inline" in found
    assert "csp (script-src-elem): blocked inline" in found
    assert browser.driver.execute_script("return window.ran === undefined;")
