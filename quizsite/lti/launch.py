"""OIDC login initiation and id_token validation (LTI 1.3 core, section 5.1 and the
IMS Security Framework). Pure checks on top of PyJWT: every refusal is a LaunchError
carrying the sentence to show and the reason to log."""

from __future__ import annotations

import hashlib
import logging
import secrets
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from django.core.cache import cache

from quizsite.lti import messages
from quizsite.lti.http import PlatformError, request
from quizsite.lti.models import Deployment, LoginState, Registration

log = logging.getLogger("quizsite.lti")

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"

LOGIN_TTL = timedelta(minutes=10)  # from login initiation to launch
LEEWAY_SECONDS = 60  # clocks of two servers
JWKS_CACHE_SECONDS = 600


class LaunchError(Exception):
    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(reason)
        self.shown = shown
        self.reason = reason


def find_registration(issuer: str, client_id: str | None) -> Registration:
    regs = Registration.objects.filter(issuer=issuer, active=True)
    if client_id:
        regs = regs.filter(client_id=client_id)
    found = list(regs[:2])
    # Without a client id (older platforms) the issuer must name exactly one.
    if len(found) != 1:
        raise LaunchError(
            messages.UNKNOWN_PLATFORM,
            f"no single registration for iss={issuer!r} client_id={client_id!r}",
        )
    return found[0]


def start_login(
    params: dict[str, str], *, redirect_uri: str, now: datetime
) -> tuple[LoginState, str]:
    """Third-party initiated login: remember a state and nonce, and the URL of the
    platform's authorization endpoint to send the browser to."""
    issuer, login_hint = params.get("iss", ""), params.get("login_hint", "")
    if not issuer or not login_hint or not params.get("target_link_uri"):
        raise LaunchError(
            messages.BAD_TOKEN, "login initiation without iss, login_hint or target_link_uri"
        )
    registration = find_registration(issuer, params.get("client_id"))
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and not _deployment(registration, deployment_id):
        raise LaunchError(
            messages.UNKNOWN_DEPLOYMENT, f"unknown deployment {deployment_id!r} of {registration}"
        )
    state = LoginState.objects.create(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        registration=registration,
        login_params={k: params[k] for k in _LOGIN_KEYS if params.get(k)},
        created_at=now,
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state.state,
        "nonce": state.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    sep = "&" if "?" in registration.auth_login_url else "?"
    return state, registration.auth_login_url + sep + urllib.parse.urlencode(query)


_LOGIN_KEYS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)


def _deployment(registration: Registration, deployment_id: str) -> Deployment | None:
    return Deployment.objects.filter(
        registration=registration, deployment_id=deployment_id, active=True
    ).first()


def platform_keys(registration: Registration, *, refresh: bool = False) -> dict:
    key = "lti:jwks:" + hashlib.sha256(registration.jwks_url.encode()).hexdigest()
    keys = None if refresh else cache.get(key)
    if keys is None:
        try:
            body = request("GET", registration.jwks_url).body
        except PlatformError as exc:
            raise LaunchError(messages.PLATFORM_UNREACHABLE, f"platform JWKS: {exc}") from None
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise LaunchError(messages.PLATFORM_UNREACHABLE, "platform JWKS is not a key set")
        keys = {k.get("kid"): k for k in body["keys"] if isinstance(k, dict)}
        cache.set(key, keys, JWKS_CACHE_SECONDS)
    return keys


def _verifying_key(registration: Registration, kid: str | None):
    keys = platform_keys(registration)
    if kid not in keys:
        # A platform that rotated its key: read its set once more before refusing.
        keys = platform_keys(registration, refresh=True)
    if kid not in keys:
        raise LaunchError(messages.BAD_SIGNATURE, f"no platform key with kid {kid!r}")
    try:
        return jwt.PyJWK(keys[kid], algorithm="RS256").key
    except jwt.PyJWTError as exc:
        raise LaunchError(messages.BAD_SIGNATURE, f"unusable platform key {kid!r}: {exc}") from None


