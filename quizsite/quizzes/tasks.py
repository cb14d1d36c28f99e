"""Celery tasks: thin; the rules live in actions."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from quizsite.quizzes import preparation, similarity_runs
from quizsite.quizzes.actions.attempts import expire_due
from quizsite.quizzes.actions.code_results import reconcile_code_results


@shared_task(name="quizzes.expire_due_attempts")
def expire_due_attempts() -> int:
    """Submit attempts whose time (plus grace) is up, whatever their browsers do; then
    apply any code result an answer is still waiting for."""
    expired = expire_due(now=timezone.now())
    reconcile_code_results()
    return expired


@shared_task(name="quizzes.prepare_upcoming_quizzes")
def prepare_upcoming_quizzes() -> int:
    """Draw the questions of quizzes about to open, so that Start only inserts rows."""
    return preparation.prepare_upcoming(now=timezone.now())


@shared_task(name="quizzes.find_similar_answers", soft_time_limit=300, time_limit=330)
def find_similar_answers(run_id: int) -> str | None:
    """Rank the answers of a similarity run by how much they share (no retry: a failed
    run says so on the page, where staff start another)."""
    status = similarity_runs.run(run_id, now=timezone.now())
    return None if status is None else str(status)
