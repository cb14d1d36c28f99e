"""Fixtures for the LTI tests: an emulated LMS (tests/platform.py) registered with the
tool, and a launch driven through the Django test client the way a browser would."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

import pytest
from django.utils import timezone

from quizsite.lti.tests.platform import INSTRUCTOR, LEARNER, TA, Platform
from quizsite.quizzes.tests.conftest import essay_quiz, make_quiz, small_bank  # noqa: F401 - fixtures
from quizsite.reports.tests.conftest import make_milestone  # noqa: F401 - fixture

TOOL = "http://testserver"


@pytest.fixture
def platform():
    lms = Platform()
    lms.add_user("lms-ann", roles=[LEARNER], name="Ann Lee", email="ann@school.edu")
    lms.add_user("lms-ivy", roles=[INSTRUCTOR], name="Ivy Stone", email="ivy@school.edu")
    lms.add_user("lms-tom", roles=[TA], name="Tom Ng", email="tom@school.edu")
    yield lms
    lms.stop()


@pytest.fixture
def registered(db, platform):
    """The platform registered by an administrator; it trusts the tool's current keys."""
    from quizsite.lti import keys

    registration = platform.register_in()
    keys.signing_key(timezone.now())
    platform.trust_tool(keys.jwks(timezone.now()))
    return registration


def start_login(client, platform: Platform, hint: str) -> dict[str, str]:
    """The login initiation step: returns the authorization request the tool sent."""
    response = client.get("/lti/login/", platform.login_params(hint, f"{TOOL}/lti/launch/"))
    assert response.status_code == 302, response.content
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))


def launch(
    client,
    platform: Platform,
    sub: str,
    *,
    tamper: Callable[[dict], dict] | None = None,
    sign: Callable[[dict], str] | None = None,
    **plan,
):
    """A whole launch of ``sub``; ``tamper`` changes the claims, ``sign`` signs them."""
    hint = platform.plan_launch(sub, **plan)
    auth = start_login(client, platform, hint)
    claims = platform.claims_for(hint, auth["nonce"], auth["redirect_uri"])
    if tamper:
        claims = tamper(claims)
    token = (sign or platform.sign)(claims)
    response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    response.lti_token, response.lti_state = token, auth["state"]
    return response


@pytest.fixture
def linked_course(registered, platform, client):
    """The LMS course linked to a Quizsite course by the instructor's first launch."""
    from quizsite.lti.models import Context

    response = launch(client, platform, "lms-ivy")
    assert response.status_code == 302, response.content
    client.logout()
    return Context.objects.select_related("course").get().course
