"""The refusal every quiz action raises, whose message a student can read."""

from __future__ import annotations


class QuizError(Exception):
    """A refusal with a message for the student (from ``messages``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
