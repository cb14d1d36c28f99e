"""A mistyped address and a fault show friendly pages, also under ``make run`` (DEBUG
on), where Django's debug pages listed every URL of the site to anyone who mistyped
one, or showed a traceback."""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.django_db

NOT_FOUND = b"Page not found"
FAULT = b"Something went wrong on our side"
INTERNALS = [b"URLconf", b"quiz-attempts/", b"Traceback", b"PdfminerException", b"Raised by"]


def _shows_no_internals(content: bytes) -> None:
    for word in INTERNALS:
        assert word not in content, word


@pytest.mark.parametrize("debug", [True, False], ids=["make run (DEBUG on)", "production"])
def test_it_shows_a_friendly_page_for_a_mistyped_address(client, settings, debug) -> None:
    settings.DEBUG = debug
    response = client.get("/quiz-attempt/12/results/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content
    _shows_no_internals(response.content)


@pytest.mark.parametrize("debug", [True, False], ids=["make run (DEBUG on)", "production"])
def test_it_shows_the_same_page_for_someone_else_s_attempt(
    client_for, student, settings, debug
) -> None:
    settings.DEBUG = debug
    response = client_for(student).get("/quiz-attempts/999/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content
    _shows_no_internals(response.content)


@pytest.mark.urls("tests.boom_urls")
@pytest.mark.parametrize("debug", [True, False], ids=["make run (DEBUG on)", "production"])
def test_it_shows_a_friendly_page_for_a_fault_and_logs_it(settings, caplog, debug) -> None:
    from django.test import Client

    settings.DEBUG = debug
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert FAULT in response.content
    _shows_no_internals(response.content)
    assert any(r.exc_info and "PdfminerException" in str(r.exc_info[1]) for r in caplog.records)


def test_it_still_adds_the_missing_slash(client, settings) -> None:
    settings.DEBUG = True
    response = client.get("/admin")
    assert (response.status_code, response["Location"]) == (301, "/admin/")


def test_it_shows_django_s_debug_page_to_a_developer_who_asks(client, settings) -> None:
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    response = client.get("/quiz-attempt/12/results/")
    assert response.status_code == 404
    assert b"URLconf" in response.content


@pytest.mark.browser
@pytest.mark.urls("tests.boom_urls")
def test_it_shows_error_pages_that_pass_the_accessibility_audit(browser, student, settings):
    settings.DEBUG = True
    browser.login(student)
    problems = []
    for name, path in [("error-404", "/quiz-attempt/12/results/"), ("error-500", "/boom/")]:
        browser.go(path)
        browser.screenshot(name)
        assert browser.driver.find_element("tag name", "h1").text in {
            "Page not found",
            "Something went wrong on our side",
        }
        problems += [f"{name}: {problem}" for problem in browser.audit()]
    assert not problems, "\n".join(problems)
