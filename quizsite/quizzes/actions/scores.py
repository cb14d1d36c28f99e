"""Scoring answers and attempts: an answer graded at once or sent to the grader, and
an attempt's score stored from its answers."""

from __future__ import annotations

import logging
from typing import Any

from quizsite.grading.models import Submission
from quizsite.quizzes import content, grading, signals
from quizsite.quizzes.models import Answer, Attempt, AttemptQuestion

log = logging.getLogger(__name__)


def grade_now(
    aq: AttemptQuestion, value: Any, user, *, priority: int
) -> tuple[str, float | None, Submission | None]:
    """(status, points, submission) for one answer value: non-code at once, code sent
    to the grader (pending until its result arrives). Graded with the answer key of
    ``aq.key_version``: the version given, unless staff regraded with a corrected one."""
    key = aq.key_version
    try:
        question = content.variant(key, aq.seed)
        if question.type != "code":
            return (*grading.initial_grade(question, value, aq.points), None)
    except Exception:
        # A broken question (e.g. its variant generator fails for this seed) must not keep
        # the attempt from being submitted, nor cost the student: staff decide.
        log.exception("could not grade attempt question %s", aq.pk)
        return grading.FAILED, None, None
    if grading.is_blank(value):
        return grading.GRADED, 0.0, None
    from quizsite.grading.actions import submit_code

    submission = submit_code(
        key, value, user=user, seed=aq.seed, purpose=Submission.Purpose.ANSWER, priority=priority
    )
    return grading.PENDING, None, submission


def store_score(attempt: Attempt) -> None:
    """Recompute, store and set one attempt's score (see ``store_scores``)."""
    attempt.score = store_scores({attempt.pk})[attempt.pk]


def store_scores(attempt_ids: set[int]) -> dict[int, float | None]:
    """Recompute and store the score of each attempt from its answers (two queries
    however many attempts); returns {attempt id: score}."""
    rows = Answer.objects.filter(attempt_question__attempt_id__in=attempt_ids).values_list(
        "attempt_question__attempt_id", "grading_status", "points"
    )
    answers: dict[int, list[tuple[str, float | None]]] = {pk: [] for pk in attempt_ids}
    for attempt_id, status, points in rows:
        answers[attempt_id].append((status, points))
    scores = {pk: grading.attempt_score(values) for pk, values in answers.items()}
    if len(scores) == 1:
        # One attempt (every code result): a plain UPDATE, not bulk_update's CASE.
        ((pk, score),) = scores.items()
        Attempt.objects.filter(pk=pk).update(score=score)
    else:
        Attempt.objects.bulk_update(
            [Attempt(pk=pk, score=v) for pk, v in scores.items()], ["score"]
        )
    signals.scores_stored.send(sender=Attempt, attempt_ids=set(attempt_ids))
    return scores
