"""The read side for quiz views: every lookup by id checks who is asking.

A student reaches only their own attempts; staff reach their own course's quizzes
and attempts. Anything else is a 404, so an id in a URL never tells a stranger
whether the thing exists."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from questions import images
from quizsite.accounts import access
from quizsite.accounts.models import Course, Role, User
from quizsite.accounts.timezones import display_zone
from quizsite.bank.models import Question, QuestionImage
from quizsite.quizzes import access_rules, content, gradebook, statistics, timing
from quizsite.quizzes.grading import TO_GRADE_BY_HAND
from quizsite.quizzes.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptSession,
    AttemptStatus,
    GradingStatus,
    Quiz,
    QuizOverride,
)
from quizsite.quizzes.override_rules import override_for, pick_override

NOT_FOUND = access.NOT_FOUND

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------- lookups


course_for_member = access.course_for_member
course_for_staff = access.course_for_staff


def override_for_staff(user, quiz: Quiz, override_id: int) -> QuizOverride:
    """An override of ``quiz`` (which the caller already reached as staff)."""
    override = QuizOverride.objects.filter(pk=override_id, quiz=quiz).first()
    if override is None or not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    return override


def overrides_of(quiz: Quiz) -> list[QuizOverride]:
    """The quiz's overrides, students first (by username), then groups (by name)."""
    return list(
        quiz.overrides.select_related("user", "group").order_by("group__name", "user__username")
    )


def quiz_for_member(user, quiz_id: int) -> Quiz:
    """A quiz of a course the user belongs to (student or staff)."""
    quiz = Quiz.objects.select_related("course").filter(pk=quiz_id).first()
    if quiz is None or not access.is_member(user, quiz.course):
        raise Http404(NOT_FOUND)
    return quiz


def quiz_for_staff(user, quiz_id: int) -> Quiz:
    quiz = Quiz.objects.select_related("course").filter(pk=quiz_id).first()
    if quiz is None or not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    return quiz


def quiz_in_course(user, course_code: str, quiz_id: int, *, staff: bool = False) -> Quiz:
    """The quiz, for a member (or staff) of its course, reached through that course's
    code; any other combination is a 404."""
    quiz = (quiz_for_staff if staff else quiz_for_member)(user, quiz_id)
    if quiz.course.code != course_code:
        raise Http404(NOT_FOUND)
    return quiz


def attempt_for_student(user, attempt_id: int) -> Attempt:
    """The attempt, only for the student who owns it (anyone else: 404)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404(NOT_FOUND)
    attempt = (
        Attempt.objects.select_related("quiz__course").filter(pk=attempt_id, user=user).first()
    )
    if attempt is None:
        raise Http404(NOT_FOUND)
    return attempt


def attempt_for_staff(user, attempt_id: int) -> Attempt:
    """Any attempt of a course the user is staff of."""
    attempt = Attempt.objects.select_related("quiz__course", "user").filter(pk=attempt_id).first()
    if attempt is None or not access.is_staff(user, attempt.quiz.course):
        raise Http404(NOT_FOUND)
    return attempt


def answer_at(attempt: Attempt, position: int) -> Answer:
    """The answer at ``position`` of an attempt the caller may already see."""
    answer = (
        Answer.objects.select_related("attempt_question__question_version__question")
        .filter(attempt_question__attempt=attempt, attempt_question__position=position)
        .first()
    )
    if answer is None:
        raise Http404(NOT_FOUND)
    return answer


# An attempt's answers that wait for staff to grade them by hand.
# Per attempt: its answers waiting for staff (essays, code the grader could not grade).
TO_GRADE_BY_HAND_COUNT = Count(
    "questions__answer", filter=Q(questions__answer__grading_status__in=TO_GRADE_BY_HAND)
)


def pending_answers(attempt: Attempt) -> int:
    """How many of the attempt's answers are still being graded."""
    return Answer.objects.filter(
        attempt_question__attempt=attempt, grading_status=GradingStatus.PENDING
    ).count()


