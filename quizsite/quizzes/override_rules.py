"""Which override applies to a student: their own beats any group's; of several groups
the most generous."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from quizsite.quizzes import timing
from quizsite.quizzes.models import Quiz, QuizOverride


def _generosity(quiz: Quiz, override: QuizOverride) -> tuple[datetime, timedelta]:
    extra, percent = timing.extra_of(override)
    limit = quiz.time_limit or timedelta(0)
    return (override.closes_at or quiz.closes_at, extra + limit * percent / 100)


def pick_override(quiz: Quiz, user_id: int, overrides: list[QuizOverride]) -> QuizOverride | None:
    """A student's own override beats any group's; of several groups the most generous
    (latest close, then most extra time) applies."""
    own = [o for o in overrides if o.user_id == user_id]
    if own:
        return own[0]
    groups = [
        o
        for o in overrides
        if o.group is not None and any(m.pk == user_id for m in o.group.members.all())
    ]
    if not groups:
        return None
    return max(groups, key=lambda o: _generosity(quiz, o))


def override_for(quiz: Quiz, user) -> QuizOverride | None:
    """The override that applies to ``user`` on ``quiz``, if any."""
    overrides = list(
        QuizOverride.objects.filter(quiz=quiz)
        .filter(Q(user=user) | Q(group__members=user))
        .select_related("group")
        .prefetch_related("group__members")
        .distinct()
    )
    return pick_override(quiz, user.pk, overrides) if overrides else None
