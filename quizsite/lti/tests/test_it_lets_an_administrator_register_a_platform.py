"""Manual registration in the Django admin: an issuer with its client id, endpoints and
deployments; one issuer may have several client ids. The launch then finds it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from quizsite.lti import keys
from quizsite.lti.models import Registration
from quizsite.lti.tests.conftest import launch

pytestmark = pytest.mark.django_db


def _form(platform, client_id: str, deployment: str) -> dict:
    return {
        "name": "Emulated LMS",
        "issuer": platform.issuer,
        "client_id": client_id,
        "active": "on",
        "auth_login_url": f"{platform.url}/auth",
        "auth_token_url": f"{platform.url}/token",
        "auth_audience": "",
        "jwks_url": f"{platform.url}/jwks",
        "deployments-TOTAL_FORMS": "1",
        "deployments-INITIAL_FORMS": "0",
        "deployments-MIN_NUM_FORMS": "0",
        "deployments-MAX_NUM_FORMS": "1000",
        "deployments-0-deployment_id": deployment,
        "deployments-0-active": "on",
    }


def test_it_registers_one_issuer_with_two_client_ids(client, platform):
    client.force_login(get_user_model().objects.create_superuser("root", "r@x.edu", "pw"))
    url = "/admin/lti/registration/add/"
    assert client.get(url).status_code == 200
    assert client.post(url, _form(platform, "other-client", "d-9")).status_code == 302
    assert (
        client.post(url, _form(platform, platform.client_id, platform.deployment_id)).status_code
        == 302
    )
    assert Registration.objects.filter(issuer=platform.issuer).count() == 2
    client.logout()
    keys.signing_key(timezone.now())
    platform.trust_tool(keys.jwks(timezone.now()))
    assert launch(client, platform, "lms-ivy").status_code == 302
