"""A milestone placed in the LMS gets its own column; rubric grades reach it when
staff release them, and a changed grade is sent again."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from quizsite.lti.models import Identity
from quizsite.lti.tests.conftest import launch
from quizsite.reports import actions
from quizsite.reports.selectors import Owner

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def test_it_posts_released_milestone_grades(
    linked_course,
    platform,
    client,
    make_milestone,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    milestone = make_milestone(course=linked_course)
    custom = {"quizsite_milestone": str(milestone.pk)}
    response = launch(client, platform, "lms-ann", custom=custom)
    assert response["Location"] == f"/courses/{linked_course.code}/milestones/{milestone.pk}/"
    ann = Identity.objects.get(sub="lms-ann").user
    ivy = Identity.objects.get(sub="lms-ivy").user
    [progress, steps] = milestone.criteria.order_by("position")

    def grade(a: int, b: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            actions.grade(
                milestone,
                Owner(student=ann),
                ivy,
                points={progress.pk: Decimal(a), steps.pk: Decimal(b)},
                feedback="",
                chosen_submission=None,
                now=NOW,
            )

    grade(5, 3)
    assert platform.scores == []  # not released

    with django_capture_on_commit_callbacks(execute=True):
        actions.release_grades(milestone, ivy, now=NOW)
    [item] = platform.line_items.values()
    assert (item["resourceId"], item["scoreMaximum"]) == (f"milestone-{milestone.pk}", 10.0)
    assert [(s["userId"], s["scoreGiven"], s["scoreMaximum"]) for _, s in platform.scores] == [
        ("lms-ann", 8.0, 10.0)
    ]

    grade(6, 3)
    assert [s["scoreGiven"] for _, s in platform.scores] == [8.0, 9.0]
    assert len(platform.line_items) == 1
