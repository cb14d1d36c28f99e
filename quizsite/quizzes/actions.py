"""The write side of quizzes: every change to an attempt goes through here.

Each action takes ``now`` from its caller (one ``timezone.now()`` per request or task
run), and refuses with ``QuizError(message)`` whose message a student can read.
State changes that two processes might race for (submitting, saving after a submit)
are claimed atomically in the database, so a timer submit and a student submit never
both grade an attempt, and no save slips in after grading has read the answers."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Prefetch, Q

from grader.django.models import Submission
from grader.django.priorities import priority_for
from questions import format as qformat
from questions.models import Question, QuestionVersion
from quizsite.accounts import access
from quizsite.quizzes import (
    content,
    feedback_rules,
    grading,
    history,
    messages,
    preparation,
    signals,
    timing,
)
from quizsite.quizzes.models import (
    Answer,
    AnswerRevision,
    AnswerTry,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    FeedbackRelease,
    GradingStatus,
    LateSave,
    QuestionFeedback,
    Quiz,
    QuizOverride,
    QuizPool,
    SubmittedBy,
    TimeAddition,
)

log = logging.getLogger(__name__)


class QuizError(Exception):
    """A refusal with a message for the student (from ``messages``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


# --------------------------------------------------------------------------- overrides


def _generosity(quiz: Quiz, override: QuizOverride) -> tuple[datetime, timedelta]:
    extra, percent = timing.extra_of(override)
    limit = quiz.time_limit or timedelta(0)
    return (override.closes_at or quiz.closes_at, extra + limit * percent / 100)


def pick_override(quiz: Quiz, user_id: int, overrides: list[QuizOverride]) -> QuizOverride | None:
    """A student's own override beats any group's; of several groups the most generous
    (latest close, then most extra time) applies."""
    own = [o for o in overrides if o.user_id == user_id]
    if own:
        return own[0]
    groups = [
        o for o in overrides if o.group_id and any(m.pk == user_id for m in o.group.members.all())
    ]
    if not groups:
        return None
    return max(groups, key=lambda o: _generosity(quiz, o))


def override_for(quiz: Quiz, user) -> QuizOverride | None:
    """The override that applies to ``user`` on ``quiz``, if any."""
    overrides = list(
        QuizOverride.objects.filter(quiz=quiz)
        .filter(Q(user=user) | Q(group__members=user))
        .select_related("group")
        .prefetch_related("group__members")
        .distinct()
    )
    return pick_override(quiz, user.pk, overrides) if overrides else None


def _deadline_for(attempt: Attempt, override: QuizOverride | None) -> datetime:
    return timing.attempt_deadline(
        quiz=attempt.quiz,
        override=override,
        started_at=attempt.started_at,
        added=attempt.added_time,
    )


def recompute_deadlines(quiz: Quiz) -> int:
    """After the quiz's window or its overrides changed: store the new deadline of every
    running attempt. Returns how many changed."""
    overrides = list(
        quiz.overrides.select_related("group").prefetch_related("group__members").all()
    )
    changed = []
    with transaction.atomic():
        # Locked, so time that staff add meanwhile is not overwritten with an older sum.
        running = Attempt.objects.select_for_update().filter(
            quiz=quiz, status=AttemptStatus.IN_PROGRESS
        )
        for attempt in running:
            attempt.quiz = quiz
            new = _deadline_for(attempt, pick_override(quiz, attempt.user_id, overrides))
            if new != attempt.deadline:
                attempt.deadline = new
                changed.append(attempt)
        Attempt.objects.bulk_update(changed, ["deadline"])
    return len(changed)


# ------------------------------------------------------------------------ starting


def _seed(*parts: Any) -> random.Random:
    # String seeds hash with SHA-512: stable across processes and Python runs.
    return random.Random(":".join(str(p) for p in parts))


def draw_questions(quiz: Quiz, user, number: int) -> list[tuple[Question, float, int]]:
    """(question, points, variant seed) for one student's attempt, the same every time
    for the same quiz, student and attempt number. Retired questions and questions
    without a current version are never drawn; a question is drawn at most once."""
    rng = _seed("quiz", quiz.pk, "user", user.pk, "attempt", number)
    # Versions without their files: content.parsed needs only id and hash when cached.
    questions = Question.objects.select_related("current").defer("current__files")
    pools = list(quiz.pools.prefetch_related(Prefetch("questions", queryset=questions)))
    live: list[Question] | None = None
    taken: set[int] = set()
    drawn: list[tuple[Question, float | None]] = []
    for pool in pools:
        if pool.topic:
            if live is None:
                live = list(questions.filter(retired=False, current__isnull=False))
            candidates = [q for q in live if pool.topic in (q.topics or [])]
        else:
            candidates = [q for q in pool.questions.all() if not q.retired and q.current_id]
        candidates = sorted(
            (q for q in candidates if q.pk not in taken), key=lambda q: (q.bank, q.path)
        )
        picked = rng.sample(range(len(candidates)), min(pool.count, len(candidates)))
        # Without shuffling, questions keep the bank's order within their pool.
        for q in (candidates[i] for i in sorted(picked)):
            taken.add(q.pk)
            drawn.append((q, pool.points))
    if quiz.shuffle:
        rng.shuffle(drawn)
    result = []
    for q, points in drawn:
        own = content.parsed(q.current).points
        result.append((q, float(points if points is not None else own), rng.randrange(2**31)))
    return result


def _resumable(quiz: Quiz, user, now: datetime) -> Attempt | None:
    """The student's running attempt, unless its time is up (then it is submitted)."""
    running = Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS).first()
    if running is None:
        return None
    running.quiz = quiz
    return None if expire_if_due(running, now=now) else running


