"""Drawing a quiz's questions before it opens, so that a class starting at once only
inserts rows.

A Celery beat task (``quizzes.prepare_upcoming_quizzes``, every minute) finds quizzes
opening within ``PREPARE_AHEAD`` and draws every enrolled student's first attempt
(``drawing.draw_questions``: questions, points and variant seeds, the same every time
for the same quiz, student and attempt number) into ``PreparedDraw`` rows. Start then
reads that row instead of loading pools and parsing questions.

Idempotent and safe to run twice at once: a quiz is claimed with a row lock that a
second runner skips, only students without a draw are drawn, and the unique
constraint ignores a duplicate. A draw made before the bank changed (a newer question
version exists, or the number of retired questions differs) or before staff changed
the quiz (``actions.quizzes.save_quiz`` forgets its draws) is not used: Start draws afresh,
as it would have without preparation. Reading a draw is one query, the bank's marks
compared in it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce

from quizsite.accounts.models import Membership, Role
from quizsite.bank.models import Question, QuestionVersion
from quizsite.lib.locks import for_update
from quizsite.quizzes.drawing import draw_questions
from quizsite.quizzes.models import Attempt, PreparedDraw, Quiz

log = logging.getLogger(__name__)

# How long before opening the draws are made: long enough for a missed beat or two,
# short enough that the bank rarely changes in between.
PREPARE_AHEAD = timedelta(minutes=10)

Drawn = list[tuple[int, float, int]]  # (question version id, points, variant seed)


def preparation_window(now: datetime) -> tuple[datetime, datetime]:
    """Quizzes opening after the first bound and at or before the second are prepared."""
    return now, now + PREPARE_AHEAD


def is_due(opens_at: datetime, now: datetime) -> bool:
    """Whether a quiz opening at ``opens_at`` is prepared at ``now``."""
    after, until = preparation_window(now)
    return after < opens_at <= until


def _newest_version() -> Subquery:
    return Subquery(QuestionVersion.objects.order_by("-pk").values("pk")[:1])


def _retired_count() -> Subquery:
    retired = Question.objects.filter(retired=True).order_by().values("retired")
    return Subquery(retired.annotate(n=Count("pk")).values("n")[:1])


def _marks() -> tuple[int, int]:
    """(newest question version id, retired questions) as the bank stands now."""
    newest = QuestionVersion.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(newest or 0), Question.objects.filter(retired=True).count()


def prepare_quiz(quiz: Quiz, *, now: datetime) -> int:
    """Draw the first attempt of every enrolled student who has neither a draw nor an
    attempt; returns how many were drawn (0 when another runner holds the quiz)."""

    with transaction.atomic():
        claimed = for_update(Quiz.objects.filter(pk=quiz.pk), skip_locked=True).first()
        if claimed is None:
            return 0
        mark, retired = _marks()
        current = PreparedDraw.objects.filter(bank_mark=mark, retired_mark=retired)
        PreparedDraw.objects.filter(quiz=quiz).exclude(pk__in=current.values("pk")).delete()
        done = PreparedDraw.objects.filter(quiz=quiz).values("user_id")
        started = Attempt.objects.filter(quiz=quiz).values("user_id")
        students = (
            Membership.objects.filter(course_id=quiz.course_id, role=Role.STUDENT)
            .exclude(user_id__in=done)
            .exclude(user_id__in=started)
            .select_related("user")
        )
        rows = []
        for membership in students:
            drawn = draw_questions(quiz, membership.user, 1)
            if not drawn:
                return 0  # nothing to draw from: Start says so to each student
            rows.append(
                PreparedDraw(
                    quiz=quiz,
                    user=membership.user,
                    number=1,
                    drawn=[[q.current_id, points, seed] for q, points, seed in drawn],
                    bank_mark=mark,
                    retired_mark=retired,
                    drawn_at=now,
                )
            )
        PreparedDraw.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    log.info("quiz %s: %s draw(s) prepared at %s", quiz.pk, len(rows), now.isoformat())
    return len(rows)


def prepare_upcoming(*, now: datetime) -> int:
    """Prepare every quiz that ``is_due``; returns how many draws were made."""
    after, until = preparation_window(now)
    quizzes = Quiz.objects.filter(opens_at__gt=after, opens_at__lte=until)
    return sum(prepare_quiz(quiz, now=now) for quiz in quizzes)


def prepared_draw(quiz: Quiz, user, number: int) -> Drawn | None:
    """The draw prepared for this attempt, or None when there is none or it is stale."""
    drawn = (
        PreparedDraw.objects.filter(quiz=quiz, user=user, number=number)
        .filter(
            bank_mark=Coalesce(_newest_version(), 0), retired_mark=Coalesce(_retired_count(), 0)
        )
        .values_list("drawn", flat=True)
        .first()
    )
    if drawn is None:
        return None
    return [(int(v), float(points), int(seed)) for v, points, seed in drawn]


def forget(quiz: Quiz) -> None:
    """Drop a quiz's draws (its pools or order changed): Start draws afresh."""
    PreparedDraw.objects.filter(quiz=quiz).delete()
