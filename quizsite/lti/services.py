"""LTI Advantage services the tool calls: the OAuth2 client-credentials token (with a
signed client assertion), Assignment and Grade Services, Names and Role Provisioning."""

from __future__ import annotations

import hashlib
import secrets
import urllib.parse
from datetime import datetime

import jwt
from django.core.cache import cache

from quizsite.lti import keys
from quizsite.lti.http import PlatformError, request
from quizsite.lti.models import Registration

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 50  # a roster or line-item list longer than this is a platform fault


def sign(claims: dict, now: datetime) -> str:
    key = keys.signing_key(now)
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def access_token(registration: Registration, scopes: list[str], now: datetime) -> str:
    scope = " ".join(sorted(scopes))
    # Keyed by what the token is for, not by row id: ids are reused (a test database).
    digest = hashlib.sha256(
        f"{registration.auth_token_url} {registration.client_id} {scope}".encode()
    )
    cache_key = f"lti:token:{digest.hexdigest()}"
    token = cache.get(cache_key)
    if token:
        return token
    stamp = int(now.timestamp())
    assertion = sign(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.auth_audience or registration.auth_token_url,
            "iat": stamp,
            "exp": stamp + 300,
            "jti": secrets.token_urlsafe(16),
        },
        now,
    )
    reply = request(
        "POST",
        registration.auth_token_url,
        form={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        },
    )
    body = reply.body if isinstance(reply.body, dict) else {}
    token = body.get("access_token")
    if not isinstance(token, str):
        raise PlatformError("token endpoint answered without an access_token", status=reply.status)
    lifetime = int(body.get("expires_in", 3600))
    cache.set(cache_key, token, max(lifetime - 60, 1))
    return token


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def find_line_item(
    registration: Registration, lineitems_url: str, resource_id: str, now: datetime
) -> str | None:
    """The URL of the platform's line item with this resourceId, if there is one."""
    token = access_token(registration, [SCOPE_LINEITEM], now)
    url: str | None = _with_query(lineitems_url, resource_id=resource_id)
    for _ in range(MAX_PAGES):
        if url is None:
            break
        reply = request("GET", url, token=token, accept=LINEITEMS_TYPE)
        for item in reply.body if isinstance(reply.body, list) else []:
            # Some platforms ignore the filter: check it here too.
            if isinstance(item, dict) and item.get("resourceId") == resource_id and item.get("id"):
                return item["id"]
        url = next_page(reply.headers.get("link", ""))
    return None


def create_line_item(
    registration: Registration,
    lineitems_url: str,
    *,
    label: str,
    maximum: float,
    resource_id: str,
    resource_link_id: str,
    now: datetime,
) -> str:
    token = access_token(registration, [SCOPE_LINEITEM], now)
    body = {"label": label, "scoreMaximum": maximum, "resourceId": resource_id, "tag": "quizsite"}
    if resource_link_id:
        body["resourceLinkId"] = resource_link_id
    reply = request(
        "POST",
        lineitems_url,
        token=token,
        json_body=body,
        content_type=LINEITEM_TYPE,
        accept=LINEITEM_TYPE,
    )
    if not isinstance(reply.body, dict) or not reply.body.get("id"):
        raise PlatformError("the platform made a line item but gave no id", status=reply.status)
    return reply.body["id"]


def post_score(registration: Registration, line_item_url: str, score: dict, now: datetime) -> None:
    token = access_token(registration, [SCOPE_SCORE], now)
    parts = urllib.parse.urlsplit(line_item_url)
    scores_url = urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))
    request("POST", scores_url, token=token, json_body=score, content_type=SCORE_TYPE)


def members(registration: Registration, memberships_url: str, now: datetime) -> list[dict]:
    token = access_token(registration, [SCOPE_NRPS], now)
    url: str | None = memberships_url
    found: list[dict] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return found
        reply = request("GET", url, token=token, accept=MEMBERSHIPS_TYPE)
        body = reply.body if isinstance(reply.body, dict) else {}
        found.extend(m for m in body.get("members", []) if isinstance(m, dict))
        url = next_page(reply.headers.get("link", ""))
    raise PlatformError(f"roster longer than {MAX_PAGES} pages")


def next_page(link_header: str) -> str | None:
    for part in link_header.split(","):
        if 'rel="next"' in part:
            start, end = part.find("<"), part.find(">")
            if 0 <= start < end:
                return part[start + 1 : end]
    return None
