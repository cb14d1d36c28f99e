"""Answers: autosave, flags, a homework answer graded as one of its tries, and staff's
hand grade. A save after the deadline (plus grace) or after the submit is refused
and logged, never stored as the answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from questions import format as qformat
from quizsite.lib.locks import for_update
from quizsite.quizzes import content, grading, history, messages, timing
from quizsite.quizzes.actions.attempts import expire_if_due, running_question
from quizsite.quizzes.actions.homework import record_try
from quizsite.quizzes.actions.scores import store_score
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import (
    Answer,
    AnswerRevision,
    AnswerTry,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradingStatus,
    LateSave,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveResult:
    accepted: bool
    late: bool  # refused because it arrived after deadline + grace
    revision: int  # the answer's revision now (unchanged when refused)
    saved_at: datetime | None
    message: str
    seconds_left: int = 0
    # Refused because another tab saved since this page's base revision; ``value`` is
    # what the server holds, so the page can offer both versions.
    conflict: bool = False
    value: Any = None
    # The attempt's deadline and staff-added time as the save found them (while it
    # runs): the page compares them with what it knows, so a page that is saving
    # hears of a moved deadline without polling.
    deadline: datetime | None = None
    added_seconds: int = 0


def save_answer(
    attempt: Attempt,
    position: int,
    value: Any,
    *,
    now: datetime,
    base_revision: int | None = None,
    client: str = "",
) -> SaveResult:
    """Autosave one answer. Every accepted change keeps a revision; saving the value
    already stored is acknowledged without a new revision (a retried request). A save
    after deadline + grace, or after the attempt was submitted, is refused and logged
    in LateSave, never stored as an answer.

    ``client`` names the page that sends (one per load of the attempt page) and
    ``base_revision`` the revision that page last saw. When another page has saved
    since, the save is refused as a conflict (and logged, so nothing typed is lost):
    a tab left open with older text must not silently replace newer work."""
    expire = False
    with transaction.atomic():
        # Lock the attempt: a submit (which claims this row) and a save never interleave.
        # The lock is its own statement on purpose: a statement that waits for a lock
        # still returns the other tables' rows as they were when it began, so reading the
        # answer in the same query could return a revision a racing save already used.
        locked = for_update(Attempt.objects.all()).get(pk=attempt.pk)
        locked.quiz = attempt.quiz
        try:
            aq = AttemptQuestion.objects.with_answers().get(attempt_id=locked.pk, position=position)
        except AttemptQuestion.DoesNotExist:
            raise QuizError(messages.NO_SUCH_QUESTION) from None
        answer = aq.answer
        in_time = timing.accepts_save(deadline=locked.deadline, grace=locked.quiz.grace, now=now)
        if locked.status != AttemptStatus.IN_PROGRESS or not in_time:
            _log_refused(aq, value, now, "late" if not in_time else "submitted")
            expire = locked.status == AttemptStatus.IN_PROGRESS
            result = _refused(answer, late=not in_time)
        else:
            value = _accepted_value(aq, value)
            in_grace = now > locked.deadline
            if _changed_elsewhere(answer, value, base_revision, client):
                _log_refused(aq, value, now, "conflict")
                return _conflict(answer, locked, now=now)
            if answer.revision == 0 or answer.value != value:
                _store(answer, value, client=client, in_grace=in_grace, now=now)
            result = SaveResult(
                accepted=True,
                late=False,
                revision=answer.revision,
                saved_at=answer.saved_at,
                message=messages.SAVED_IN_GRACE if in_grace else messages.SAVED,
                seconds_left=timing.seconds_left(deadline=locked.deadline, now=now),
                deadline=locked.deadline,
                added_seconds=int(locked.added_time.total_seconds()),
            )
    if expire:
        expire_if_due(locked, now=now)
    return result


def _refused(answer: Answer, *, late: bool) -> SaveResult:
    """Too late (after deadline + grace), or the attempt was submitted already."""
    return SaveResult(
        accepted=False,
        late=late,
        revision=answer.revision,
        saved_at=answer.saved_at,
        message=messages.LATE_SAVE if late else messages.ALREADY_SUBMITTED,
    )


def _conflict(answer: Answer, attempt: Attempt, *, now: datetime) -> SaveResult:
    """Another page saved first: refused, with the value it saved."""
    return SaveResult(
        accepted=False,
        late=False,
        revision=answer.revision,
        saved_at=answer.saved_at,
        message=messages.CHANGED_ELSEWHERE,
        seconds_left=timing.seconds_left(deadline=attempt.deadline, now=now),
        conflict=True,
        value=answer.value,
        deadline=attempt.deadline,
        added_seconds=int(attempt.added_time.total_seconds()),
    )


def _accepted_value(aq: AttemptQuestion, value: Any) -> Any:
    """The value as stored: normalised for the question's type, and only an option the
    student was shown; else ``QuizError``."""
    try:
        value = content.normalise_value(aq.question_version.question.type, value)
    except ValueError:
        raise QuizError(messages.BAD_VALUE) from None
    try:
        return content.offered_value(content.shown(aq), aq.seed, value)
    except ValueError:
        raise QuizError(messages.NOT_AN_OPTION) from None


def _store(answer: Answer, value: Any, *, client: str, in_grace: bool, now: datetime) -> None:
    """Keep ``value`` as the answer's next revision (the history thinned as it grows)."""
    answer.value = value
    answer.saved_at = now
    answer.revision += 1
    answer.client = client
    answer.save(update_fields=["value", "saved_at", "revision", "client"])
    AnswerRevision.objects.create(
        answer=answer,
        revision=answer.revision,
        value=value,
        saved_at=now,
        in_grace=in_grace,
        client=client,
    )
    history.thin_revisions(answer.pk, answer.revision, now=now)


