"""LTI Dynamic Registration: a site administrator opens the tool's registration page
from the LMS; the tool reads the platform's OpenID configuration, registers itself and
keeps the client id and deployment the platform returns. Only site administrators
may, and a configuration from another site than its issuer is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from quizsite.lti.models import Deployment, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@x.edu", "pw"))
    return client


def _url(platform, token="reg-token-1"):
    config = f"{platform.url}/.well-known/openid-configuration"
    return f"/lti/register/?openid_configuration={config}&registration_token={token}"


def test_it_registers_and_keeps_the_client_id_and_deployment(admin_client, platform):
    assert "Register Quizsite" in admin_client.get(_url(platform)).content.decode()
    response = admin_client.post(_url(platform))
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


def test_it_reports_a_refused_registration(admin_client, platform):
    response = admin_client.post(_url(platform, token="wrong"))
    assert response.status_code == 400
    assert "refused the registration" in response.content.decode()
    assert not Registration.objects.exists()


def test_it_refuses_a_configuration_whose_issuer_is_another_site(admin_client, platform):
    platform.issuer = "https://lms.example.edu"
    response = admin_client.post(_url(platform))
    assert response.status_code == 400
    assert "is not the site that sent it" in response.content.decode()


def test_it_lets_only_site_administrators_register(client, student, platform):
    client.force_login(student)
    assert client.post(_url(platform)).status_code == 403
    assert not Registration.objects.exists()
