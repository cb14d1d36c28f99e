"""The write side of exam integrity for staff and students: similarity runs asked
for by staff (carried out by ``similarity_runs`` in a Celery task)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from questions.models import Question
from quizsite.quizzes.models import Quiz, SimilarityRun
from quizsite.quizzes.tasks import find_similar_answers


def request_similarity_run(
    quiz: Quiz, question: Question, *, include_archive: bool, by, now: datetime
) -> SimilarityRun:
    """Queue a run; the task starts once the row is committed."""
    run = SimilarityRun.objects.create(
        quiz=quiz,
        question=question,
        include_archive=include_archive,
        requested_by=by,
        requested_at=now,
    )
    transaction.on_commit(lambda: find_similar_answers.delay(run.pk))
    return run