def pending_submissions(attempt: Attempt) -> QuerySet:
    """The submissions whose grades the attempt's answers wait for (ids, a subquery)."""
    return Answer.objects.filter(
        attempt_question__attempt=attempt, grading_status=GradingStatus.PENDING
    ).values("submission_id")


def question_image(user, version_id: int, name: str) -> QuestionImage:
    """An image of a question version's package, for course staff or a student whose
    attempt was given (or regraded with) that version; 404 for anyone else, as for a
    name the version does not have, so the address tells nothing."""
    if not images.is_image_name(name):
        raise Http404(NOT_FOUND)
    if not access.is_staff_anywhere(user):
        given = AttemptQuestion.objects.filter(attempt__user=user).filter(
            Q(question_version_id=version_id) | Q(graded_with_id=version_id)
        )
        if not given.exists():
            raise Http404(NOT_FOUND)
    image = QuestionImage.objects.filter(version_id=version_id, name=name).first()
    if image is None:
        raise Http404(NOT_FOUND)
    return image


def attempts_for_staff(user, quiz: Quiz) -> QuerySet[Attempt]:
    """Every attempt of the quiz, for its course's staff."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    return (
        Attempt.objects.filter(quiz=quiz)
        .select_related("user")
        .annotate(
            to_grade_by_hand=TO_GRADE_BY_HAND_COUNT,
            # Browser sessions that opened it: more than one is shown to staff.
            devices=Subquery(
                AttemptSession.objects.filter(attempt=OuterRef("pk"))
                .values("attempt")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("user__username", "number")
    )


def gradebook_rows(user, quiz: Quiz) -> list[list]:
    """The quiz's grade book table (see ``gradebook``), for its course's staff: every
    enrolled student, in username order; two queries whatever the class size."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    students = User.objects.filter(
        memberships__course=quiz.course, memberships__role=Role.STUDENT
    ).order_by("username")
    attempts = (
        Attempt.objects.filter(quiz=quiz)
        .only("user_id", "number", "status", "score", "max_score", "submitted_at", "submitted_by")
        .annotate(to_grade_by_hand=TO_GRADE_BY_HAND_COUNT)
    )
    return gradebook.grade_rows(students, attempts, quiz.course.tz)


def _item_row(aq: AttemptQuestion) -> statistics.ItemRow:
    """One drawn question of a submitted attempt as the statistics read it: the
    options as this student's variant showed them, which are right, the text and code
    settings by the answer key it is graded with (a regrade's corrected version)."""
    stored = aq.question_version.question
    key = aq.key_version
    answer = getattr(aq, "answer", None)
    options: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()
    case_sensitive = False
    hidden: frozenset[str] = frozenset()
    try:
        if stored.type in ("choice", "multi"):
            options = tuple(content.variant(aq.question_version, aq.seed).options)
            graded = content.variant(key, aq.seed)
            correct = (graded.answer,) if stored.type == "choice" else tuple(graded.answers)
        elif stored.type == "text":
            case_sensitive = content.parsed(key).case_sensitive
        elif stored.type == "code":
            code = content.parsed(key).code
            hidden = frozenset(t.name for t in code.tests if t.hidden) if code else frozenset()
    except Exception:
        # A broken stored question (its generator fails for this seed) still has its
        # points counted; only its option breakdown is missing.
        log.exception("could not read attempt question %s for statistics", aq.pk)
    return statistics.ItemRow(
        attempt_id=aq.attempt_id,
        question_id=stored.pk,
        title=stored.title,
        type=stored.type,
        version=key.number,
        current_version=stored.current.number if stored.current else key.number,
        points=aq.points,
        earned=answer.points if answer else None,
        status=answer.grading_status if answer else "",
        value=answer.value if answer else None,
        position=aq.position,
        by_hand=bool(answer and answer.graded_by_hand_at),
        options=options,
        correct=correct,
        case_sensitive=case_sensitive,
        feedback=(answer.feedback or ()) if answer else (),
        hidden_checks=hidden,
    )


