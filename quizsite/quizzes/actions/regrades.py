"""Regrades: one answer sent to the grader again, or every submitted answer to a
question graded again with a corrected version of it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from quizsite.bank.models import Question, QuestionVersion
from quizsite.grading.priorities import priority_for
from quizsite.lib.locks import for_update
from quizsite.quizzes import grading, messages
from quizsite.quizzes.actions.scores import grade_now, store_score, store_scores
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradingStatus,
    Quiz,
)

log = logging.getLogger(__name__)


def regrade_answer(answer: Answer, *, by, now: datetime) -> Answer:
    """Send a code answer of a submitted (non-homework) attempt to the grader again,
    e.g. after a grading failure that was the grader's fault. Any hand grade is
    dropped; the attempt's score is pending until the new result arrives."""
    with transaction.atomic():
        aq = answer.attempt_question
        locked = for_update(Attempt.objects.select_related("quiz")).get(pk=aq.attempt_id)
        is_code = aq.question_version.question.type == "code"
        if locked.status != AttemptStatus.SUBMITTED or locked.quiz.is_homework or not is_code:
            raise QuizError(messages.CANNOT_REGRADE)
        priority = priority_for(timed=True, cutoff=None, regrade=True, now=now)
        status, points, submission = grade_now(aq, answer.value, locked.user, priority=priority)
        answer.grading_status, answer.points, answer.submission = status, points, submission
        answer.feedback = []
        answer.graded_by, answer.graded_by_hand_at = None, None
        answer.save(
            update_fields=[
                "grading_status",
                "points",
                "submission",
                "feedback",
                "graded_by",
                "graded_by_hand_at",
            ]
        )
        store_score(locked)
    log.info("answer %s sent to the grader again by %s at %s", answer.pk, by, now.isoformat())
    return answer


@dataclass(frozen=True)
class RegradeSummary:
    """What regrading one question of a quiz with a corrected version does (a preview,
    ``applied=False``) or did. Counts are of answers unless they say attempts."""

    version: int  # the version number the answers are (to be) graded with
    gain: int = 0  # re-scored at once and earn more points than before
    lose: int = 0
    same: int = 0
    failing: int = 0  # the new version cannot grade them (a broken variant): for staff
    to_grader: int = 0  # code answers sent to the grader again with the new version
    by_hand: int = 0  # kept: graded by hand, so staff's grade stands
    homework: int = 0  # skipped: homework tries are not regraded
    running_attempts: int = 0  # still running on an older version: left out
    attempts: int = 0  # submitted attempts whose answers are regraded
    applied: bool = False

    @property
    def regraded(self) -> int:
        return self.gain + self.lose + self.same + self.failing + self.to_grader

    @property
    def answers(self) -> int:
        """Answers of submitted attempts graded with an older version."""
        return self.regraded + self.by_hand + self.homework


def _outdated(quiz: Quiz, question: Question, number: int):
    """Attempt questions of ``quiz`` whose answer key is a version of ``question``
    older than version ``number``."""
    return AttemptQuestion.objects.filter(
        attempt__quiz=quiz, question_version__question=question
    ).filter(
        Q(graded_with__isnull=True, question_version__number__lt=number)
        | Q(graded_with__number__lt=number)
    )


