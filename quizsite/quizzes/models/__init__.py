"""Quizzes, the pools their questions are drawn from, per-student overrides, and
attempts with every saved answer and its history.

Only ``actions`` writes these rows (the admin aside); views read through
``selectors.py``. Times are stored in UTC and are always timezone-aware."""

from quizsite.quizzes.models.attempts import (
    Answer,
    AnswerRevision,
    AnswerTry,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradingStatus,
    LateSave,
    SubmittedBy,
    TimeAddition,
)
from quizsite.quizzes.models.integrity import (
    ActivityEvent,
    AttemptSession,
    SimilarityPair,
    SimilarityRun,
)
from quizsite.quizzes.models.quizzes import (
    AnswerReview,
    BeforeRelease,
    DuringAttempt,
    FeedbackRelease,
    HomeworkPolicy,
    PreparedDraw,
    QuestionFeedback,
    Quiz,
    QuizOverride,
    QuizPool,
)

__all__ = [
    "ActivityEvent",
    "Answer",
    "AnswerReview",
    "AnswerRevision",
    "AnswerTry",
    "Attempt",
    "AttemptQuestion",
    "AttemptSession",
    "AttemptStatus",
    "BeforeRelease",
    "DuringAttempt",
    "FeedbackRelease",
    "GradingStatus",
    "HomeworkPolicy",
    "LateSave",
    "PreparedDraw",
    "QuestionFeedback",
    "Quiz",
    "QuizOverride",
    "QuizPool",
    "SimilarityPair",
    "SimilarityRun",
    "SubmittedBy",
    "TimeAddition",
]
