from celery import shared_task
from django.utils import timezone

from quizsite.reports.actions import discard_expired_uploads


@shared_task(name="reports.discard_expired_uploads")
def discard_expired_uploads_task() -> int:
    return discard_expired_uploads(now=timezone.now())
