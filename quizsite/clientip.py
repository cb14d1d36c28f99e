"""The client's address, read one way for the whole site: the quizzes' allowed networks
and the per-address rate limits (logins, password resets) both ask here.

Behind ``N`` trusted reverse proxies (the ``TRUSTED_PROXY_COUNT`` setting) the client is
the ``N``-th address from the right of X-Forwarded-For, since each proxy appends the
address it received the request from, and anything left of that is whatever the client
chose to send. With no proxy (``0``, the default) the header is ignored and the
socket's peer (``REMOTE_ADDR``) is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client's address. With no trusted proxy, the socket's peer (REMOTE_ADDR);
    behind ``trusted_proxies`` proxies, the address the outermost of them saw. None
    when the header has fewer entries than proxies (not the set-up the setting says)
    or the address does not parse."""
    if trusted_proxies <= 0:
        candidate = remote_addr
    else:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        if len(hops) < trusted_proxies:
            return None
        candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address by the ``TRUSTED_PROXY_COUNT`` setting; None when the
    request does not match the set-up the setting describes."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXY_COUNT,
    )


def for_rate_limits(request: HttpRequest) -> str:
    """django-ratelimit's ``RATELIMIT_IP_META_KEY``: the same address; a request that
    does not match the set-up counts under the proxy's own address, so it is still
    limited rather than let through."""
    return client_ip(request) or request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a key, not a bind
