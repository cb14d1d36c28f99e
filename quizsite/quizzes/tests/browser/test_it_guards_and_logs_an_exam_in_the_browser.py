"""In Chromium: a wrong access code and a wrong network are refused with what to do;
leaving the page and a paste reach the staff's timeline; a second device is noticed,
kept out, and let in by staff."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.quizzes import messages
from quizsite.quizzes.models import ActivityEvent, Attempt
from quizsite.quizzes.tests.browser.conftest import positions_by_type, wait_until

pytestmark = pytest.mark.browser


def _start_page(browser, course, quiz) -> None:
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/")
    wait_until(browser, lambda d: d.find_elements(By.XPATH, "//button[text()='Start the quiz']"))


def _banner(browser) -> str:
    return wait_until(browser, lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]")).text


def test_it_refuses_a_wrong_access_code_and_a_wrong_network(
    browser, student, course, live_quiz
) -> None:
    quiz = live_quiz(access_code="tulip-42")
    browser.login(student)
    _start_page(browser, course, quiz)
    assert "loses and regains focus" in browser.driver.find_element(By.ID, "recorded").text

    browser.driver.find_element(By.ID, "access-code").send_keys("tulip-41")
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    assert _banner(browser) == messages.WRONG_ACCESS_CODE
    browser.screenshot("access-wrong-code")
    assert not Attempt.objects.exists()

    quiz.allowed_networks = "10.20.0.0/16"  # the live server sees 127.0.0.1
    quiz.save()
    _start_page(browser, course, quiz)
    browser.driver.find_element(By.ID, "access-code").send_keys("tulip-42")
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    assert _banner(browser) == messages.WRONG_NETWORK
    assert not Attempt.objects.exists()

    quiz.allowed_networks = "127.0.0.0/8"
    quiz.save()
    _start_page(browser, course, quiz)
    browser.driver.find_element(By.ID, "access-code").send_keys("TULIP-42")
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    wait_until(browser, lambda d: d.find_elements(By.ID, "attempt"))


def test_it_puts_focus_loss_and_a_paste_on_the_staff_timeline(
    browser, student, ta, course, live_quiz
) -> None:
    quiz = live_quiz()
    browser.login(student)
    _start_page(browser, course, quiz)
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    wait_until(browser, lambda d: d.find_elements(By.ID, "attempt"))
    d = browser.driver
    at = positions_by_type(browser)

    # Another tab takes the focus (as another program would), then the quiz gets it back.
    quiz_tab = d.current_window_handle
    d.switch_to.new_window("tab")
    d.get(browser.base + "/accounts/login/")
    wait_until(browser, lambda _: ActivityEvent.objects.filter(kind="blur").exists(), timeout=20)
    d.close()
    d.switch_to.window(quiz_tab)
    d.execute_script("window.focus();")
    field = d.find_element(By.ID, f"q{at['text']}-input")
    field.click()
    # A paste, as the clipboard would deliver it.
    d.execute_script(
        "const dt = new DataTransfer(); dt.setData('text/plain', 'x'.repeat(57));"
        "arguments[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));",
        field,
    )
    wait_until(browser, lambda _: ActivityEvent.objects.filter(kind="paste").exists(), timeout=20)
    wait_until(browser, lambda _: ActivityEvent.objects.filter(kind="focus").exists(), timeout=20)

    browser.login(ta)
    browser.go(f"/quiz-attempts/{Attempt.objects.get().pk}/activity/timeline/")
    timeline = d.find_element(By.ID, "timeline").text
    browser.screenshot("activity-timeline")
    assert "Left the quiz page" in timeline
    assert "Came back to the quiz page" in timeline
    assert f"Pasted into an answer: 57 characters into question {at['text']}" in timeline
    assert not browser.audit()


def test_it_notices_a_second_device(browser, student, ta, course, live_quiz) -> None:
    quiz = live_quiz(one_device=True)
    browser.login(student)
    _start_page(browser, course, quiz)
    browser.driver.find_element(By.XPATH, "//button[text()='Start the quiz']").click()
    wait_until(browser, lambda d: d.find_elements(By.ID, "attempt"))
    attempt = Attempt.objects.get()

    browser.login(student)  # a new session: another device
    browser.go(f"/quiz-attempts/{attempt.pk}/")
    assert _banner(browser) == messages.OTHER_DEVICE
    browser.screenshot("second-device-refused")

    browser.login(ta)
    browser.go(f"/courses/{course.code}/quizzes/{quiz.pk}/attempts/")
    assert "2 devices" in browser.driver.find_element(By.TAG_NAME, "table").text
    browser.go(f"/quiz-attempts/{attempt.pk}/activity/timeline/")
    assert "Opened on another device" in browser.driver.find_element(By.ID, "timeline").text
    assert not browser.audit()
    browser.driver.find_element(By.XPATH, "//button[starts-with(., 'Allow this device')]").click()
    wait_until(browser, lambda d: "Yes, allowed by ta" in d.page_source)
    assert ActivityEvent.objects.filter(kind="device_allowed").exists()
