"""What a student may see of a quiz's results, and when: the release policy and the
per-question feedback settings as stored."""

from __future__ import annotations

from datetime import datetime

from quizsite.quizzes.models import (
    Attempt,
    AttemptStatus,
    FeedbackRelease,
    QuestionFeedback,
    Quiz,
)


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
