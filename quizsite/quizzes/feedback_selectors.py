"""What staff choose feedback for: the questions a quiz may draw, each with the
feedback set for it in that quiz."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from quizsite.accounts import access
from quizsite.bank.models import Question
from quizsite.quizzes.models import (
    BeforeRelease,
    DuringAttempt,
    Quiz,
)
from quizsite.quizzes.question_rows import QuestionRow
from quizsite.quizzes.visibility import question_feedback

NOT_FOUND = access.NOT_FOUND


@dataclass(frozen=True)
class FeedbackChoice(QuestionRow):
    """A question a quiz may draw and the feedback chosen for it in that quiz."""

    during: str
    before_release: str


def drawable_questions(user, quiz: Quiz) -> list[FeedbackChoice]:
    """Every question the quiz's pools may draw (listed, or of the pool's topic, not
    retired), for its course's staff, each with ``during`` and ``before_release`` as
    set for this quiz (the defaults otherwise). Three queries."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    pools = list(quiz.pools.prefetch_related("questions"))
    topics = {p.topic for p in pools if p.topic}
    found: dict[int, Question] = {q.pk: q for p in pools for q in p.questions.all()}
    if topics:
        for q in Question.objects.filter(retired=False, current__isnull=False):
            if topics & set(q.topics or []):
                found.setdefault(q.pk, q)
    chosen = question_feedback(quiz)
    rows = []
    for q in sorted(found.values(), key=lambda q: q.title):
        row = chosen.get(q.pk)
        rows.append(
            FeedbackChoice(
                question=q,
                during=row.during if row else DuringAttempt.TRIAL_RUNS,
                before_release=row.before_release if row else BeforeRelease.NOTHING,
            )
        )
    return rows