def _log_refused(aq: AttemptQuestion, value: Any, now: datetime, reason: str) -> None:
    kept = history.refused_copy(value)
    LateSave.objects.create(
        attempt_question=aq,
        value=kept.value,
        truncated=kept.truncated,
        size=kept.size,
        sha256=kept.sha256,
        received_at=now,
        reason=reason,
    )


def _changed_elsewhere(answer: Answer, value: Any, base: int | None, client: str) -> bool:
    """Did a page other than ``client`` save this answer after revision ``base``?

    A page's own saves never conflict with each other (a retry whose reply was lost
    finds its own revision ahead of its base), and a save of the value already held
    is no conflict at all. Requests that name no page or base are not checked."""
    if base is None or not client or answer.revision <= base or answer.value == value:
        return False
    return (
        AnswerRevision.objects.filter(answer=answer, revision__gt=base)
        .exclude(client=client)
        .exists()
    )


def flag_question(attempt: Attempt, position: int, flagged: bool, *, now: datetime) -> bool:
    """Flag (or unflag) a question of a running attempt for the student's own review;
    stored with the answer so a reload or another tab shows it. Returns the flag."""
    aq = running_question(attempt, position, now)
    Answer.objects.filter(pk=aq.answer.pk).update(flagged=flagged)
    return flagged


def grade_try(attempt: Attempt, position: int, *, now: datetime) -> AnswerTry:
    """Homework: grade the saved answer to one question as one of its tries."""
    if not attempt.quiz.is_homework:
        raise QuizError(messages.NOT_HOMEWORK)
    with transaction.atomic():
        for_update(Attempt.objects.filter(pk=attempt.pk)).first()
        attempt.refresh_from_db(fields=["status", "deadline"])
        aq = running_question(attempt, position, now)
        answer = aq.answer
        if grading.is_blank(answer.value):
            raise QuizError(messages.NOTHING_TO_GRADE)
        if aq.question_version.question.type in qformat.HAND_GRADED_TYPES:
            # Staff grade it once, after the due date: a try would only say "wait".
            raise QuizError(messages.GRADED_BY_HAND_AFTER_DUE)
        if answer.tries >= attempt.quiz.homework_tries:
            raise QuizError(messages.NO_TRIES_LEFT)
        graded_try = record_try(attempt, aq, answer, now)
        store_score(attempt)
    return graded_try


def set_answer_points(answer: Answer, points: float, *, by, now: datetime) -> Answer:
    """Staff grade an answer of a submitted attempt by hand (after a grading failure,
    or to overrule the grader); the attempt's score follows. The hand grade stands
    until staff send the answer to the grader again."""
    with transaction.atomic():
        aq = answer.attempt_question
        locked = for_update(Attempt.objects.all()).get(pk=aq.attempt_id)
        if locked.status != AttemptStatus.SUBMITTED:
            raise QuizError(messages.NOT_SUBMITTED_YET)
        if not 0 <= float(points) <= aq.points:
            raise QuizError(messages.POINTS_OUT_OF_RANGE.format(max=aq.points))
        answer.points = float(points)
        answer.grading_status = GradingStatus.GRADED
        answer.graded_by = by
        answer.graded_by_hand_at = now
        answer.save(update_fields=["points", "grading_status", "graded_by", "graded_by_hand_at"])
        store_score(locked)
    log.info("answer %s graded by hand by %s at %s", answer.pk, by, now.isoformat())
    return answer