def start_attempt(quiz: Quiz, user, *, now: datetime) -> Attempt:
    """The student's running attempt, or a new one with its questions drawn."""
    if not access.is_student(user, quiz.course):
        raise QuizError(messages.NOT_A_STUDENT)
    running = _resumable(quiz, user, now)
    if running is not None:
        return running
    override = override_for(quiz, user)
    opens, closes = timing.effective_window(quiz, override)
    state = timing.window_state(opens=opens, closes=closes, now=now)
    if state == "upcoming":
        raise QuizError(messages.NOT_OPEN_YET)
    if state == "closed":
        raise QuizError(messages.CLOSED)
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
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
        drawn = [(q.current_id, pts, seed) for q, pts, seed in draw_questions(quiz, user, number)]
    if not drawn:
        raise QuizError(messages.NO_QUESTIONS)
    attempt = Attempt(
        quiz=quiz,
        user=user,
        number=number,
        started_at=now,
        max_score=round(sum(points for _, points, _ in drawn), 6),
    )
    attempt.deadline = _deadline_for(attempt, override)
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


# -------------------------------------------------------------------------- saving


def _questions():
    """Attempt questions with their answer and question in one query. A version's files
    are left out: content.parsed keeps each version parsed per process and reads them
    only when it has not seen the version yet."""
    return AttemptQuestion.objects.select_related(
        "answer", "question_version__question", "graded_with"
    ).defer("question_version__files", "graded_with__files")


def _cutoff(attempt: Attempt) -> datetime:
    return attempt.deadline + attempt.quiz.grace