def regrade_question(
    quiz: Quiz,
    question: Question,
    version: QuestionVersion,
    *,
    by,
    now: datetime,
    dry_run: bool = False,
) -> RegradeSummary:
    """Grade the answers already submitted to ``question`` in ``quiz`` again with the
    answer key of ``version`` (a corrected version, e.g. a wrong key fixed in the bank
    mid-term). ``dry_run``: only say what it would do; nothing is written or sent.

    Each submitted attempt whose answer is graded with an older version is regraded
    at the same variant seed: choice, multi, numeric and text answers are scored at
    once, code answers go to the grader again (pending until the result arrives).
    Answers graded by hand stand; homework (graded tries) is skipped; running
    attempts are left out (they are graded with their own version when submitted).
    Attempt scores follow. Idempotent: answers already graded with ``version`` (or a
    later one) are not touched, so running it again changes nothing."""
    if version.question_id != question.pk:
        raise QuizError(messages.REGRADE_OTHER_QUESTION)
    outdated = _outdated(quiz, question, version.number)
    running = (
        outdated.filter(attempt__status=AttemptStatus.IN_PROGRESS)
        .values("attempt_id")
        .distinct()
        .count()
    )
    submitted = outdated.filter(attempt__status=AttemptStatus.SUBMITTED)
    if quiz.is_homework:
        return RegradeSummary(
            version=version.number, homework=submitted.count(), running_attempts=running
        )
    with transaction.atomic():
        if not dry_run:
            # Locked like every change to a submitted attempt's grading (hand grades).
            list(
                for_update(
                    Attempt.objects.filter(pk__in=submitted.values("attempt_id"))
                ).values_list("pk", flat=True)
            )
        aqs = list(
            submitted.select_related("answer", "attempt__user").defer("question_version__files")
        )
        counts, changed_aqs = _regrade(aqs, question, version, by=by, now=now, dry_run=dry_run)
        attempt_ids = {aq.attempt_id for aq in changed_aqs}
        if not dry_run and changed_aqs:
            _save_regraded(changed_aqs)
            store_scores(attempt_ids)
    summary = RegradeSummary(
        version=version.number,
        running_attempts=running,
        attempts=len(attempt_ids),
        applied=not dry_run,
        **counts,
    )
    if not dry_run:
        log.info(
            "question %s of quiz %s regraded with version %s by %s at %s: %s",
            *(question.pk, quiz.pk, version.number, by, now.isoformat(), summary),
        )
    return summary


def _save_regraded(aqs: list[AttemptQuestion]) -> None:
    AttemptQuestion.objects.bulk_update(aqs, ["graded_with", "regraded_by", "regraded_at"])
    Answer.objects.bulk_update(
        [aq.answer for aq in aqs], ["grading_status", "points", "submission", "feedback"]
    )


def _regrade(
    aqs: list[AttemptQuestion],
    question: Question,
    version: QuestionVersion,
    *,
    by,
    now: datetime,
    dry_run: bool,
) -> tuple[dict[str, int], list[AttemptQuestion]]:
    """Grade each answer again with ``version``, in memory: (counts for the summary,
    the attempt questions whose answers changed, for the caller to save). A dry run
    sends nothing to the grader: a code answer only counts as going there."""
    counts = {"gain": 0, "lose": 0, "same": 0, "failing": 0, "to_grader": 0, "by_hand": 0}
    regrade_priority = priority_for(timed=True, cutoff=None, regrade=True, now=now)
    changed = []
    for aq in aqs:
        answer = aq.answer
        if answer.graded_by_hand_at is not None:
            counts["by_hand"] += 1
            continue
        before = answer.points if answer.grading_status == GradingStatus.GRADED else None
        aq.graded_with = version  # in memory until saved: grade_now grades with it
        if dry_run and question.type == "code" and not grading.is_blank(answer.value):
            counts["to_grader"] += 1
            continue
        status, points, submission = grade_now(
            aq, answer.value, aq.attempt.user, priority=regrade_priority
        )
        if status == grading.PENDING:
            counts["to_grader"] += 1
        elif status == grading.FAILED:
            counts["failing"] += 1
        else:
            # A failed or pending answer had no points: it counts from 0.
            delta = (points or 0.0) - (before or 0.0)
            counts["gain" if delta > 1e-9 else "lose" if delta < -1e-9 else "same"] += 1
        answer.grading_status, answer.points, answer.submission = status, points, submission
        answer.feedback = []  # a code answer's checks come with its new result
        aq.regraded_by, aq.regraded_at = by, now
        changed.append(aq)
    return counts, changed
