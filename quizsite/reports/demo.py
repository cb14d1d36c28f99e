"""Demo data for a course: one individual milestone with a half-page limit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from quizsite.accounts.models import Course
from quizsite.reports.models import Milestone, RubricCriterion

DEMO_TITLE = "Milestone 2B: a brief progress report, no more than half a page"
DEMO_INSTRUCTIONS = (
    "Write a brief progress report on your project: what works, what does not yet, and "
    "what you will do next. No more than half a page. Hand in a PDF, a Markdown file or "
    "plain text. Late reports are accepted for two days with a 10% penalty."
)
DEMO_RUBRIC = [
    (Decimal(4), "Progress is stated clearly and concretely"),
    (Decimal(3), "Problems and risks are named honestly"),
    (Decimal(3), "Next steps are specific"),
]


def create_demo_milestone(course: Course, *, now: datetime) -> Milestone:
    """Due three days after `now` at 23:59 in the course's time zone; individual."""
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    day = now.astimezone(course.tz).date() + timedelta(days=3)
    due = datetime.combine(day, time(23, 59), tzinfo=course.tz)
    milestone = Milestone.objects.create(
        course=course,
        title=DEMO_TITLE,
        instructions=DEMO_INSTRUCTIONS,
        due_at=due,
        late_until=due + timedelta(days=2),
        late_penalty_percent=10,
        accepted_formats="pdf,md,txt",
        max_bytes=5 * 1024 * 1024,
        max_pages=Decimal("0.5"),
        is_team=False,
    )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(milestone=milestone, title=title, max_points=points, position=i)
        for i, (points, title) in enumerate(DEMO_RUBRIC)
    )
    return milestone
