"""The one rule for which time zone a page shows times in."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quizsite.accounts.models import Course


def display_zone(user, course: Course) -> ZoneInfo:
    """The person's own time zone if they chose one, else the course's. A stored name
    this machine no longer knows falls back to the course's, so no page breaks."""
    name = getattr(user, "timezone", "") or ""
    try:
        return ZoneInfo(name) if name else course.tz
    except (ZoneInfoNotFoundError, ValueError):
        return course.tz
