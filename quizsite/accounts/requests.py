"""The type of a view's request once ``login_required`` has let it through."""

from __future__ import annotations

from django.http import HttpRequest

from quizsite.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose ``user`` is a signed-in account. ``login_required`` sends everyone
    else to the sign-in page before the view runs, so a view behind it may annotate its
    ``request`` with this type and pass ``request.user`` where a ``User`` is needed.

    Only an annotation: Django builds plain ``HttpRequest`` objects, never this class."""

    user: User
