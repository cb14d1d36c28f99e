"""The account pages (home, login, password reset, the imported student's first
password) pass axe-core's WCAG 2.1 A and AA rules with no serious or critical
violation, and meet no Content-Security-Policy violation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def _audited(browser, name: str) -> list[str]:
    browser.screenshot(f"a11y-{name}")
    return [f"{name}: {problem}" for problem in browser.audit()]


def test_it_passes_on_the_account_pages(browser, student, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    problems = []
    browser.go("/accounts/login/")
    problems += _audited(browser, "login")
    browser.driver.find_element(By.ID, "id_username").send_keys("student")
    browser.driver.find_element(By.ID, "id_password").send_keys("wrong")
    browser.driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    problems += _audited(browser, "login-refused")
    browser.go("/accounts/password_reset/")
    problems += _audited(browser, "password-reset")
    browser.driver.find_element(By.ID, "id_email").send_keys("student@example.edu")
    browser.driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    problems += _audited(browser, "password-reset-sent")
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    browser.go(link)
    problems += _audited(browser, "password-reset-choose")
    browser.login(student)
    browser.go("/")
    problems += _audited(browser, "home")
    browser.driver.get("about:blank")
    assert not problems, "\n".join(problems)