def expire_if_due(attempt: Attempt, *, now: datetime) -> bool:
    """Submit a running attempt whose deadline plus grace has passed (on access, so
    the result does not wait for the periodic sweep). True if it is no longer running."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return True
    if timing.accepts_save(deadline=attempt.deadline, grace=attempt.quiz.grace, now=now):
        return False
    submit_attempt(attempt, now=now, by=SubmittedBy.TIMER)
    return True


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
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        locked.quiz = attempt.quiz
        try:
            aq = _questions().get(attempt_id=locked.pk, position=position)
        except AttemptQuestion.DoesNotExist:
            raise QuizError(messages.NO_SUCH_QUESTION) from None
        answer = aq.answer
        in_time = timing.accepts_save(deadline=locked.deadline, grace=locked.quiz.grace, now=now)
        if locked.status != AttemptStatus.IN_PROGRESS or not in_time:
            _log_refused(aq, value, now, "late" if not in_time else "submitted")
            expire = locked.status == AttemptStatus.IN_PROGRESS
            result = SaveResult(
                accepted=False,
                late=not in_time,
                revision=answer.revision,
                saved_at=answer.saved_at,
                message=messages.LATE_SAVE if not in_time else messages.ALREADY_SUBMITTED,
            )
        else:
            try:
                value = content.normalise_value(aq.question_version.question.type, value)
            except ValueError:
                raise QuizError(messages.BAD_VALUE) from None
            try:
                value = content.offered_value(_shown(aq), aq.seed, value)
            except ValueError:
                raise QuizError(messages.NOT_AN_OPTION) from None
            in_grace = now > locked.deadline
            if _changed_elsewhere(answer, value, base_revision, client):
                _log_refused(aq, value, now, "conflict")
                return SaveResult(
                    accepted=False,
                    late=False,
                    revision=answer.revision,
                    saved_at=answer.saved_at,
                    message=messages.CHANGED_ELSEWHERE,
                    seconds_left=timing.seconds_left(deadline=locked.deadline, now=now),
                    conflict=True,
                    value=answer.value,
                )
            if answer.revision == 0 or answer.value != value:
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
            result = SaveResult(
                accepted=True,
                late=False,
                revision=answer.revision,
                saved_at=answer.saved_at,
                message=messages.SAVED_IN_GRACE if in_grace else messages.SAVED,
                seconds_left=timing.seconds_left(deadline=locked.deadline, now=now),
            )
    if expire:
        expire_if_due(locked, now=now)
    return result


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


# ------------------------------------------------------------------------- grading


def _grade_now(
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
    from grader.django.actions import submit_code

    submission = submit_code(
        key, value, user=user, seed=aq.seed, purpose=Submission.Purpose.ANSWER, priority=priority
    )
    return grading.PENDING, None, submission


def _homework_final_tries(attempt: Attempt, aqs: list[AttemptQuestion], now: datetime) -> None:
    """At the due date, grade each saved answer that was changed since its last try
    (or never tried), if tries are left."""
    quiz = attempt.quiz
    for aq in aqs:
        answer = aq.answer
        if grading.is_blank(answer.value) or answer.tries >= quiz.homework_tries:
            continue
        last = answer.graded_tries.order_by("-number").first()
        if last is not None and last.value == answer.value:
            continue
        _record_try(attempt, aq, answer, now)


def _record_try(attempt: Attempt, aq: AttemptQuestion, answer: Answer, now: datetime) -> AnswerTry:
    priority = priority_for(timed=False, cutoff=None, regrade=False, now=now)
    status, points, submission = _grade_now(aq, answer.value, attempt.user, priority=priority)
    answer.tries += 1
    graded_try = AnswerTry.objects.create(
        answer=answer,
        number=answer.tries,
        value=answer.value,
        created_at=now,
        points=points,
        grading_status=status,
        submission=submission,
    )
    _combine_homework(answer, attempt.quiz.homework_policy)
    answer.save(update_fields=["tries", "points", "grading_status", "feedback", "submission"])
    return graded_try


def _combine_homework(answer: Answer, policy: str) -> None:
    tries = list(answer.graded_tries.order_by("number"))
    answer.grading_status, answer.points = grading.combine_tries(
        ((t.grading_status, t.points) for t in tries), policy
    )
    if tries:
        counted = tries[-1]
        if policy != "last" and answer.grading_status == grading.GRADED:
            counted = max(tries, key=lambda t: (t.points or 0.0, t.number))
        answer.feedback = counted.feedback
        answer.submission = counted.submission


def _store_score(attempt: Attempt) -> None:
    attempt.score = _store_scores({attempt.pk})[attempt.pk]


def _store_scores(attempt_ids: set[int]) -> dict[int, float | None]:
    """Recompute and store the score of each attempt from its answers (two queries
    however many attempts); returns {attempt id: score}."""
    rows = Answer.objects.filter(attempt_question__attempt_id__in=attempt_ids).values_list(
        "attempt_question__attempt_id", "grading_status", "points"
    )
    answers: dict[int, list[tuple[str, float | None]]] = {pk: [] for pk in attempt_ids}
    for attempt_id, status, points in rows:
        answers[attempt_id].append((status, points))
    scores = {pk: grading.attempt_score(values) for pk, values in answers.items()}
    Attempt.objects.bulk_update([Attempt(pk=pk, score=v) for pk, v in scores.items()], ["score"])
    signals.scores_stored.send(sender=Attempt, attempt_ids=set(attempt_ids))
    return scores


def _grade_attempt(attempt: Attempt, now: datetime) -> None:
    aqs = list(_questions().filter(attempt=attempt).order_by("position"))
    if attempt.quiz.is_homework:
        _homework_final_tries(attempt, aqs, now)
        for aq in aqs:
            if aq.answer.tries == 0:
                # Never tried and nothing to try: a zero, graded.
                aq.answer.grading_status, aq.answer.points = grading.GRADED, 0.0
                aq.answer.save(update_fields=["grading_status", "points"])
    else:
        changed = []
        priority = priority_for(timed=True, cutoff=_cutoff(attempt), regrade=False, now=now)
        for aq in aqs:
            answer = aq.answer
            status, points, submission = _grade_now(
                aq, answer.value, attempt.user, priority=priority
            )
            answer.grading_status, answer.points, answer.submission = status, points, submission
            changed.append(answer)
        Answer.objects.bulk_update(changed, ["grading_status", "points", "submission"])
    _store_score(attempt)


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
            Attempt.objects.select_for_update().filter(pk=aq.attempt_id).first()
            graded_try.grading_status, graded_try.points, graded_try.feedback = _code_outcome(
                submission, aq.points
            )
            graded_try.save(update_fields=["grading_status", "points", "feedback"])
            answer = graded_try.answer
            if answer.graded_by_hand_at is None:  # a hand grade stands over the tries
                _combine_homework(answer, aq.attempt.quiz.homework_policy)
                answer.save(update_fields=["points", "grading_status", "feedback", "submission"])
                _store_score(aq.attempt)
            updated += 1
        # A hand grade stands: staff graded it (perhaps while this result was on its way).
        for answer in Answer.objects.select_related("attempt_question__attempt").filter(
            submission=submission, tries=0, graded_by_hand_at__isnull=True
        ):
            aq = answer.attempt_question
            Attempt.objects.select_for_update().filter(pk=aq.attempt_id).first()
            answer.grading_status, answer.points, answer.feedback = _code_outcome(
                submission, aq.points
            )
            answer.save(update_fields=["grading_status", "points", "feedback"])
            _store_score(aq.attempt)
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


def _code_outcome(submission: Submission, points: float) -> tuple[str, float | None, list]:
    earned = None
    if submission.status == Submission.Status.GRADED:
        earned = grading.points_from_result(submission.result, points)
    if earned is None:
        log.warning("quiz answer grading failed for submission %s", submission.pk)
        return grading.FAILED, None, []
    return grading.GRADED, earned, grading.student_feedback(submission.result)


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
            attempt = submit_attempt(attempt, now=now, by=SubmittedBy.TIMER)
            if before == AttemptStatus.IN_PROGRESS and attempt.submitted_at == now:
                count += 1
        except Exception:
            # One broken attempt must not stop the sweep for everyone else.
            log.exception("could not expire attempt %s", attempt.pk)
    return count


# ------------------------------------------------------------------------- staff


def add_time(attempt: Attempt, minutes: int, *, by, now: datetime) -> Attempt:
    """Give a running attempt more time (staff; the view checks who may). Recorded
    with who and when; may run past the window's close."""
    if minutes <= 0:
        raise QuizError(messages.ADD_TIME_POSITIVE)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise QuizError(messages.ADD_TIME_FINISHED)
        locked.added_time += timedelta(minutes=minutes)
        locked.deadline = _deadline_for(locked, override_for(locked.quiz, locked.user))
        locked.save(update_fields=["added_time", "deadline"])
        TimeAddition.objects.create(attempt=locked, minutes=minutes, added_by=by, added_at=now)
    return locked


