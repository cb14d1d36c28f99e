"""What the quiz pages share: how staff-written text and titles render, how times and
durations are written, and the login check of the pages' scripts."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache, wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.safestring import SafeString, mark_safe

from quizsite.bank.rendering import render_markdown

# What the pages' scripts show when the request itself fails (refusals by the quiz's
# rules come from ``messages.py`` through ``QuizError``).
SESSION_ENDED = "Your session has ended. Log in again."


def render_text(text: str) -> str:
    """Staff-written Markdown (quiz instructions) as safe HTML: the one place that
    decides how quiz text is rendered."""
    return render_markdown(text)


# Titles come from the bank (a few hundred per course) and each attempt page shows a
# dozen: rendering them once per process, not once per page, took about a fifth of the
# first page's time off (bench/hot_paths.py).
@lru_cache(maxsize=4096)
def render_title(text: str) -> SafeString:
    """A one-line title with inline Markdown (`code`, *emphasis*) as safe HTML."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - sanitised by render_markdown; only <p> removed


def with_titles(state: dict[str, Any]) -> dict[str, Any]:
    """Each question of a page's state with its title rendered (``title_html``)."""
    for q in state["questions"]:
        q["title_html"] = render_title(q["title"])
    return state


def duration_text(value: timedelta | None) -> str:
    """A time limit as people say it: "45 minutes", "1 h 30 min", "37 min 30 s"."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        parts = [f"{hours} h"] if hours else []
        parts += [f"{minutes} min"] if minutes else []
        return " ".join([*parts, f"{seconds} s"])
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def clock_text(seconds: int) -> str:
    """The countdown as first drawn by the server (the script takes over from it)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def json_login_required(view):
    """For endpoints called by scripts: answer 401 in JSON instead of redirecting a
    fetch() to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {"accepted": False, "message": SESSION_ENDED},
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper
