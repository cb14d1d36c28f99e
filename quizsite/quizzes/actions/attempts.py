"""Attempts: start (or resume), submit and grade, expire when time is up, add time.

State changes that two processes might race for are claimed atomically in the
database, so a timer submit and a student submit never both grade an attempt."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F

from quizsite.accounts import access
from quizsite.grading.priorities import priority_for
from quizsite.lib.locks import for_update
from quizsite.quizzes import content, grading, messages, preparation, timing
from quizsite.quizzes.actions.homework import final_tries
from quizsite.quizzes.actions.overrides import deadline_for
from quizsite.quizzes.actions.scores import grade_now, store_score
from quizsite.quizzes.drawing import draw_questions
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Quiz,
    SubmittedBy,
    TimeAddition,
)
from quizsite.quizzes.override_rules import override_for

log = logging.getLogger(__name__)


def _resumable(
    quiz: Quiz, user, now: datetime, attempts: list[Attempt] | None = None
) -> Attempt | None:
    """The student's running attempt, unless its time is up (then it is submitted).
    ``attempts``: the student's attempts at the quiz, already read."""
    if attempts is None:
        attempts = list(
            Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS)
        )
    running = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    if running is None:
        return None
    running.quiz = quiz
    return None if expire_if_due(running, now=now) else running


def start_attempt(quiz: Quiz, user, *, now: datetime) -> Attempt:
    """The student's running attempt, or a new one with its questions drawn."""
    if not access.is_student(user, quiz.course):
        raise QuizError(messages.NOT_A_STUDENT)
    # One read for both the running attempt and the count: Start is the hot request
    # of a class starting together.
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user))
    running = _resumable(quiz, user, now, attempts)
    if running is not None:
        return running
    override = override_for(quiz, user)
    opens, closes = timing.effective_window(quiz, override)
    state = timing.window_state(opens=opens, closes=closes, now=now)
    if state == "upcoming":
        raise QuizError(messages.NOT_OPEN_YET)
    if state == "closed":
        raise QuizError(messages.CLOSED)
    used = len(attempts)
    if used >= quiz.attempts_allowed:
        # A racing request (a double click) may have started it a moment ago.
        running = _resumable(quiz, user, now)
        if running is not None:
            return running
        raise QuizError(messages.NO_ATTEMPTS_LEFT)
    number = used + 1
    # Drawn before the quiz opened when it could be (preparation.py): then Start inserts only.
    drawn = preparation.prepared_draw(quiz, user, number)
    if drawn is None:
        drawn = [
            (content.current_version(q).pk, pts, seed)
            for q, pts, seed in draw_questions(quiz, user, number)
        ]
    if not drawn:
        raise QuizError(messages.NO_QUESTIONS)
    attempt = Attempt(
        quiz=quiz,
        user=user,
        number=number,
        started_at=now,
        max_score=round(sum(points for _, points, _ in drawn), 6),
    )
    attempt.deadline = deadline_for(attempt, override)
    try:
        with transaction.atomic():
            attempt.save()
            aqs = AttemptQuestion.objects.bulk_create(
                AttemptQuestion(
                    attempt=attempt,
                    position=i,
                    question_version_id=version_id,
                    seed=seed,
                    points=points,
                )
                for i, (version_id, points, seed) in enumerate(drawn, start=1)
            )
            Answer.objects.bulk_create(Answer(attempt_question=aq) for aq in aqs)
    except IntegrityError:
        # A second request started the same attempt a moment earlier: use that one.
        running = Attempt.objects.filter(
            quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS
        ).first()
        if running is None:
            raise
        return running
    return attempt


