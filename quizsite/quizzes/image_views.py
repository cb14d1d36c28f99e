"""Serve the images a question's package carries (``questions.images``) to those who
may see the question: course staff (banks are open to the staff of every course, like
the bank pages), and a student whose attempt was given that question version.

Only the types the bank sync accepted are stored, each served with its own content
type and ``nosniff``. SVG can carry script: it is served as a download under a
policy that allows nothing, so opening its address never runs it as a page, while an
``<img>`` shows it (images never run script)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from quizsite.quizzes import selectors

# Nothing may load or run in an SVG opened on its own (inline styles are part of SVG).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@login_required
@require_GET
def question_image(request: HttpRequest, version_id: int, name: str) -> HttpResponse:
    image = selectors.question_image(request.user, version_id, name)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A version's files never change: the browser may keep it, for this user only.
    response["Cache-Control"] = "private, max-age=86400, immutable"
    if image.content_type == "image/svg+xml":
        response["Content-Disposition"] = f'attachment; filename="{image.name}"'
        response["Content-Security-Policy"] = SVG_POLICY
    return response
