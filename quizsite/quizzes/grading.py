"""Scoring an attempt: pure functions over plain values (no queries), so every rule
can be tested on its own. ``actions`` loads the rows and stores what these return.

Points are scaled from the question's own points to the points the quiz gives it
(a pool may say "1 point each" for a question worth 4 in the bank)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from questions import format as qformat
from questions.scoring import score_answer

GRADED = "graded"
PENDING = "pending"
FAILED = "failed"
HAND = "hand"  # a hand-graded question (an essay) waiting for staff
# Answers on the staff's list to grade by hand: essays, and what the grader could not grade.
TO_GRADE_BY_HAND = (FAILED, HAND)


def is_blank(value: Any) -> bool:
    """Nothing to grade: never saved, cleared, or only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return len(value) == 0
    return False


# ASCII whitespace only, the same set as the attempt page's script uses (JavaScript's
# and Python's notions of "whitespace" differ beyond it).
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def is_answered(value: Any, starter: str = "") -> bool:
    """Whether the student answered: not blank, and for a code question not merely
    the starter code it came with (whitespace aside: re-indenting or adding a blank
    line is no answer). The submit dialog (attempt.js, the same rule), the
    confirmation page and the results page all ask this."""
    if is_blank(value):
        return False
    if starter and isinstance(value, str):
        return _WHITESPACE.sub("", value) != _WHITESPACE.sub("", starter)
    return True


def scale(earned: float, question_points: float, points: float) -> float:
    """``earned`` out of ``question_points`` as a share of ``points``."""
    if question_points <= 0:
        return 0.0
    share = min(max(earned / question_points, 0.0), 1.0)
    return round(share * points, 6)


def score_value(question: qformat.Question, value: Any, points: float) -> float:
    """Points for a choice / multi / numeric / text answer, at once."""
    if question.type == "code":
        raise ValueError("code answers are graded by the grader, not here")
    if question.type in qformat.HAND_GRADED_TYPES:
        raise ValueError(f"{question.type} answers are graded by hand, not here")
    if is_blank(value):
        return 0.0
    return scale(score_answer(question, value), question.points, points)


def initial_grade(
    question: qformat.Question, value: Any, points: float
) -> tuple[str, float | None]:
    """(status, points) of a non-code answer at submission: scored at once, or, for a
    hand-graded question, waiting for staff (never a zero, except for no answer)."""
    if question.type in qformat.HAND_GRADED_TYPES:
        return (GRADED, 0.0) if is_blank(value) else (HAND, None)
    return GRADED, score_value(question, value, points)


def points_from_result(result: dict[str, Any] | None, points: float) -> float | None:
    """Points for a graded code submission; None when the result carries no score
    (the grader failed: staff decide, it is never a zero)."""
    if not result or result.get("status") != "graded":
        return None
    score, max_score = result.get("score"), result.get("max_score")
    if not isinstance(score, int | float) or not isinstance(max_score, int | float):
        return None
    if max_score <= 0:
        return None
    return scale(float(score), float(max_score), points)


def student_feedback(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The per-check lines a student may see (the grader's ``checks``, nothing else)."""
    if not result:
        return []
    keep = ("name", "kind", "passed", "points", "max_points", "feedback")
    return [
        {k: check.get(k) for k in keep}
        for check in result.get("checks", [])
        if isinstance(check, dict)
    ]


def combine_tries(
    tries: Iterable[tuple[str, float | None]], policy: str
) -> tuple[str, float | None]:
    """Homework: (status, points) of an answer from its graded tries in order.

    ``best``: the highest graded try, but pending while any try is being graded and
    failed while any failed (a failed try might have been the best).
    ``last``: whatever the last try is."""
    tries = list(tries)
    if not tries:
        return "", None
    if policy == "last":
        return tries[-1]
    statuses = {status for status, _ in tries}
    if PENDING in statuses:
        return PENDING, None
    if FAILED in statuses:
        return FAILED, None
    if HAND in statuses:
        return HAND, None
    return GRADED, max(p or 0.0 for _, p in tries)


def attempt_score(answers: Iterable[tuple[str, float | None]]) -> float | None:
    """The attempt's score, or None while any answer is pending or failed."""
    total = 0.0
    for status, points in answers:
        if status != GRADED or points is None:
            return None
        total += points
    return round(total, 6)


def overall_state(statuses: Iterable[str]) -> str:
    """One word for the attempt's grading: failed > pending > hand > graded ("" if
    empty). "hand": only answers that staff grade by hand are left."""
    seen = set(statuses)
    if not seen:
        return ""
    if FAILED in seen:
        return FAILED
    if HAND in seen and not (PENDING in seen or "" in seen):
        return HAND
    if PENDING in seen or "" in seen:
        return PENDING
    return GRADED