def set_answer_points(answer: Answer, points: float, *, by, now: datetime) -> Answer:
    """Staff grade an answer of a submitted attempt by hand (after a grading failure,
    or to overrule the grader); the attempt's score follows. The hand grade stands
    until staff send the answer to the grader again."""
    with transaction.atomic():
        aq = answer.attempt_question
        locked = Attempt.objects.select_for_update().get(pk=aq.attempt_id)
        if locked.status != AttemptStatus.SUBMITTED:
            raise QuizError(messages.NOT_SUBMITTED_YET)
        if not 0 <= float(points) <= aq.points:
            raise QuizError(messages.POINTS_OUT_OF_RANGE.format(max=aq.points))
        answer.points = float(points)
        answer.grading_status = GradingStatus.GRADED
        answer.graded_by = by
        answer.graded_by_hand_at = now
        answer.save(update_fields=["points", "grading_status", "graded_by", "graded_by_hand_at"])
        _store_score(locked)
    log.info("answer %s graded by hand by %s at %s", answer.pk, by, now.isoformat())
    return answer


def regrade_answer(answer: Answer, *, by, now: datetime) -> Answer:
    """Send a code answer of a submitted (non-homework) attempt to the grader again,
    e.g. after a grading failure that was the grader's fault. Any hand grade is
    dropped; the attempt's score is pending until the new result arrives."""
    with transaction.atomic():
        aq = answer.attempt_question
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=aq.attempt_id)
        is_code = aq.question_version.question.type == "code"
        if locked.status != AttemptStatus.SUBMITTED or locked.quiz.is_homework or not is_code:
            raise QuizError(messages.CANNOT_REGRADE)
        priority = priority_for(timed=True, cutoff=None, regrade=True, now=now)
        status, points, submission = _grade_now(aq, answer.value, locked.user, priority=priority)
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
        _store_score(locked)
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
    counts = {"gain": 0, "lose": 0, "same": 0, "failing": 0, "to_grader": 0, "by_hand": 0}
    regrade_priority = priority_for(timed=True, cutoff=None, regrade=True, now=now)
    with transaction.atomic():
        if not dry_run:
            # Locked like every change to a submitted attempt's grading (hand grades).
            list(
                Attempt.objects.select_for_update()
                .filter(pk__in=submitted.values("attempt_id"))
                .values_list("pk", flat=True)
            )
        aqs = list(
            submitted.select_related("answer", "attempt__user").defer("question_version__files")
        )
        changed_aqs, changed_answers = [], []
        for aq in aqs:
            answer = aq.answer
            if answer.graded_by_hand_at is not None:
                counts["by_hand"] += 1
                continue
            before = answer.points if answer.grading_status == GradingStatus.GRADED else None
            aq.graded_with = version  # in memory until saved: _grade_now grades with it
            if dry_run and question.type == "code" and not grading.is_blank(answer.value):
                counts["to_grader"] += 1
                continue
            status, points, submission = _grade_now(
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
            changed_aqs.append(aq)
            changed_answers.append(answer)
        attempt_ids = {aq.attempt_id for aq in changed_aqs}
        if not dry_run and changed_aqs:
            AttemptQuestion.objects.bulk_update(
                changed_aqs, ["graded_with", "regraded_by", "regraded_at"]
            )
            Answer.objects.bulk_update(
                changed_answers, ["grading_status", "points", "submission", "feedback"]
            )
            _store_scores(attempt_ids)
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
            question.pk,
            quiz.pk,
            version.number,
            by,
            now.isoformat(),
            summary,
        )
    return summary