@dataclass
class Launch:
    registration: Registration
    deployment: Deployment
    claims: dict

    @property
    def message_type(self) -> str:
        return self.claims.get(LTI + "message_type", "")

    @property
    def sub(self) -> str:
        return self.claims.get("sub", "")

    @property
    def roles(self) -> list[str]:
        return [r for r in self.claims.get(LTI + "roles", []) if isinstance(r, str)]

    @property
    def context(self) -> dict:
        return self.claims.get(LTI + "context") or {}

    @property
    def resource_link(self) -> dict:
        return self.claims.get(LTI + "resource_link") or {}

    @property
    def custom(self) -> dict:
        return self.claims.get(LTI + "custom") or {}

    @property
    def ags(self) -> dict:
        return self.claims.get(AGS_CLAIM) or {}

    @property
    def nrps(self) -> dict:
        return self.claims.get(NRPS_CLAIM) or {}

    @property
    def deep_linking(self) -> dict:
        return self.claims.get(DL + "deep_linking_settings") or {}


def claim_state(state_value: str, *, now: datetime) -> LoginState:
    """The login this launch answers; each is used once, within LOGIN_TTL."""
    state = LoginState.objects.select_related("registration").filter(state=state_value).first()
    if state is None:
        raise LaunchError(messages.REPLAYED, "unknown state")
    if now - state.created_at > LOGIN_TTL:
        raise LaunchError(messages.EXPIRED, f"login {state.pk} started more than {LOGIN_TTL} ago")
    # One launch per login, even with two requests racing: the update claims it.
    if not LoginState.objects.filter(pk=state.pk, used_at__isnull=True).update(used_at=now):
        raise LaunchError(messages.REPLAYED, f"login {state.pk} already used (replayed id_token)")
    return state


def validate(id_token: str, state: LoginState, *, now: datetime) -> Launch:
    """Check an id_token against the login it answers (Security Framework 5.1.3)."""
    try:
        header = jwt.get_unverified_header(id_token)
        unverified = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LaunchError(messages.BAD_TOKEN, f"unreadable id_token: {exc}") from None
    registration = state.registration
    if header.get("alg") != "RS256":
        raise LaunchError(messages.BAD_SIGNATURE, f"id_token alg {header.get('alg')!r}")
    if unverified.get("iss") != registration.issuer:
        raise LaunchError(
            messages.UNKNOWN_PLATFORM,
            f"iss {unverified.get('iss')!r} is not {registration.issuer!r}",
        )
    key = _verifying_key(registration, header.get("kid"))
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=registration.client_id,
            issuer=registration.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "aud", "iss", "nonce"]},
        )
    except jwt.InvalidAudienceError:
        raise LaunchError(
            messages.WRONG_AUDIENCE,
            f"aud {unverified.get('aud')!r} is not {registration.client_id!r}",
        ) from None
    except jwt.ExpiredSignatureError:
        raise LaunchError(messages.EXPIRED, "id_token expired") from None
    except jwt.InvalidSignatureError:
        raise LaunchError(messages.BAD_SIGNATURE, "id_token signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise LaunchError(messages.BAD_TOKEN, f"invalid id_token: {exc}") from None
    aud = claims["aud"]
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != registration.client_id:
        raise LaunchError(
            messages.WRONG_AUDIENCE, f"azp {claims.get('azp')!r} with several audiences"
        )
    if claims.get("nonce") != state.nonce:
        raise LaunchError(messages.REPLAYED, "nonce does not match the login's")
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchError(messages.BAD_TOKEN, f"LTI version {claims.get(LTI + 'version')!r}")
    deployment = _deployment(registration, str(claims.get(LTI + "deployment_id", "")))
    if deployment is None:
        raise LaunchError(
            messages.UNKNOWN_DEPLOYMENT,
            f"unknown deployment {claims.get(LTI + 'deployment_id')!r} of {registration}",
        )
    launch = Launch(registration=registration, deployment=deployment, claims=claims)
    if launch.message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchError(messages.BAD_TOKEN, f"message type {launch.message_type!r}")
    if launch.message_type == RESOURCE_LINK and not launch.resource_link.get("id"):
        raise LaunchError(messages.BAD_TOKEN, "resource link launch without a resource link id")
    return launch


def forget_old_logins(now: datetime) -> int:
    """Logins past their time are of no use (a launch for them is refused anyway);
    kept a while longer only so the log can tell "expired" from "unknown"."""
    old = LoginState.objects.filter(created_at__lt=now - LOGIN_TTL * 6)
    return old.delete()[0]
