"""Overrides: one student's or one group's extra time, other window or other access
rules, and the deadlines of running attempts that follow them."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from quizsite.lib.locks import for_update
from quizsite.quizzes import messages, timing
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Attempt, AttemptStatus, Quiz, QuizOverride
from quizsite.quizzes.override_rules import pick_override

log = logging.getLogger(__name__)


def deadline_for(attempt: Attempt, override: QuizOverride | None) -> datetime:
    return timing.attempt_deadline(
        quiz=attempt.quiz,
        override=override,
        started_at=attempt.started_at,
        added=attempt.added_time,
    )


def recompute_deadlines(quiz: Quiz) -> int:
    """After the quiz's window or its overrides changed: store the new deadline of every
    running attempt. Returns how many changed."""
    overrides = list(
        quiz.overrides.select_related("group").prefetch_related("group__members").all()
    )
    changed = []
    with transaction.atomic():
        # Locked, so time that staff add meanwhile is not overwritten with an older sum.
        running = for_update(Attempt.objects.filter(quiz=quiz, status=AttemptStatus.IN_PROGRESS))
        for attempt in running:
            attempt.quiz = quiz
            new = deadline_for(attempt, pick_override(quiz, attempt.user_id, overrides))
            if new != attempt.deadline:
                attempt.deadline = new
                changed.append(attempt)
        Attempt.objects.bulk_update(changed, ["deadline"])
    return len(changed)


def save_override(
    quiz: Quiz,
    *,
    user=None,
    group=None,
    extra_minutes: int = 0,
    extra_percent: int = 0,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    access_code: str = "",
    allowed_networks: str = "",
    one_device: bool | None = None,
    now: datetime,
) -> tuple[QuizOverride, int]:
    """Give one student or one group extra time, another window and/or other access
    rules (replacing the override they had; empty access fields: the quiz's). Running
    attempts' deadlines follow. Returns (override, deadlines moved)."""
    if (user is None) == (group is None):
        raise QuizError(messages.OVERRIDE_WHO)
    with transaction.atomic():
        override, _ = QuizOverride.objects.update_or_create(
            quiz=quiz,
            user=user,
            group=group,
            defaults={
                "extra_minutes": extra_minutes,
                "extra_percent": extra_percent,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "access_code": access_code,
                "allowed_networks": allowed_networks,
                "one_device": one_device,
            },
        )
        moved = recompute_deadlines(quiz)
    log.info("override %s of quiz %s saved at %s", override.pk, quiz.pk, now.isoformat())
    return override, moved


def delete_override(override: QuizOverride, *, now: datetime) -> int:
    """Remove an override; running attempts fall back to the quiz's own rules (a
    deadline that is then already past ends the attempt at the next sweep, with every
    answer saved until then)."""
    quiz = override.quiz
    with transaction.atomic():
        override.delete()
        moved = recompute_deadlines(quiz)
    log.info("an override of quiz %s deleted at %s", quiz.pk, now.isoformat())
    return moved
