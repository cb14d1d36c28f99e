"""LTI Dynamic Registration: a site administrator gets a signed registration address
(valid a day) and pastes it into the LMS, which opens it in its frame; the tool reads
the platform's OpenID configuration, registers itself and keeps the client id and
deployment the platform returns. A configuration from another site than its issuer,
a forged or expired address are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from quizsite.lti.models import Deployment, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(client):
    """The registration address a site administrator copies from Quizsite."""
    admin = get_user_model().objects.create_superuser("root", "root@x.edu", "pw")
    client.force_login(admin)
    page = client.get("/lti/register/").content.decode()
    client.logout()  # the LMS's frame has no Quizsite session
    return re.search(r'id="lti-registration-url">http://testserver([^<]+)<', page).group(1)


def _url(link, platform, token="reg-token-1"):
    config = f"{platform.url}/.well-known/openid-configuration"
    return f"{link}?openid_configuration={config}&registration_token={token}"


def test_it_registers_and_keeps_the_client_id_and_deployment(client, link, platform):
    assert "Register Quizsite" in client.get(_url(link, platform)).content.decode()
    response = client.post(_url(link, platform))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="/static/lti/registered.js"' in page and "<script>" not in page
    reg = Registration.objects.get()
    assert (reg.issuer, reg.client_id) == (platform.issuer, platform.client_id)
    assert reg.auth_login_url == f"{platform.url}/auth"
    assert reg.jwks_url == f"{platform.url}/jwks"
    assert Deployment.objects.get().deployment_id == platform.deployment_id
    [sent] = platform.registrations
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()


def test_it_reports_a_refused_registration(client, link, platform):
    response = client.post(_url(link, platform, token="wrong"))
    assert response.status_code == 400
    assert "refused the registration" in response.content.decode()
    assert not Registration.objects.exists()


def test_it_refuses_a_configuration_whose_issuer_is_another_site(client, link, platform):
    platform.issuer = "https://lms.example.edu"
    response = client.post(_url(link, platform))
    assert response.status_code == 400
    assert "is not the site that sent it" in response.content.decode()


def test_it_gives_the_address_to_site_administrators_only(client, student):
    client.force_login(student)
    assert client.get("/lti/register/").status_code == 403


def test_it_refuses_a_forged_address(client, platform):
    config = f"{platform.url}/.well-known/openid-configuration"
    response = client.post(f"/lti/register/register:forged:sig/?openid_configuration={config}")
    assert response.status_code == 403
    assert "not valid or has expired" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(("after", "status"), [(24 * 3600, 200), (24 * 3600 + 1, 403)])
def test_it_accepts_the_address_for_a_day(client, platform, after, status):
    from quizsite.lti import registration

    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        token = registration.link_token()
    with time_machine.travel(start + timedelta(seconds=after), tick=False):
        assert client.get(f"/lti/register/{token}/").status_code == status
