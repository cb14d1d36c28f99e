"""Pages of a session that started with an LTI launch may be shown inside the LMS's
frame: only that LMS's origins may frame them (every other page stays DENY).

It sits after ``CSPMiddleware`` and ``XFrameOptionsMiddleware`` in ``MIDDLEWARE``, so it
sees each response before they do and tells them, per response, what to send:

* a launched session's page: ``frame-ancestors 'self'`` and the LMS's origins, and no
  ``X-Frame-Options`` (which cannot name an origin);
* a view marked ``xframe_options_exempt`` outside such a session (the OIDC login, the
  launch itself, the cookie check, dynamic registration: the LMS frames them before we
  know who it is): no ``frame-ancestors`` at all, as no ``X-Frame-Options`` either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SESSION_FRAME = "lti_frame_ancestors"


class LtiFrameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        origins = session.get(SESSION_FRAME) if session is not None else None
        if response.get("X-Frame-Options"):
            return response  # the view chose for itself
        replace = dict(getattr(response, "_csp_replace", None) or {})
        if origins:
            response.xframe_options_exempt = True
            replace["frame-ancestors"] = ["'self'", *origins]
        elif getattr(response, "xframe_options_exempt", False):
            replace["frame-ancestors"] = None
        else:
            return response
        response._csp_replace = replace  # type: ignore[attr-defined]
        return response