def quiz_statistics(user, quiz: Quiz) -> dict:
    """Item analysis of the quiz over its submitted attempts (see ``statistics``), for
    its course's staff. Two queries whatever the class size (plus, once per process,
    one for each question version not parsed yet)."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    running = Attempt.objects.filter(quiz=quiz, status=AttemptStatus.IN_PROGRESS).count()
    drawn = (
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__status=AttemptStatus.SUBMITTED)
        .select_related("answer", "question_version__question__current", "graded_with")
        .defer(
            "question_version__files",
            "question_version__question__current__files",
            "graded_with__files",
        )
        .order_by("attempt_id", "position")
    )
    return statistics.quiz_statistics((_item_row(aq) for aq in drawn), running_attempts=running)


def attempt_figures(user, quiz: Quiz) -> list[tuple[float, float]]:
    """(score as % of the points, minutes used) of each submitted and fully graded
    attempt of the quiz, for its course's staff: what the statistics page plots. One
    query."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    rows = Attempt.objects.filter(
        quiz=quiz, status=AttemptStatus.SUBMITTED, score__isnull=False, max_score__gt=0
    ).values_list("score", "max_score", "started_at", "submitted_at")
    return [
        (
            100.0 * score / max_score,
            max((submitted - started).total_seconds(), 0.0) / 60 if submitted else 0.0,
        )
        for score, max_score, started, submitted in rows
        if score is not None  # the query already leaves these out; said again for mypy
    ]


def question_of_quiz(user, quiz: Quiz, question_id: int) -> Question:
    """A question drawn in one of the quiz's attempts, with its current version, for
    the course's staff."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    drawn = AttemptQuestion.objects.filter(
        attempt__quiz=quiz, question_version__question_id=question_id
    )
    question = (
        Question.objects.select_related("current")
        .filter(pk=question_id, current__isnull=False)
        .filter(Exists(drawn))
        .first()
    )
    if question is None:
        raise Http404(NOT_FOUND)
    return question


def attempts_for_student(user, quiz: Quiz) -> list[Attempt]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))


# --------------------------------------------------------------------- overviews


@dataclass
class QuizEntry:
    """One line of a student's dashboard (or the facts of the start page)."""

    quiz: Quiz
    state: str  # upcoming | open | closed (for this student's window)
    opens_at: datetime  # this student's window, overrides applied
    closes_at: datetime
    time_limit: timedelta | None  # this student's limit, extra time applied
    attempts: list[Attempt] = field(default_factory=list)
    override: QuizOverride | None = None

    @property
    def running(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == AttemptStatus.IN_PROGRESS), None)

    @property
    def attempts_left(self) -> int:
        return max(0, self.quiz.attempts_allowed - len(self.attempts))

    @property
    def can_start(self) -> bool:
        return self.state == "open" and (self.running is not None or self.attempts_left > 0)

    @property
    def last_submitted(self) -> Attempt | None:
        done = [a for a in self.attempts if a.status == AttemptStatus.SUBMITTED]
        return done[-1] if done else None


def _limit_for(quiz: Quiz, override: QuizOverride | None) -> timedelta | None:
    if quiz.time_limit is None:
        return None
    extra, percent = timing.extra_of(override)
    far = quiz.opens_at + timedelta(days=3650)
    return (
        timing.deadline(
            started_at=quiz.opens_at,
            time_limit=quiz.time_limit,
            window_close=far,
            extra=extra,
            extra_percent=percent,
        )
        - quiz.opens_at
    )


