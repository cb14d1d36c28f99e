"""In Chromium, a launch whose id_token the LMS did not sign shows, inside the LMS's
frame, a page that says what went wrong; nobody is signed in."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from quizsite.lti.tests.browser.conftest import open_in_lms
from quizsite.lti.tests.platform import new_key
from quizsite.quizzes.tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_it_shows_the_refusal_inside_the_lms_frame(browser, lms) -> None:
    d = browser.driver
    lms.pem, _, _ = new_key()  # a forger: signs with a key that is not in its JWKS
    open_in_lms(browser, lms, lms.plan_launch("lms-ann"))
    wait_until(browser, lambda _: d.find_elements(By.ID, "lti-refused"), message="no refusal")
    browser.screenshot("lti-refused-in-lms-frame")
    assert "was not signed by your course site" in d.find_element(By.ID, "lti-refused").text
    assert "Log out" not in d.find_element(By.TAG_NAME, "body").text
    d.switch_to.default_content()
    d.delete_all_cookies()
