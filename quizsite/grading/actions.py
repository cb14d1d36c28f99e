"""Write side of grading: create a submission and enqueue it after the transaction
that created it commits (a worker must never look for a row that isn't there yet)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from quizsite.bank.models import QuestionVersion
from quizsite.grading import queues, trials
from quizsite.grading.models import Submission
from quizsite.grading.priorities import Priority


def submit_code(
    version: QuestionVersion,
    code: str,
    *,
    user=None,
    seed: int = 0,
    purpose: str = Submission.Purpose.ANSWER,
    priority: int = Priority.NORMAL,
) -> Submission:
    """Store the code to grade and enqueue it after commit; ``priority`` comes from
    ``quizsite.grading.priorities.priority_for``."""
    now = timezone.now()
    submission = Submission.objects.create(
        question_version=version,
        user=user,
        code=code,
        seed=seed,
        purpose=purpose,
        priority=priority,
        status=Submission.Status.QUEUED,
        enqueued_at=now,
    )
    queues.enqueue(submission.pk, purpose, priority)
    return submission


def trial_budget_used(user, *, now: datetime) -> bool:
    """Whether ``user``'s trial runs have used their worker time (``quizsite.grading.trials``)."""
    window = timedelta(seconds=settings.GRADER_TRIAL_WINDOW_SECONDS)
    rows = Submission.objects.filter(
        user=user, purpose=Submission.Purpose.VISIBLE_TESTS, started_at__isnull=False
    ).filter(Q(finished_at__isnull=True) | Q(finished_at__gt=now - window))
    spans = [trials.TrialSpan(s, f) for s, f in rows.values_list("started_at", "finished_at")]
    budget = timedelta(seconds=settings.GRADER_TRIAL_SECONDS)
    return trials.budget_used(spans, now=now, window=window, budget=budget)
