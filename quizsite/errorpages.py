"""Friendly error pages while DEBUG is on (``make run``).

With DEBUG off, Django renders ``templates/404.html`` and ``500.html`` itself. With it
on, Django's debug pages would show anyone who mistypes an address every URL of the
site, and a traceback for a fault. This middleware renders the same friendly pages
instead; the traceback still goes to the server's log. A developer who wants
Django's debug pages sets ``DEBUG_ERROR_PAGES=1``."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader

log = logging.getLogger("django.request")


def not_found(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.render_to_string("404.html", request=request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's context, as Django's own handler does: whatever
    # broke may be what the context processors need.
    return HttpResponse(loader.render_to_string("500.html"), status=500)


class FriendlyErrorPages:
    """Last in MIDDLEWARE, so it sees a view's exception first and the debug 404 of an
    address that matched no URL before any other middleware's response handling."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.DEBUG_ERROR_PAGES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._active() and response.status_code == 404 and request.resolver_match is None:
            # No URL matched: Django's debug page lists every pattern.
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return not_found(request)
        log.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return server_error(request)
