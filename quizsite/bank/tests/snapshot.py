"""A snapshot of the question tables, for before/after checks."""

from __future__ import annotations


def db_snapshot() -> list[tuple]:
    """Every Question and QuestionVersion row with every field, for before/after checks."""
    from quizsite.bank.models import Question, QuestionVersion

    questions = list(Question.objects.order_by("pk").values_list())
    versions = list(QuestionVersion.objects.order_by("pk").values_list())
    return [("questions", *questions), ("versions", *versions)]
