"""Cookies that work inside the LMS's iframe.

Browsers now block third-party cookies, which is what the tool's cookies are inside
the LMS's frame. A *partitioned* cookie (CHIPS: ``Partitioned; Secure;
SameSite=None``) is still kept there, in a jar of its own for that LMS, and behaves
like any cookie when the tool is opened on its own. So the launch's state cookie and,
where the site runs on HTTPS, the session and CSRF cookies are partitioned. A browser
that knows no partitioned cookies ignores the word; then the launch page offers a
new window instead."""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Python learns the attribute in 3.14 (gh-112713); until then it is taught the same.
if "partitioned" not in Morsel._reserved:  # type: ignore[attr-defined]
    Morsel._reserved["partitioned"] = "Partitioned"  # type: ignore[attr-defined]
    Morsel._flags.add("partitioned")  # type: ignore[attr-defined]


def partition(response: HttpResponse, name: str) -> None:
    morsel = response.cookies.get(name)
    if morsel is not None and morsel["secure"] and str(morsel["samesite"]).lower() == "none":
        morsel["partitioned"] = True


class PartitionedCookieMiddleware:
    """Listed before SessionMiddleware, so it sees the session and CSRF cookies that
    the middleware after it set on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            partition(response, name)
        return response