def expire_if_due(attempt: Attempt, *, now: datetime) -> bool:
    """Submit a running attempt whose deadline plus grace has passed (on access, so
    the result does not wait for the periodic sweep). True if it is no longer running."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return True
    if timing.accepts_save(deadline=attempt.deadline, grace=attempt.quiz.grace, now=now):
        return False
    submit_attempt(attempt, now=now, by=SubmittedBy.TIMER)
    return True


def running_question(attempt: Attempt, position: int, now: datetime) -> AttemptQuestion:
    if expire_if_due(attempt, now=now):
        raise QuizError(
            messages.LATE_SAVE
            if not timing.accepts_save(deadline=attempt.deadline, grace=attempt.quiz.grace, now=now)
            else messages.ALREADY_SUBMITTED
        )
    try:
        return AttemptQuestion.objects.with_answers().get(attempt=attempt, position=position)
    except AttemptQuestion.DoesNotExist:
        raise QuizError(messages.NO_SUCH_QUESTION) from None


def _grade_attempt(attempt: Attempt, now: datetime) -> None:
    aqs = list(AttemptQuestion.objects.with_answers().filter(attempt=attempt).order_by("position"))
    if attempt.quiz.is_homework:
        final_tries(attempt, aqs, now)
        for aq in aqs:
            if aq.answer.tries == 0:
                # Never tried and nothing to try: a zero, graded.
                aq.answer.grading_status, aq.answer.points = grading.GRADED, 0.0
                aq.answer.save(update_fields=["grading_status", "points"])
    else:
        changed = []
        cutoff = attempt.deadline + attempt.quiz.grace
        priority = priority_for(timed=True, cutoff=cutoff, regrade=False, now=now)
        for aq in aqs:
            answer = aq.answer
            status, points, submission = grade_now(
                aq, answer.value, attempt.user, priority=priority
            )
            answer.grading_status, answer.points, answer.submission = status, points, submission
            changed.append(answer)
        Answer.objects.bulk_update(changed, ["grading_status", "points", "submission"])
    store_score(attempt)


def submit_attempt(attempt: Attempt, *, now: datetime, by: str = SubmittedBy.STUDENT) -> Attempt:
    """Submit and grade. Idempotent: only the caller that moves the row from
    in_progress to submitted grades it; everyone else gets the attempt as it is."""
    if by == SubmittedBy.STUDENT:
        # The stored deadline may have moved (staff added time) since this object was read.
        attempt.refresh_from_db(fields=["deadline"])
        # The time ran out before the student's click reached us: the timer's.
        by = timing.submit_kind(
            auto=False, deadline=attempt.deadline, grace=attempt.quiz.grace, now=now
        )
    with transaction.atomic():
        claimed = (
            Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
                status=AttemptStatus.SUBMITTED, submitted_at=now, submitted_by=by
            )
            == 1
        )
        if claimed:
            attempt.refresh_from_db()
            _grade_attempt(attempt, now)
    attempt.refresh_from_db()
    return attempt


def submit_from_page(attempt: Attempt, *, auto: bool, now: datetime) -> Attempt:
    """A submit request from the attempt page: the student's click, or the page's own
    countdown at zero (``auto``). An automatic submit that arrives before the deadline
    (the page's clock ran ahead, or staff moved the deadline since the page last
    heard) is refused with ``QuizError`` and the attempt goes on."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return attempt
    attempt.refresh_from_db(fields=["deadline"])
    kind = timing.submit_kind(
        auto=auto, deadline=attempt.deadline, grace=attempt.quiz.grace, now=now
    )
    if kind == "early":
        raise QuizError(messages.NOT_TIME_UP_YET)
    return submit_attempt(attempt, now=now, by=kind)


def expire_due(*, now: datetime) -> int:
    """Submit every running attempt whose deadline plus grace has passed. Returns how
    many this call submitted (another process may have submitted some first)."""
    cutoff = ExpressionWrapper(F("deadline") + F("quiz__grace"), output_field=DateTimeField())
    due = (
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now)
        .annotate(cutoff=cutoff)
        .filter(cutoff__lt=now)
        .select_related("quiz")
        .order_by("deadline")
    )
    count = 0
    for attempt in due:
        try:
            before = attempt.status
            submitted = submit_attempt(attempt, now=now, by=SubmittedBy.TIMER)
            if before == AttemptStatus.IN_PROGRESS and submitted.submitted_at == now:
                count += 1
        except Exception:
            # One broken attempt must not stop the sweep for everyone else.
            log.exception("could not expire attempt %s", attempt.pk)
    return count


def add_time(attempt: Attempt, minutes: int, *, by, now: datetime) -> Attempt:
    """Give a running attempt more time (staff; the view checks who may). Recorded
    with who and when; may run past the window's close."""
    if minutes <= 0:
        raise QuizError(messages.ADD_TIME_POSITIVE)
    with transaction.atomic():
        locked = for_update(Attempt.objects.select_related("quiz")).get(pk=attempt.pk)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise QuizError(messages.ADD_TIME_FINISHED)
        locked.added_time += timedelta(minutes=minutes)
        locked.deadline = deadline_for(locked, override_for(locked.quiz, locked.user))
        locked.save(update_fields=["added_time", "deadline"])
        TimeAddition.objects.create(attempt=locked, minutes=minutes, added_by=by, added_at=now)
    return locked
