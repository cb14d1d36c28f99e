"""Quizzes: staff create or change a quiz with its pools, and release its results."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

from quizsite.quizzes import preparation
from quizsite.quizzes.actions.overrides import recompute_deadlines
from quizsite.quizzes.models import Quiz, QuizPool

log = logging.getLogger(__name__)


def save_quiz(quiz: Quiz, pools: list[dict[str, Any]], *, now: datetime) -> int:
    """Create or change a quiz and replace its pools, in one transaction. Attempts
    already started keep the questions they drew; running ones get their deadline
    recomputed for the new window and limit. Returns how many deadlines moved.

    ``pools``: ``{"topic", "questions", "count", "points"}`` in drawing order."""
    with transaction.atomic():
        quiz.save()
        quiz.pools.all().delete()
        for order, spec in enumerate(pools):
            pool = QuizPool.objects.create(
                quiz=quiz,
                order=order,
                topic=spec.get("topic") or "",
                count=spec["count"],
                points=spec.get("points"),
            )
            if spec.get("questions"):
                pool.questions.set(spec["questions"])
        moved = recompute_deadlines(quiz)
        preparation.forget(quiz)  # drawn from the old pools
    log.info("quiz %s saved at %s; %s running deadline(s) moved", quiz.pk, now.isoformat(), moved)
    return moved


def release_feedback(quiz: Quiz, *, now: datetime) -> Quiz:
    """Staff release results of a "manual" quiz."""
    quiz.released_at = now
    quiz.save(update_fields=["released_at"])
    return quiz
