"""Grades back to the LMS (Assignment and Grade Services): one line item per quiz or
milestone, and each student's latest visible score, sent until the platform has it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from quizsite.accounts.models import Role
from quizsite.lib.locks import for_update
from quizsite.lti import services
from quizsite.lti.http import PlatformError
from quizsite.lti.models import Identity, LineItem, Passback, PassbackStatus
from quizsite.quizzes import gradebook, selectors
from quizsite.quizzes.models import Attempt, Quiz
from quizsite.quizzes.visibility import results_visible
from quizsite.reports.models import Grade, Milestone

log = logging.getLogger("quizsite.lti")


def quiz_maximum(quiz: Quiz) -> float:
    """Points a quiz is out of: an attempt knows exactly; before any, the pools say."""
    drawn = Attempt.objects.filter(quiz=quiz).values_list("max_score", flat=True).first()
    if drawn:
        return drawn
    total = 0.0
    for pool in quiz.pools.all():
        total += pool.count * (pool.points or 1.0)
    return total or 1.0


def _label_and_maximum(item: LineItem) -> tuple[str, float]:
    if item.quiz is not None:
        return item.quiz.title, quiz_maximum(item.quiz)
    if item.milestone is None:
        raise ValueError(f"line item {item.pk} is for neither a quiz nor a milestone")
    return item.milestone.title, float(item.milestone.max_points) or 1.0


def ensure_line_item(item: LineItem, now: datetime) -> str:
    """The platform's column for this item, made once. Under a lock on the row, a
    column that the platform already has (placed by deep linking, or made by a try
    whose answer was lost) is found by its resourceId before one is made."""
    if item.url:
        return item.url
    with transaction.atomic():
        locked = (
            for_update(LineItem.objects.all())
            .select_related("context__registration", "quiz", "milestone")
            .get(pk=item.pk)
        )
        if not locked.url:
            context = locked.context
            found = services.find_line_item(
                context.registration, context.lineitems_url, locked.resource_id, now
            )
            if found is None:
                label, maximum = _label_and_maximum(locked)
                found = services.create_line_item(
                    context.registration,
                    context.lineitems_url,
                    label=label,
                    maximum=maximum,
                    resource_id=locked.resource_id,
                    resource_link_id=locked.resource_link_id,
                    now=now,
                )
            locked.url = found
            locked.save(update_fields=["url"])
    item.url = locked.url
    return item.url


# ------------------------------------------------------------------ score passback


@dataclass(frozen=True)
class Standing:
    score: float | None
    maximum: float
    activity: str
    grading: str
    started_at: datetime | None
    submitted_at: datetime | None


# AGS gradingProgress by the grade book's status: an answer waiting for staff (an essay,
# or code the grader could not grade) is "PendingManual", so the LMS shows it as such.
_GRADING_PROGRESS = {
    gradebook.GRADED: "FullyGraded",
    gradebook.TO_GRADE_BY_HAND: "PendingManual",
}


def _quiz_standings(quiz: Quiz, user_ids: set[int], now: datetime) -> dict[int, Standing]:
    """Scores that the students may see now, by the grade book's rule (best attempt). An
    attempt waiting for staff to grade an answer by hand goes as "PendingManual", with
    the best score so far (none before any attempt is scored)."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, user_id__in=user_ids)
        .select_related("quiz")
        .annotate(to_grade_by_hand=selectors.TO_GRADE_BY_HAND_COUNT)
    )
    mine: dict[int, list[Attempt]] = {}
    for a in attempts:
        mine.setdefault(a.user_id, []).append(a)
    found = {}
    for user_id, theirs in mine.items():
        ordered = sorted(theirs, key=lambda a: a.number)
        status, best = gradebook.standing(ordered)
        shown = best
        if status == gradebook.TO_GRADE_BY_HAND:
            # ``to_grade_by_hand`` is the annotation made above.
            shown = next(
                a
                for a in reversed(ordered)
                if getattr(a, "to_grade_by_hand", 0) and a.score is None
            )
        if shown is None or shown.max_score is None:
            continue
        if not results_visible(shown, now=now):
            continue
        found[user_id] = Standing(
            score=best.score if best else None,
            maximum=shown.max_score,
            activity="Completed" if status == gradebook.GRADED else "Submitted",
            grading=_GRADING_PROGRESS.get(status, "Pending"),
            started_at=shown.started_at,
            submitted_at=shown.submitted_at,
        )
    return found