def save_quiz(quiz: Quiz, pools: list[dict[str, Any]], *, now: datetime) -> int:
    """Create or change a quiz and replace its pools, in one transaction. Attempts
    already started keep the questions they drew; running ones get their deadline
    recomputed for the new window and limit. Returns how many deadlines moved.

    ``pools``: ``{"topic", "questions", "count", "points"}`` in drawing order."""
    with transaction.atomic():
        quiz.save()
        quiz.pools.all().delete()
        for order, spec in enumerate(pools):
            pool = QuizPool.objects.create(
                quiz=quiz,
                order=order,
                topic=spec.get("topic") or "",
                count=spec["count"],
                points=spec.get("points"),
            )
            if spec.get("questions"):
                pool.questions.set(spec["questions"])
        moved = recompute_deadlines(quiz)
        preparation.forget(quiz)  # drawn from the old pools
    log.info("quiz %s saved at %s; %s running deadline(s) moved", quiz.pk, now.isoformat(), moved)
    return moved


def save_override(
    quiz: Quiz,
    *,
    user=None,
    group=None,
    extra_minutes: int = 0,
    extra_percent: int = 0,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    access_code: str = "",
    allowed_networks: str = "",
    one_device: bool | None = None,
    now: datetime,
) -> tuple[QuizOverride, int]:
    """Give one student or one group extra time, another window and/or other access
    rules (replacing the override they had; empty access fields: the quiz's). Running
    attempts' deadlines follow. Returns (override, deadlines moved)."""
    if (user is None) == (group is None):
        raise QuizError(messages.OVERRIDE_WHO)
    with transaction.atomic():
        override, _ = QuizOverride.objects.update_or_create(
            quiz=quiz,
            user=user,
            group=group,
            defaults={
                "extra_minutes": extra_minutes,
                "extra_percent": extra_percent,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "access_code": access_code,
                "allowed_networks": allowed_networks,
                "one_device": one_device,
            },
        )
        moved = recompute_deadlines(quiz)
    log.info("override %s of quiz %s saved at %s", override.pk, quiz.pk, now.isoformat())
    return override, moved


