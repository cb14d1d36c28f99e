"""LTI Dynamic Registration (IMS LTI-DR 1.0): read the platform's OpenID configuration,
register the tool with it, and keep the client id and deployment it returns."""

from __future__ import annotations

import urllib.parse

from django.conf import settings
from django.core import signing
from django.db import transaction

from quizsite.lti.http import PlatformError, request
from quizsite.lti.models import Deployment, Registration
from quizsite.lti.services import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE

ADMIN_ONLY = "Only a Quizsite site administrator can register Quizsite with a course site."
LINK_INVALID = (
    "This registration address is not valid or has expired. Ask the Quizsite administrator "
    "for a new one."
)
LINK_HOURS = 24
_SALT = "quizsite.lti.registration-link"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


class RegistrationError(Exception):
    pass


def link_token() -> str:
    """A token for the registration address, signed with the site's secret key."""
    return signing.TimestampSigner(salt=_SALT).sign("register")


def link_valid(token: str) -> bool:
    try:
        signing.TimestampSigner(salt=_SALT).unsign(token, max_age=LINK_HOURS * 3600)
    except signing.BadSignature:
        return False
    return True


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def register(config_url: str, token: str, *, tool_base: str, urls: dict[str, str]) -> Registration:
    if not config_url.startswith(("https://", "http://")):
        raise RegistrationError("The course site did not give its configuration address.")
    try:
        config = request("GET", config_url, token=token or None).body
    except PlatformError as exc:
        raise RegistrationError(
            f"The course site's configuration could not be read: {exc}"
        ) from None
    if not isinstance(config, dict):
        raise RegistrationError("The course site's configuration is not a JSON object.")
    issuer = config.get("issuer", "")
    # The configuration must come from its issuer (LTI-DR 3.5.1).
    if not issuer or _origin(config_url) != _origin(issuer):
        raise RegistrationError(
            f"The configuration's issuer {issuer!r} is not the site that sent it."
        )
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
    missing = [k for k in needed if not config.get(k)]
    if missing:
        raise RegistrationError(f"The course site's configuration lacks {', '.join(missing)}.")
    body = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": settings.SITE_NAME,
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join([SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_NRPS]),
        TOOL_CONFIG: {
            "domain": urllib.parse.urlsplit(tool_base).netloc,
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": urls["launch"],
                    "label": settings.SITE_NAME,
                },
                {"type": "LtiResourceLinkRequest", "target_link_uri": urls["launch"]},
            ],
        },
    }
    try:
        reply = request(
            "POST", config["registration_endpoint"], token=token or None, json_body=body
        ).body
    except PlatformError as exc:
        raise RegistrationError(f"The course site refused the registration: {exc}") from None
    if not isinstance(reply, dict) or not reply.get("client_id"):
        raise RegistrationError("The course site answered without a client id.")
    deployment_id = (reply.get(TOOL_CONFIG) or {}).get("deployment_id")
    with transaction.atomic():
        reg, _ = Registration.objects.update_or_create(
            issuer=issuer,
            client_id=reply["client_id"],
            defaults={
                "name": (config.get(PLATFORM_CONFIG) or {}).get("product_family_code", "")[:200],
                "auth_login_url": config["authorization_endpoint"],
                "auth_token_url": config["token_endpoint"],
                "auth_audience": config.get("authorization_server", "") or "",
                "jwks_url": config["jwks_uri"],
                "active": True,
            },
        )
        if deployment_id:
            Deployment.objects.get_or_create(registration=reg, deployment_id=str(deployment_id))
    return reg
