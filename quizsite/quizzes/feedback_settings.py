"""The write side of per-question feedback visibility (see ``feedback_rules``)."""

from __future__ import annotations

from django.db import transaction

from quizsite.quizzes.models import BeforeRelease, DuringAttempt, QuestionFeedback, Quiz


def save_question_feedback(quiz: Quiz, chosen: dict[int, tuple[str, str]]) -> int:
    """Store (during, before release) per question id; a question set back to the
    defaults loses its row. Returns how many questions differ from the defaults."""
    defaults = (DuringAttempt.TRIAL_RUNS.value, BeforeRelease.NOTHING.value)
    with transaction.atomic():
        QuestionFeedback.objects.filter(quiz=quiz, question_id__in=list(chosen)).delete()
        rows = [
            QuestionFeedback(quiz=quiz, question_id=qid, during=during, before_release=before)
            for qid, (during, before) in chosen.items()
            if (during, before) != defaults
        ]
        QuestionFeedback.objects.bulk_create(rows)
    return len(rows)
