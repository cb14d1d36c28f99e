"""The grading queue page for course staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizsite.accounts import access
from quizsite.accounts.requests import AuthenticatedRequest
from quizsite.grading import figures


@login_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Queue depth per priority, the oldest answer waiting, the last hour's phases.
    Counts and times only: no student, no code."""
    access.require_staff_anywhere(request.user)
    now = timezone.now()
    return render(
        request,
        "grading/queue.html",
        {
            "depth": figures.queue_depth(),
            "oldest": figures.oldest_waiting(now=now),
            "phases": figures.phases(now=now),
            "window_minutes": int(figures.WINDOW.total_seconds() // 60),
            "now": now,
        },
    )
