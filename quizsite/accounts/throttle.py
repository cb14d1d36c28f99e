"""Throttling of logging in and of password reset requests, per account and per
address, counted in the cache (django-ratelimit's fixed windows).

Logging in counts failures only: after ``LOGIN_FAILURES_PER_ACCOUNT`` wrong passwords
for one username, or ``LOGIN_FAILURES_PER_ADDRESS`` from one address, every try (the
right password included) is refused until the window ends, and the page says when.
A class behind one address (a lab, a campus NAT) shares the address's allowance, so
it is set well above what one person mistypes. Reset requests count every request,
per email address asked for and per address asking."""

from __future__ import annotations

import math
from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import get_usage

LOGIN_FAILURES_PER_ACCOUNT = "5/15m"
LOGIN_FAILURES_PER_ADDRESS = "50/15m"
RESETS_PER_EMAIL = "3/h"
RESETS_PER_ADDRESS = "10/h"

Key = Callable[[str, HttpRequest], str]


def _posted(field: str) -> Key:
    return lambda _group, request: request.POST.get(field, "").strip().casefold()


_LOGIN = (
    ("accounts.login.account", _posted("username"), LOGIN_FAILURES_PER_ACCOUNT),
    ("accounts.login.address", "ip", LOGIN_FAILURES_PER_ADDRESS),
)
_RESET = (
    ("accounts.reset.email", _posted("email"), RESETS_PER_EMAIL),
    ("accounts.reset.address", "ip", RESETS_PER_ADDRESS),
)


def _wait(limits, request: HttpRequest, *, count: bool) -> int:
    """Seconds until ``request`` may be tried (0: now); ``count`` adds it to each limit."""
    wait = 0
    for group, key, rate in limits:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=count)
        if usage is None:
            continue
        # Before counting: refused once the allowance is used; after: once exceeded.
        over = usage["count"] > usage["limit"] if count else usage["count"] >= usage["limit"]
        if over:
            # The window's last second still belongs to it.
            wait = max(wait, max(0, usage["time_left"]) + 1)
    return wait


def login_wait(request: HttpRequest) -> int:
    """Seconds before this username, or this address, may try to log in again."""
    return _wait(_LOGIN, request, count=False)


def count_login_failure(request: HttpRequest) -> None:
    _wait(_LOGIN, request, count=True)


def reset_wait(request: HttpRequest) -> int:
    """Count a reset request; seconds to wait if it is one too many (0: go ahead)."""
    return _wait(_RESET, request, count=True)


def try_again_text(seconds: int) -> str:
    """When to try again, as people say it."""
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "Try again in a minute."
    return f"Try again in {minutes} minutes."
