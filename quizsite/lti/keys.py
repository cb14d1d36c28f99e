"""The tool's signing keys: one signs, retired ones stay published for a grace period."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from jwt.algorithms import RSAAlgorithm

from quizsite.lib.locks import for_update
from quizsite.lti.models import ToolKey


def _new_key(now: datetime) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = secrets.token_urlsafe(16)
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return ToolKey.objects.create(kid=kid, private_pem=pem, public_jwk=jwk, created_at=now)


def grace() -> timedelta:
    return timedelta(hours=settings.LTI_KEY_GRACE_HOURS)


def published(now: datetime) -> list[ToolKey]:
    """Keys in the JWKS: the signing key and those retired less than the grace ago."""
    keys = ToolKey.objects.all()
    return [k for k in keys if k.retired_at is None or now - k.retired_at < grace()]


def jwks(now: datetime) -> dict:
    return {"keys": [k.public_jwk for k in published(now)]}


def signing_key(now: datetime) -> ToolKey:
    """The newest unretired key; the first one is made on first use."""
    with transaction.atomic():
        key = for_update(ToolKey.objects.filter(retired_at__isnull=True)).first()
        return key or _new_key(now)


def rotate(now: datetime) -> tuple[ToolKey, list[str]]:
    """A new signing key; the old one retires (still published for the grace period).
    Keys retired longer than the grace ago are deleted. Returns (new key, deleted kids)."""
    with transaction.atomic():
        for_update(ToolKey.objects.filter(retired_at__isnull=True)).update(retired_at=now)
        new = _new_key(now)
        gone = ToolKey.objects.filter(retired_at__lte=now - grace())
        kids = list(gone.values_list("kid", flat=True))
        gone.delete()
    return new, kids
