"""Pages of a session that started with an LTI launch may be shown inside the LMS's
frame: only that LMS's origins may frame them (every other page stays DENY)."""

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
        if origins and not response.get("X-Frame-Options"):
            response.xframe_options_exempt = True
            directive = "frame-ancestors 'self' " + " ".join(origins)
            policy = response.get("Content-Security-Policy", "")
            if "frame-ancestors" not in policy:
                response["Content-Security-Policy"] = (
                    f"{policy}; {directive}" if policy else directive
                )
        return response
