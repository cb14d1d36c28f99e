"""Scores leave for the LMS when they change or are released: after the commit that
changed them, the passback rows are brought up to date and their sends queued."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from quizsite.quizzes.signals import scores_stored

log = logging.getLogger("quizsite.lti")


def _after_commit(
    quiz_ids: Iterable[int] = (),
    milestone_ids: Iterable[int] = (),
    user_ids: set[int] | None = None,
) -> None:
    from quizsite.lti import tasks

    quiz_ids, milestone_ids = list(quiz_ids), list(milestone_ids)
    if quiz_ids or milestone_ids:
        transaction.on_commit(
            lambda: tasks.refresh_scores.delay(
                quiz_ids,
                milestone_ids,
                sorted(user_ids) if user_ids is not None else None,
            )
        )


@receiver(scores_stored, dispatch_uid="lti.scores_stored")
def attempt_scores(sender: type, attempt_ids: set[int], **kwargs: Any) -> None:
    from quizsite.lti.models import LineItem
    from quizsite.quizzes.models import Attempt

    rows = list(
        Attempt.objects.filter(
            pk__in=attempt_ids, quiz__in=LineItem.objects.values("quiz")
        ).values_list("quiz_id", "user_id")
    )
    if rows:
        _after_commit(quiz_ids={q for q, _ in rows}, user_ids={u for _, u in rows})


@receiver(post_save, sender="quizzes.Quiz", dispatch_uid="lti.quiz_released")
def quiz_released(
    sender: type, instance: Any, update_fields: Iterable[str] | None = None, **kwargs: Any
) -> None:
    from quizsite.lti.models import LineItem

    if (update_fields is None or "released_at" in update_fields) and LineItem.objects.filter(
        quiz=instance
    ).exists():
        _after_commit(quiz_ids={instance.pk})


@receiver(post_save, sender="reports.Milestone", dispatch_uid="lti.milestone_released")
def milestone_released(
    sender: type, instance: Any, update_fields: Iterable[str] | None = None, **kwargs: Any
) -> None:
    from quizsite.lti.models import LineItem

    if instance.grades_released and LineItem.objects.filter(milestone=instance).exists():
        _after_commit(milestone_ids={instance.pk})


@receiver(post_save, sender="reports.Grade", dispatch_uid="lti.milestone_graded")
def milestone_graded(sender: type, instance: Any, **kwargs: Any) -> None:
    from quizsite.lti.models import LineItem

    if LineItem.objects.filter(milestone_id=instance.milestone_id).exists():
        _after_commit(milestone_ids={instance.milestone_id})
