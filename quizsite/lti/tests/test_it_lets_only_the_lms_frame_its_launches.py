"""Pages of a session that began with a launch may be framed by that LMS only; every
other session keeps X-Frame-Options DENY. Launch cookies are partitioned
(SameSite=None; Secure; Partitioned) so the LMS's frame keeps them."""

from __future__ import annotations

import pytest

from quizsite.lti.tests.conftest import launch

pytestmark = pytest.mark.django_db


def test_it_lets_the_launching_lms_frame_the_pages(linked_course, platform, client):
    response = launch(client, platform, "lms-ann")
    page = client.get(response["Location"])
    assert "X-Frame-Options" not in page
    policy = page["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {platform.url}" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "script-src 'self'" in policy  # the rest of the policy still holds


def test_it_keeps_other_sessions_out_of_frames(client_for, student, course):
    page = client_for(student).get(f"/courses/{course.code}/quizzes/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_it_partitions_the_launch_cookies(registered, platform, client, settings):
    settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_SAMESITE = True, "None"
    hint = platform.plan_launch("lms-ivy")
    response = client.get("/lti/login/", platform.login_params(hint, "http://testserver/x"))
    [state] = [c for name, c in response.cookies.items() if name.startswith("lti_state_")]
    assert "SameSite=None" in state.OutputString() and "Partitioned" in state.OutputString()
    assert "Secure" in state.OutputString() and "HttpOnly" in state.OutputString()

    done = launch(client, platform, "lms-ivy")
    session = done.cookies[settings.SESSION_COOKIE_NAME].OutputString()
    assert "SameSite=None" in session and "Partitioned" in session and "Secure" in session


def test_it_leaves_lax_cookies_unpartitioned(registered, platform, client, settings):
    settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_SAMESITE = False, "Lax"
    done = launch(client, platform, "lms-ivy")
    assert "Partitioned" not in done.cookies[settings.SESSION_COOKIE_NAME].OutputString()