def delete_override(override: QuizOverride, *, now: datetime) -> int:
    """Remove an override; running attempts fall back to the quiz's own rules (a
    deadline that is then already past ends the attempt at the next sweep, with every
    answer saved until then)."""
    quiz = override.quiz
    with transaction.atomic():
        override.delete()
        moved = recompute_deadlines(quiz)
    log.info("an override of quiz %s deleted at %s", quiz.pk, now.isoformat())
    return moved


def release_feedback(quiz: Quiz, *, now: datetime) -> Quiz:
    """Staff release results of a "manual" quiz."""
    quiz.released_at = now
    quiz.save(update_fields=["released_at"])
    return quiz


# --------------------------------------------------------------------- the student


def _running_question(attempt: Attempt, position: int, now: datetime) -> AttemptQuestion:
    if expire_if_due(attempt, now=now):
        raise QuizError(
            messages.LATE_SAVE
            if not timing.accepts_save(deadline=attempt.deadline, grace=attempt.quiz.grace, now=now)
            else messages.ALREADY_SUBMITTED
        )
    try:
        return _questions().get(attempt=attempt, position=position)
    except AttemptQuestion.DoesNotExist:
        raise QuizError(messages.NO_SUCH_QUESTION) from None


def run_visible_tests(attempt: Attempt, position: int, code: str, *, now: datetime) -> Submission:
    """A trial run on the visible tests: graded like an answer, never counted."""
    aq = _running_question(attempt, position, now)
    if aq.question_version.question.type != "code":
        raise QuizError(messages.NOT_CODE)
    shown = question_feedback(attempt.quiz).get(aq.question_version.question_id)
    if shown and not feedback_rules.trial_runs_allowed(shown.during):
        raise QuizError(messages.NO_TRIAL_RUNS)
    try:
        code = content.normalise_value("code", code)
    except ValueError:
        raise QuizError(messages.BAD_VALUE) from None
    from django.conf import settings

    from grader.django.actions import submit_code, trial_budget_used

    if trial_budget_used(attempt.user, now=now):
        raise QuizError(
            messages.TRIAL_BUDGET_USED.format(
                seconds=settings.GRADER_TRIAL_SECONDS,
                minutes=settings.GRADER_TRIAL_WINDOW_SECONDS // 60,
            )
        )
    return submit_code(
        aq.question_version,
        code or "",
        user=attempt.user,
        seed=aq.seed,
        purpose=Submission.Purpose.VISIBLE_TESTS,
    )


