"""A forged, expired or replayed id_token, one for another tool and one from an
unknown deployment are each refused with a page that says why, and logged; nobody is
signed in."""

from __future__ import annotations

import logging
import time

import pytest

from quizsite.lti.models import Identity
from quizsite.lti.tests.conftest import launch
from quizsite.lti.tests.platform import new_key

pytestmark = pytest.mark.django_db


def _forged(platform):
    pem, _, _ = new_key()
    # Signed by another key under the platform's own key id.
    return lambda claims: platform.sign(claims, pem=pem, kid=platform.kid)


def _expired(claims):
    return dict(claims, iat=int(time.time()) - 900, exp=int(time.time()) - 600)


def _other_audience(claims):
    return dict(claims, aud="some-other-tool")


def _unknown_deployment(claims):
    return dict(claims, **{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "elsewhere"})


CASES = [
    (
        "forged",
        {"sign": _forged},
        "was not signed by your course site",
        "signature does not verify",
    ),
    ("expired", {"tamper": _expired}, "The launch has expired", "id_token expired"),
    ("audience", {"tamper": _other_audience}, "meant for another tool", "aud 'some-other-tool'"),
    ("deployment", {"tamper": _unknown_deployment}, "is not registered", "unknown deployment"),
]


@pytest.mark.parametrize(("case", "how", "shown", "logged"), CASES, ids=[c[0] for c in CASES])
def test_it_refuses_a_bad_id_token(
    linked_course, platform, client, caplog, case, how, shown, logged
):
    how = {k: (v(platform) if k == "sign" else v) for k, v in how.items()}
    with caplog.at_level(logging.WARNING, logger="quizsite.lti"):
        response = launch(client, platform, "lms-ann", **how)
    assert response.status_code == 403
    assert shown in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Identity.objects.filter(sub="lms-ann").exists()
    assert any("LTI launch refused" in r.message and logged in r.message for r in caplog.records)


def test_it_refuses_a_replayed_id_token(linked_course, platform, client, caplog):
    first = launch(client, platform, "lms-ann")
    assert first.status_code == 302
    client.logout()
    client.cookies[f"lti_state_{first.lti_state[:12]}"] = first.lti_state
    with caplog.at_level(logging.WARNING, logger="quizsite.lti"):
        again = client.post("/lti/launch/", {"id_token": first.lti_token, "state": first.lti_state})
    assert again.status_code == 403
    assert "already used or has expired" in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("replayed id_token" in r.message for r in caplog.records)


def test_it_offers_a_new_window_when_the_state_cookie_was_dropped(linked_course, platform, client):
    from quizsite.lti.tests.conftest import start_login

    hint = platform.plan_launch("lms-ann")
    auth = start_login(client, platform, hint)
    client.cookies.clear()  # what a browser blocking third-party cookies does
    token = platform.sign(platform.claims_for(hint, auth["nonce"], auth["redirect_uri"]))
    response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'target="_blank"' in page and f"login_hint={hint}" in page
    assert "_auth_user_id" not in client.session


def test_it_forgets_logins_an_hour_old(registered, platform, client):
    from datetime import timedelta

    from quizsite.lti import launch as lti_launch
    from quizsite.lti.models import LoginState
    from quizsite.lti.tests.conftest import start_login

    start_login(client, platform, platform.plan_launch("lms-ann"))
    made = LoginState.objects.get().created_at
    assert lti_launch.forget_old_logins(made + timedelta(hours=1)) == 0
    assert lti_launch.forget_old_logins(made + timedelta(hours=1, seconds=1)) == 1


@pytest.mark.parametrize(("after", "status"), [(599, 302), (601, 403)])
def test_it_refuses_a_launch_ten_minutes_after_its_login(
    linked_course, platform, client, after, status
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from quizsite.lti.tests.conftest import start_login

    start = timezone.now()
    hint = platform.plan_launch("lms-ann")
    with time_machine.travel(start, tick=False):
        auth = start_login(client, platform, hint)
    with time_machine.travel(start + timedelta(seconds=after), tick=False):
        token = platform.sign(platform.claims_for(hint, auth["nonce"], auth["redirect_uri"]))
        response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    assert response.status_code == status
    if status == 403:
        assert "The launch has expired" in response.content.decode()
