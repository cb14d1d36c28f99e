"""Write side of grading: create a submission and enqueue it after the transaction
that created it commits (a worker must never look for a row that isn't there yet)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from grader.django.models import Submission
from questions.models import QuestionVersion


def submit_code(
    version: QuestionVersion,
    code: str,
    *,
    user=None,
    seed: int = 0,
    purpose: str = Submission.Purpose.ANSWER,
) -> Submission:
    submission = Submission.objects.create(
        question_version=version,
        user=user,
        code=code,
        seed=seed,
        purpose=purpose,
        status=Submission.Status.QUEUED,
        enqueued_at=timezone.now(),
    )
    enqueue(submission.pk)
    return submission


def enqueue(submission_id: int) -> None:
    from grader.django.tasks import grade_submission

    transaction.on_commit(lambda: grade_submission.delay(submission_id))
