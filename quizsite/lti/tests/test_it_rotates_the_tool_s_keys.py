"""The tool's JWKS publishes its signing key; rotating makes a new one sign while the
old one stays published for the grace period (platforms cache key sets), and is gone
a second after it. Client assertions are signed with the newest key."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine
from django.core.management import call_command

from quizsite.lti import keys, services

pytestmark = pytest.mark.django_db
T = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def _kids(client) -> list[str]:
    return [k["kid"] for k in client.get("/lti/jwks/").json()["keys"]]


def test_it_keeps_the_old_key_published_for_the_grace_period(client, settings):
    settings.LTI_KEY_GRACE_HOURS = 24
    old = keys.signing_key(T)
    with time_machine.travel(T, tick=False):
        out = io.StringIO()
        call_command("rotate_lti_keys", stdout=out)
        new = keys.signing_key(T)
        assert f"New signing key {new.kid}." in out.getvalue()
        assert new.kid != old.kid
        assert sorted(_kids(client)) == sorted([old.kid, new.kid])
    with time_machine.travel(T + timedelta(hours=24) - S, tick=False):
        assert old.kid in _kids(client)
    with time_machine.travel(T + timedelta(hours=24), tick=False):
        assert _kids(client) == [new.kid]
    keys.rotate(T + timedelta(hours=24))  # the next rotation deletes it
    assert not keys.ToolKey.objects.filter(kid=old.kid).exists()


def test_it_signs_with_the_newest_key(client):
    keys.signing_key(T)
    new, _ = keys.rotate(T + S)
    token = services.sign({"iss": "x"}, T + 2 * S)
    assert jwt.get_unverified_header(token)["kid"] == new.kid
    published = {k["kid"]: k for k in client.get("/lti/jwks/").json()["keys"]}
    assert jwt.decode(token, jwt.PyJWK(published[new.kid]).key, algorithms=["RS256"]) == {
        "iss": "x"
    }
    assert all("d" not in k for k in published.values())  # no private part
