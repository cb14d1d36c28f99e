"""Celery tasks: thin. They pass ids, call quizsite.grading.service, and decide only
whether to retry."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from quizsite.grading import service


@shared_task(
    name="grading.grade_submission",
    bind=True,
    acks_late=True,  # a worker killed mid-grade leaves the message to be redelivered
    reject_on_worker_lost=True,
    time_limit=settings.GRADER_TASK_TIME_LIMIT,
    soft_time_limit=settings.GRADER_TASK_TIME_LIMIT - 10,
    max_retries=settings.GRADER_MAX_TRIES,
)
def grade_submission(self, submission_id: int) -> str:
    outcome = service.grade_submission(submission_id)
    if outcome is service.Outcome.RETRY:
        raise self.retry(countdown=2 ** min(self.request.retries, 5))
    if outcome is service.Outcome.BUSY:
        # Another worker holds a claim it keeps renewing; come back when it may be stale.
        raise self.retry(countdown=settings.GRADER_STALE_AFTER_SECONDS)
    return outcome.value


@shared_task(name="grading.requeue_stuck")
def requeue_stuck() -> int:
    return service.requeue_stuck(now=timezone.now())