def grade_try(attempt: Attempt, position: int, *, now: datetime) -> AnswerTry:
    """Homework: grade the saved answer to one question as one of its tries."""
    if not attempt.quiz.is_homework:
        raise QuizError(messages.NOT_HOMEWORK)
    with transaction.atomic():
        Attempt.objects.select_for_update().filter(pk=attempt.pk).first()
        attempt.refresh_from_db(fields=["status", "deadline"])
        aq = _running_question(attempt, position, now)
        answer = aq.answer
        if grading.is_blank(answer.value):
            raise QuizError(messages.NOTHING_TO_GRADE)
        if aq.question_version.question.type in qformat.HAND_GRADED_TYPES:
            # Staff grade it once, after the due date: a try would only say "wait".
            raise QuizError(messages.GRADED_BY_HAND_AFTER_DUE)
        if answer.tries >= attempt.quiz.homework_tries:
            raise QuizError(messages.NO_TRIES_LEFT)
        graded_try = _record_try(attempt, aq, answer, now)
        _store_score(attempt)
    return graded_try


def flag_question(attempt: Attempt, position: int, flagged: bool, *, now: datetime) -> bool:
    """Flag (or unflag) a question of a running attempt for the student's own review;
    stored with the answer so a reload or another tab shows it. Returns the flag."""
    aq = _running_question(attempt, position, now)
    Answer.objects.filter(pk=aq.answer.pk).update(flagged=flagged)
    return flagged


def latest_close(quiz: Quiz) -> datetime:
    """When the window has closed for everyone, overrides included."""
    closes = [quiz.closes_at]
    closes += [c for c in quiz.overrides.values_list("closes_at", flat=True) if c is not None]
    return max(closes)


def question_feedback(quiz: Quiz) -> dict[int, QuestionFeedback]:
    """The quiz's per-question feedback settings by question id (see feedback_rules);
    a question without one has the defaults."""
    return {f.question_id: f for f in QuestionFeedback.objects.filter(quiz=quiz)}


def results_visible(attempt: Attempt, *, now: datetime) -> bool:
    """May the student see scores and feedback of this attempt now?"""
    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    quiz = attempt.quiz
    if quiz.feedback_release == FeedbackRelease.IMMEDIATE:
        return True
    if quiz.feedback_release == FeedbackRelease.MANUAL:
        return quiz.released_at is not None and quiz.released_at <= now
    if now < latest_close(quiz):
        return False
    # Someone still writing on staff-added time: wait for them too.
    return not Attempt.objects.filter(
        quiz=quiz, status=AttemptStatus.IN_PROGRESS, deadline__gte=now - quiz.grace
    ).exists()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _shown(aq: AttemptQuestion):
    """The student's variant of the question; if it cannot be built (a broken stored
    question), a stand-in that says so, so the rest of the attempt stays usable."""
    try:
        return content.variant(aq.question_version, aq.seed)
    except Exception:
        log.exception("could not show attempt question %s", aq.pk)
        stored = aq.question_version.question
        return qformat.Question(
            id=stored.path,
            title=stored.title,
            type=stored.type,
            prompt=messages.QUESTION_UNAVAILABLE,
            points=aq.points,
            topics=(),
            content_hash="",
        )


_STATUS_MESSAGES = {
    GradingStatus.FAILED: messages.GRADING_FAILED,
    GradingStatus.HAND: messages.AWAITING_HAND_GRADING,
}


