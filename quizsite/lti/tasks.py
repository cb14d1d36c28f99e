"""Celery tasks: thin; the rules live in actions."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from quizsite.lti import launch, passback, roster_sync
from quizsite.lti.models import Context, LineItem, Passback, PassbackStatus


def queue_sends(passback_ids: list[int]) -> None:
    for pk in passback_ids:
        transaction.on_commit(partial(send_score.delay, pk))


def queue_roster_sync(context_id: int) -> None:
    transaction.on_commit(lambda: sync_roster.delay(context_id))


@shared_task(name="lti.refresh_scores")
def refresh_scores(
    quiz_ids: list[int], milestone_ids: list[int], user_ids: list[int] | None = None
) -> int:
    items = list(
        LineItem.objects.filter(quiz_id__in=quiz_ids).select_related(
            "context__registration", "quiz"
        )
    ) + list(
        LineItem.objects.filter(milestone_id__in=milestone_ids).select_related(
            "context__registration", "milestone"
        )
    )
    with transaction.atomic():
        ids = passback.refresh_passbacks(items, timezone.now(), set(user_ids) if user_ids else None)
        queue_sends(ids)
    return len(ids)


@shared_task(name="lti.refresh_open_scores")
def refresh_open_scores() -> int:
    """Results released by the clock (after a quiz's window) have no event of their own:
    quizzes in the LMS that closed in the last 30 days are looked at again."""
    since = timezone.now() - timedelta(days=30)
    ids = list(
        LineItem.objects.filter(quiz__closes_at__gte=since).values_list("quiz_id", flat=True)
    )
    return refresh_scores(ids, [])


@shared_task(bind=True, name="lti.send_score", max_retries=None)
def send_score(self, passback_id: int) -> str:
    row = (
        Passback.objects.select_related(
            "line_item__context__registration", "line_item__quiz", "line_item__milestone"
        )
        .filter(pk=passback_id, status=PassbackStatus.PENDING)
        .first()
    )
    if row is None:
        return "gone"
    now = timezone.now()
    outcome = passback.deliver(row, now)
    passback.record_outcome(row, outcome, now)
    if outcome.retry_in is not None:
        # Bounded: deliver() stops offering a retry after LTI_PASSBACK_MAX_TRIES, and
        # the row then stays "failed" on the staff page.
        raise self.retry(countdown=outcome.retry_in)
    return "sent" if outcome.sent else "failed"


@shared_task(name="lti.sync_roster")
def sync_roster(context_id: int) -> int:
    context = Context.objects.select_related("registration", "course").filter(pk=context_id).first()
    if context is None:
        return 0
    result = roster_sync.sync_roster(context, timezone.now())
    return len(result.report.errors)


@shared_task(name="lti.forget_old_logins")
def forget_old_logins() -> int:
    return launch.forget_old_logins(timezone.now())
