"""A row of a staff page that lists bank questions with something of the quiz beside
each (the feedback chosen for it, its newest similarity run): the question's id,
title and type read as the row's own, as the templates use them."""

from __future__ import annotations

from dataclasses import dataclass

from quizsite.bank.models import Question


@dataclass(frozen=True)
class QuestionRow:
    question: Question

    @property
    def pk(self) -> int:
        return self.question.pk

    @property
    def title(self) -> str:
        return self.question.title

    @property
    def type(self) -> str:
        return self.question.type