def _milestone_standings(milestone: Milestone, user_ids: set[int]) -> dict[int, Standing]:
    if not milestone.grades_released:
        return {}
    maximum = float(milestone.max_points) or 1.0
    found = {}
    grades = (
        Grade.objects.filter(milestone=milestone, graded_at__isnull=False)
        .select_related("graded_submission", "team")
        .prefetch_related("team__members")
    )
    for grade in grades:
        if grade.student_id:
            owners = [grade.student_id]
        else:
            owners = [m.pk for m in grade.team.members.all()] if grade.team else []
        submitted = grade.graded_submission.confirmed_at if grade.graded_submission else None
        for user_id in owners:
            if user_id in user_ids:
                found[user_id] = Standing(
                    float(grade.total_points), maximum, "Completed", "FullyGraded", None, submitted
                )
    return found


def refresh_passbacks(
    items: list[LineItem], now: datetime, user_ids: set[int] | None = None
) -> list[int]:
    """Bring the passback rows of these line items up to the scores students may see:
    a changed score makes its row pending again. Returns the ids to send."""
    to_send: list[int] = []
    for item in items:
        linked = dict(
            Identity.objects.filter(
                issuer=item.context.registration.issuer,
                user__memberships__course=item.context.course_id,
                user__memberships__role=Role.STUDENT,
                **({"user_id__in": user_ids} if user_ids is not None else {}),
            ).values_list("user_id", "sub")
        )
        if not linked:
            continue
        if item.quiz is not None:
            standings = _quiz_standings(item.quiz, set(linked), now)
        elif item.milestone is not None:
            standings = _milestone_standings(item.milestone, set(linked))
        else:
            continue
        existing = {
            p.user_id: p for p in Passback.objects.filter(line_item=item, user_id__in=standings)
        }
        for user_id, s in standings.items():
            values = {
                "sub": linked[user_id],
                "score_given": s.score,
                "score_maximum": s.maximum,
                "activity_progress": s.activity,
                "grading_progress": s.grading,
                "started_at": s.started_at,
                "submitted_at": s.submitted_at,
            }
            row = existing.get(user_id)
            if row is not None and all(getattr(row, k) == v for k, v in values.items()):
                continue
            if row is None:
                try:
                    with transaction.atomic():
                        row = Passback.objects.create(
                            line_item=item, user_id=user_id, timestamp=now, **values
                        )
                except IntegrityError:
                    continue  # a refresh running at the same time made it and sends it
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                row.timestamp, row.status, row.tries, row.last_error = (
                    now,
                    PassbackStatus.PENDING,
                    0,
                    "",
                )
                row.version += 1
                row.save()
            to_send.append(row.pk)
    return to_send


def score_body(p: Passback) -> dict:
    body = {
        "userId": p.sub,
        "scoreMaximum": p.score_maximum,
        "activityProgress": p.activity_progress,
        "gradingProgress": p.grading_progress,
        "timestamp": p.timestamp.isoformat(timespec="milliseconds"),
    }
    if p.score_given is not None:
        body["scoreGiven"] = p.score_given
    submission = {}
    if p.started_at:
        submission["startedAt"] = p.started_at.isoformat(timespec="seconds")
    if p.submitted_at:
        submission["submittedAt"] = p.submitted_at.isoformat(timespec="seconds")
    if submission:
        body["submission"] = submission
    return body


@dataclass
class Outcome:
    sent: bool
    error: str = ""
    retry_in: int | None = None  # seconds, when another try may succeed


def backoff(tries: int) -> int:
    return min(settings.LTI_PASSBACK_BACKOFF_SECONDS * 2 ** max(tries - 1, 0), 3600)


def deliver(p: Passback, now: datetime) -> Outcome:
    """Send one passback's score (making the line item first if needed)."""
    try:
        url = ensure_line_item(p.line_item, now)
        services.post_score(p.line_item.context.registration, url, score_body(p), now)
    except PlatformError as exc:
        tries = p.tries + 1
        can_retry = exc.retryable and tries < settings.LTI_PASSBACK_MAX_TRIES
        return Outcome(
            sent=False, error=str(exc)[:2000], retry_in=backoff(tries) if can_retry else None
        )
    return Outcome(sent=True)


def record_outcome(p: Passback, outcome: Outcome, now: datetime) -> None:
    """Save what a send did, unless a newer score replaced the row meanwhile (its own
    send is queued)."""
    rows = Passback.objects.filter(pk=p.pk, version=p.version)
    if outcome.sent:
        rows.update(status=PassbackStatus.SENT, sent_at=now, tries=p.tries + 1, last_error="")
        return
    status = PassbackStatus.PENDING if outcome.retry_in is not None else PassbackStatus.FAILED
    rows.update(status=status, tries=p.tries + 1, last_error=outcome.error)
    log.warning("LTI score %s for %s not sent (%s): %s", p.pk, p.sub, status, outcome.error)


def send_again(p: Passback) -> None:
    Passback.objects.filter(pk=p.pk).update(status=PassbackStatus.PENDING, tries=0, last_error="")
