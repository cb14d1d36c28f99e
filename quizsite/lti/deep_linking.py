"""Deep Linking: the signed response that places chosen quizzes and milestones in the
LMS, each with its grade-book column."""

from __future__ import annotations

import secrets
from datetime import datetime

from quizsite.lti import services
from quizsite.lti.passback import quiz_maximum
from quizsite.quizzes.models import Quiz
from quizsite.reports.models import Milestone

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def deep_link_response(
    request_claims: dict, client_id: str, items: list[dict], now: datetime
) -> str:
    """The signed LtiDeepLinkingResponse carrying the chosen items, answering the
    deep-linking request whose claims are ``request_claims``."""
    stamp = int(now.timestamp())
    lti = "https://purl.imsglobal.org/spec/lti/claim/"
    dl_settings = request_claims.get(DL_SETTINGS) or {}
    claims = {
        "iss": client_id,
        "aud": request_claims["iss"],
        "iat": stamp,
        "exp": stamp + 600,
        "nonce": secrets.token_urlsafe(16),
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingResponse",
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": request_claims[
            lti + "deployment_id"
        ],
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": items,
    }
    if dl_settings.get("data"):
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = dl_settings["data"]
    return services.sign(claims, now)


def content_item(kind: str, obj: Quiz | Milestone, launch_url: str) -> dict:
    maximum = quiz_maximum(obj) if isinstance(obj, Quiz) else float(obj.max_points) or 1.0
    return {
        "type": "ltiResourceLink",
        "title": obj.title,
        "url": launch_url,
        "custom": {f"quizsite_{kind}": str(obj.pk)},
        "lineItem": {
            "label": obj.title,
            "scoreMaximum": maximum,
            "resourceId": f"{kind}-{obj.pk}",
            "tag": "quizsite",
        },
    }


def place(
    request_claims: dict,
    quizzes: list[Quiz],
    milestones: list[Milestone],
    *,
    launch_url: str,
    now: datetime,
) -> tuple[str, str]:
    """(the platform's return URL, the signed response placing these items)."""
    items = [content_item("quiz", q, launch_url) for q in quizzes]
    items += [content_item("milestone", m, launch_url) for m in milestones]
    # With several audiences the validated azp is our client id; else the audience is.
    aud = request_claims["aud"]
    client_id = request_claims.get("azp") or (aud[0] if isinstance(aud, list) else aud)
    dl_settings = request_claims[DL_SETTINGS]
    return dl_settings["deep_link_return_url"], deep_link_response(
        request_claims, client_id, items, now
    )