def attempt_view_state(
    attempt: Attempt, *, now: datetime, for_staff: bool = False
) -> dict[str, Any]:
    """Everything the attempt and results pages need, in plain data (JSON-ready except
    ``prompt_html``, which is safe HTML). Expires the attempt first if it is due.

    ``for_staff``: the course's staff see scores and feedback whatever the release
    policy (the caller has checked that the viewer is staff of the course), and each
    question carries a ``staff`` entry for hand grading (not JSON-ready: a datetime)."""
    quiz = attempt.quiz
    expire_if_due(attempt, now=now)
    aqs = _questions().filter(attempt=attempt).order_by("position")
    if for_staff:
        aqs = aqs.select_related("answer__graded_by", "regraded_by")
    if quiz.is_homework:
        aqs = aqs.prefetch_related("answer__graded_tries")
    released = results_visible(attempt, now=now)
    visible = released or for_staff
    running = attempt.status == AttemptStatus.IN_PROGRESS
    per_question = question_feedback(quiz)
    questions = []
    for aq in aqs:
        question = _shown(aq)
        answer = aq.answer
        shown = per_question.get(aq.question_version.question_id)
        item: dict[str, Any] = {
            "position": aq.position,
            "type": question.type,
            "title": question.title,
            "prompt_html": content.prompt_html(question, aq.question_version_id),
            "points": aq.points,
            "options": (options := content.option_order(question, aq.seed)),
            # For display: each option's value (what a save sends) and its inline Markdown
            # rendered as safe HTML.
            "choices": [{"value": o, "html": content.inline_html(o)} for o in options],
            "value": answer.value,
            "revision": answer.revision,
            "flagged": answer.flagged,
            "saved_at": _iso(answer.saved_at),
            "starter": content.starter_code(question),
            "answered": grading.is_answered(answer.value, content.starter_code(question)),
            "essay": content.essay_settings(question),
            "has_visible_tests": bool(
                question.code and any(not t.hidden for t in question.code.tests)
            )
            and feedback_rules.trial_runs_allowed(shown.during if shown else ""),
            "result": None,
        }
        if quiz.is_homework:
            tries = list(answer.graded_tries.all())
            item["tries_used"] = answer.tries
            item["tries_left"] = max(0, quiz.homework_tries - answer.tries)
            item["tries"] = [
                {
                    "number": t.number,
                    "points": t.points,
                    "status": t.grading_status,
                    "feedback": t.feedback,
                }
                for t in tries
            ]
        before_release = shown.before_release if shown else feedback_rules.NOTHING
        early = (
            attempt.status == AttemptStatus.SUBMITTED and before_release != feedback_rules.NOTHING
        )
        if visible or (quiz.is_homework and answer.tries) or early:
            item["result"] = {
                "points": answer.points,
                "status": answer.grading_status,
                "message": _STATUS_MESSAGES.get(answer.grading_status, ""),
                "feedback": answer.feedback,
                # The prompt above stays the version answered; the points are not.
                "regraded": messages.REGRADED if aq.graded_with_id else "",
            }
            if not quiz.is_homework:
                # Before release, only what staff chose for this question.
                item["result"] = feedback_rules.visible_result(
                    item["result"],
                    before_release=before_release,
                    released=released,
                    for_staff=for_staff,
                )
        if for_staff:
            item["staff"] = {
                "answer_id": answer.pk,
                "graded_by": answer.graded_by.get_username() if answer.graded_by else "",
                "graded_by_hand_at": answer.graded_by_hand_at,  # for the staff page only
                "regraded_with": aq.graded_with.number if aq.graded_with_id else None,
                "regraded_by": aq.regraded_by.get_username() if aq.regraded_by else "",
                "regraded_at": aq.regraded_at,
                "can_set_points": attempt.status == AttemptStatus.SUBMITTED,
                "grader_info_html": content.grader_info_html(question),
                "can_regrade": attempt.status == AttemptStatus.SUBMITTED
                and not quiz.is_homework
                and question.type == "code"
                and answer.grading_status != GradingStatus.PENDING,
            }
        questions.append(item)
    statuses = [q["result"]["status"] for q in questions if q["result"]]
    return {
        "attempt_id": attempt.pk,
        "quiz_id": quiz.pk,
        "quiz_title": quiz.title,
        "number": attempt.number,
        "status": attempt.status,
        "running": running,
        "submitted_by": attempt.submitted_by,
        "submitted_at": _iso(attempt.submitted_at),
        "is_homework": quiz.is_homework,
        "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline),
        "server_now": _iso(now),
        "seconds_left": timing.seconds_left(deadline=attempt.deadline, now=now) if running else 0,
        "grace_seconds": int(quiz.grace.total_seconds()),
        "accepts_saves": running
        and timing.accepts_save(deadline=attempt.deadline, grace=quiz.grace, now=now),
        "results_visible": visible,
        "released": released,  # whether the student sees them
        "score": attempt.score if visible else None,
        "max_score": attempt.max_score,
        "grading": grading.overall_state(statuses) if visible else "",
        "questions": questions,
    }