def _entries(
    user, quizzes: list[tuple[Quiz, list[QuizOverride]]], now: datetime
) -> list[QuizEntry]:
    attempts: dict[int, list[Attempt]] = {}
    for a in Attempt.objects.filter(quiz__in=[q for q, _ in quizzes], user=user).order_by("number"):
        attempts.setdefault(a.quiz_id, []).append(a)
    entries = []
    for quiz, overrides in quizzes:
        override = pick_override(quiz, user.pk, overrides)
        opens, closes = timing.effective_window(quiz, override)
        entries.append(
            QuizEntry(
                quiz=quiz,
                state=timing.window_state(opens=opens, closes=closes, now=now),
                opens_at=opens,
                closes_at=closes,
                time_limit=_limit_for(quiz, override),
                attempts=attempts.get(quiz.pk, []),
                override=override,
            )
        )
    return entries


def _quizzes_with_overrides(user, quizzes: QuerySet[Quiz]) -> list[tuple[Quiz, list[QuizOverride]]]:
    """Each quiz with the overrides that may apply to ``user`` (their own and their
    groups'). Two queries."""
    mine = (
        QuizOverride.objects.filter(Q(user=user) | Q(group__members=user))
        .select_related("group")
        .prefetch_related("group__members")
        .distinct()
    )
    return [
        (quiz, list(quiz.student_overrides))
        for quiz in quizzes.select_related("course").prefetch_related(
            Prefetch("overrides", queryset=mine, to_attr="student_overrides")
        )
    ]


def dashboard_for(user, course: Course, now: datetime) -> dict:
    """A student's quizzes of ``course`` split into upcoming, open and closed, with
    their own windows and attempts. Staff get the same lists (without attempts of
    their own) so they can see what students see."""
    if not access.is_member(user, course):
        raise Http404(NOT_FOUND)
    quizzes = _quizzes_with_overrides(user, Quiz.objects.filter(course=course))
    groups: dict[str, list[QuizEntry]] = {"upcoming": [], "open": [], "closed": []}
    for entry in _entries(user, quizzes, now):
        groups[entry.state].append(entry)
    groups["upcoming"].sort(key=lambda e: e.opens_at)
    groups["open"].sort(key=lambda e: e.closes_at)
    groups["closed"].sort(key=lambda e: e.closes_at, reverse=True)
    return {
        "course": course,
        "timezone": display_zone(user, course),
        "is_staff": access.is_staff(user, course),
        **groups,
    }


def quiz_entry(user, quiz: Quiz, now: datetime) -> QuizEntry:
    """The start page's facts for one student: their window, limit and attempts."""
    if not access.is_member(user, quiz.course):
        raise Http404(NOT_FOUND)
    quizzes = _quizzes_with_overrides(user, Quiz.objects.filter(pk=quiz.pk))
    return _entries(user, quizzes, now)[0]


def staff_attempt_rows(user, quiz: Quiz, now: datetime) -> list[dict]:
    """The staff overview of a quiz: one row per attempt with time left."""
    rows = []
    for a in attempts_for_staff(user, quiz):
        a.quiz = quiz
        rows.append(
            {
                "attempt": a,
                "user": a.user,
                "seconds_left": timing.seconds_left(deadline=a.deadline, now=now)
                if a.status == AttemptStatus.IN_PROGRESS
                else 0,
            }
        )
    return rows


def access_rules_for(quiz: Quiz, user) -> access_rules.Rules:
    """The access rules for ``user`` at ``quiz``: the quiz's, each replaced by their
    override's when it sets one. One query when the quiz and its overrides set none."""
    override = (
        override_for(quiz, user)
        if QuizOverride.objects.filter(quiz=quiz)
        .exclude(access_code="", allowed_networks="", one_device__isnull=True)
        .exists()
        else None
    )
    return access_rules.effective_rules(
        quiz_code=quiz.access_code,
        quiz_networks=quiz.allowed_networks,
        quiz_one_device=quiz.one_device,
        override_code=override.access_code if override else "",
        override_networks=override.allowed_networks if override else "",
        override_one_device=override.one_device if override else None,
    )
