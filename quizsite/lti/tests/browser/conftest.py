"""Browser fixtures for LTI: the emulated LMS registered with the live tool, and its
course page that frames the tool."""

from __future__ import annotations

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from quizsite.lti import keys
from quizsite.lti.tests.platform import Platform
from quizsite.quizzes.tests.browser.conftest import wait_until


@pytest.fixture
def lms(live_server, settings):
    """The emulated LMS, registered with the live tool; cookies as in production."""
    for name in ("SESSION", "CSRF"):
        setattr(settings, f"{name}_COOKIE_SECURE", True)
        setattr(settings, f"{name}_COOKIE_SAMESITE", "None")
    platform = Platform()
    platform.add_user("lms-ann", roles=[_role("Learner")], name="Ann Lee", email="ann@school.edu")
    platform.add_user(
        "lms-ivy", roles=[_role("Instructor")], name="Ivy Stone", email="ivy@school.edu"
    )
    platform.tool_login_url = live_server.url + "/lti/login/"
    platform.register_in()
    keys.signing_key(timezone.now())
    platform.tool_jwks_url = live_server.url + "/lti/jwks/"
    yield platform
    platform.stop()


def _role(name: str) -> str:
    return f"http://purl.imsglobal.org/vocab/lis/v2/membership#{name}"


def open_in_lms(browser, lms: Platform, hint: str) -> None:
    d = browser.driver
    d.get(f"{lms.url}/course/{hint}")
    wait_until(browser, lambda _: d.find_elements(By.ID, "tool"))
    d.switch_to.frame("tool")
