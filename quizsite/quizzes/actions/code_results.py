"""Code results: a finished code submission applied to the answer (or homework try)
waiting for it, and the sweep for results whose signal was lost."""

from __future__ import annotations

import logging

from django.db import transaction

from quizsite.grading.models import Submission
from quizsite.lib.locks import for_update
from quizsite.quizzes import grading
from quizsite.quizzes.actions.homework import combine_homework
from quizsite.quizzes.actions.scores import store_score
from quizsite.quizzes.models import Answer, AnswerTry, Attempt, GradingStatus

log = logging.getLogger(__name__)


def record_code_result(submission: Submission) -> int:
    """A code submission finished: update the answer (or homework try) it belongs to
    and the attempt's score. An ``error`` is never a zero: the answer is marked
    failed for staff and the attempt's score stays pending. Returns answers updated."""
    if submission.purpose != Submission.Purpose.ANSWER or not submission.is_done:
        return 0
    updated = 0
    with transaction.atomic():
        for graded_try in AnswerTry.objects.select_related(
            "answer__attempt_question__attempt__quiz"
        ).filter(submission=submission):
            aq = graded_try.answer.attempt_question
            _lock_attempt(aq.attempt_id)
            graded_try.grading_status, graded_try.points, graded_try.feedback = _code_outcome(
                submission, aq.points
            )
            graded_try.save(update_fields=["grading_status", "points", "feedback"])
            answer = graded_try.answer
            if answer.graded_by_hand_at is None:  # a hand grade stands over the tries
                combine_homework(answer, aq.attempt.quiz.homework_policy)
                answer.save(update_fields=["points", "grading_status", "feedback", "submission"])
                store_score(aq.attempt)
            updated += 1
        # A hand grade stands: staff graded it (perhaps while this result was on its way).
        for answer in Answer.objects.select_related("attempt_question__attempt").filter(
            submission=submission, tries=0, graded_by_hand_at__isnull=True
        ):
            aq = answer.attempt_question
            _lock_attempt(aq.attempt_id)
            answer.grading_status, answer.points, answer.feedback = _code_outcome(
                submission, aq.points
            )
            answer.save(update_fields=["grading_status", "points", "feedback"])
            store_score(aq.attempt)
            updated += 1
    return updated


def reconcile_code_results() -> int:
    """Apply every finished code result that an answer or try is still waiting for (a
    result whose signal was lost, e.g. the receiver failed). Returns results applied."""
    done = [Submission.Status.GRADED, Submission.Status.ERROR]
    ids = set(
        Answer.objects.filter(
            grading_status=GradingStatus.PENDING, submission__status__in=done
        ).values_list("submission_id", flat=True)[:500]
    )
    ids |= set(
        AnswerTry.objects.filter(
            grading_status=GradingStatus.PENDING, submission__status__in=done
        ).values_list("submission_id", flat=True)[:500]
    )
    applied = 0
    for submission in Submission.objects.filter(pk__in=ids):
        applied += record_code_result(submission)
    return applied


def _lock_attempt(attempt_id: int) -> None:
    """Lock the attempt's row until the transaction ends (scores are recomputed from
    its answers): only the lock is wanted, so only the id is read."""
    # order_by(): the model's default ordering would join the quiz, read for nothing.
    rows = for_update(Attempt.objects.filter(pk=attempt_id).order_by())
    list(rows.values_list("pk", flat=True))


def _code_outcome(submission: Submission, points: float) -> tuple[str, float | None, list]:
    earned = None
    if submission.status == Submission.Status.GRADED:
        earned = grading.points_from_result(submission.result, points)
    if earned is None:
        log.warning("quiz answer grading failed for submission %s", submission.pk)
        return grading.FAILED, None, []
    return grading.GRADED, earned, grading.student_feedback(submission.result)
