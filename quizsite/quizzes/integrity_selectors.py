"""The read side of exam integrity for the staff pages: similarity runs and their
ranked pairs, an attempt's activity log and browser sessions. Like ``selectors``,
every lookup checks who asks (a 404 for anyone but the course's staff)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404

from quizsite.accounts import access
from quizsite.bank.models import Question
from quizsite.quizzes import activity
from quizsite.quizzes.models import (
    ActivityEvent,
    Attempt,
    AttemptQuestion,
    AttemptSession,
    Quiz,
    SimilarityPair,
    SimilarityRun,
)
from quizsite.quizzes.question_rows import QuestionRow

NOT_FOUND = access.NOT_FOUND


@dataclass(frozen=True)
class CodeQuestion(QuestionRow):
    """A code question of a quiz and its newest similarity run of that quiz, if any."""

    last_run: SimilarityRun | None


def code_questions_of(user, quiz: Quiz) -> list[CodeQuestion]:
    """The code questions drawn in the quiz's attempts, for its course's staff, each
    with ``last_run``: its newest similarity run of this quiz, or None. Two queries."""
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    drawn = AttemptQuestion.objects.filter(
        attempt__quiz=quiz, question_version__question=OuterRef("pk")
    )
    questions = list(Question.objects.filter(type="code").filter(Exists(drawn)).order_by("title"))
    latest: dict[int, SimilarityRun] = {}
    for run in SimilarityRun.objects.filter(quiz=quiz, question__in=questions).order_by(
        "-requested_at", "-pk"
    ):
        latest.setdefault(run.question_id, run)
    return [CodeQuestion(q, latest.get(q.pk)) for q in questions]


def similarity_run(user, quiz: Quiz, run_id: int) -> SimilarityRun:
    if not access.is_staff(user, quiz.course):
        raise Http404(NOT_FOUND)
    run = SimilarityRun.objects.filter(pk=run_id, quiz=quiz).first()
    if run is None:
        raise Http404(NOT_FOUND)
    return run


_PAIR_RELATED = (
    "answer_a__attempt_question__attempt__user",
    "answer_a__attempt_question__attempt__quiz__course",
    "answer_b__attempt_question__attempt__user",
    "answer_b__attempt_question__attempt__quiz__course",
)


def similarity_pairs(run: SimilarityRun) -> list[SimilarityPair]:
    """The ranked pairs of a run (reached through ``similarity_run``), in one query."""
    return list(run.pairs.select_related(*_PAIR_RELATED).order_by("rank"))


def similarity_pair(user, quiz: Quiz, run_id: int, rank: int) -> SimilarityPair:
    run = similarity_run(user, quiz, run_id)
    pair = run.pairs.select_related("run", *_PAIR_RELATED).filter(rank=rank).first()
    if pair is None:
        raise Http404(NOT_FOUND)
    return pair


def activity_of(attempt: Attempt) -> dict:
    """An attempt's timeline and browser sessions (reached through
    ``attempt_for_staff``), two queries: each event with its label and, for a return
    to the page, how long the student was away."""
    events = list(ActivityEvent.objects.filter(attempt=attempt).order_by("at", "pk"))
    away = activity.away_seconds([(e.kind, e.at) for e in events])
    for e, seconds in zip(events, away, strict=True):
        e.label = activity.LABELS.get(e.kind, e.kind)
        e.away = seconds
    sessions = list(AttemptSession.objects.filter(attempt=attempt).select_related("allowed_by"))
    return {
        "events": events,
        "sessions": sessions,
        "blurs": sum(1 for e in events if e.kind == activity.BLUR),
        "pastes": sum(1 for e in events if e.kind == activity.PASTE),
        "away_total": round(sum(s for s in away if s), 1),
    }


def attempt_session(attempt: Attempt, session_id: int) -> AttemptSession:
    """A browser session of an attempt reached through ``attempt_for_staff``."""
    session = AttemptSession.objects.filter(pk=session_id, attempt=attempt).first()
    if session is None:
        raise Http404(NOT_FOUND)
    return session
