"""Score a student's answer to a non-code question: pure functions, no Django.

Each function returns the points earned (0 .. question.points). ``score_answer``
dispatches on the question's type.

* choice: full marks for the right option, else 0.
* multi: partial credit per option. Each right option picked earns
  ``points / len(answers)``; each wrong option picked takes the same away; the total
  never drops below 0. Picking every option therefore earns nothing for a question
  with as many wrong options as right ones, and guessing does not pay.
* numeric: right when ``|given - answer| <= tolerance`` or within ``rel_tolerance``
  of the answer (exact when neither is set). Text is parsed as a Python float, so
  "1e3" and " 1000 " are accepted; anything unparsable or not finite earns 0.
* text: right when the answer equals one of the accepted strings after surrounding
  space is stripped, ignoring case unless ``case_sensitive``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from questions.format import Question


def score_choice(question: Question, given: Any) -> float:
    return question.points if isinstance(given, str) and given == question.answer else 0.0


def score_multi(question: Question, given: Iterable[str] | None) -> float:
    picked = {g for g in (given or ()) if isinstance(g, str) and g in question.options}
    right = set(question.answers)
    if not right:
        return 0.0
    hits = len(picked & right)
    wrong = len(picked - right)
    fraction = max(0.0, (hits - wrong) / len(right))
    return round(question.points * fraction, 6)


def parse_number(given: Any) -> float | None:
    """A finite float from a number or text, or None."""
    if isinstance(given, bool):
        return None
    if isinstance(given, int | float):
        value = float(given)
    elif isinstance(given, str):
        text = given.strip().replace("_", "")
        if not text or len(text) > 100:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def score_numeric(question: Question, given: Any) -> float:
    value = parse_number(given)
    if value is None:
        return 0.0
    expected = float(question.answer)
    ok = (
        math.isclose(value, expected, rel_tol=question.rel_tolerance, abs_tol=question.tolerance)
        or value == expected
    )
    return question.points if ok else 0.0


def text_key(text: str, *, case_sensitive: bool) -> str:
    """What a text answer is compared by: stripped, and case-folded unless the question
    is case sensitive (also used to group equal answers in statistics)."""
    text = text.strip()
    return text if case_sensitive else text.casefold()


def score_text(question: Question, given: Any) -> float:
    if not isinstance(given, str):
        return 0.0
    key = text_key(given, case_sensitive=question.case_sensitive)
    ok = any(key == text_key(a, case_sensitive=question.case_sensitive) for a in question.answers)
    return question.points if ok else 0.0


_SCORERS = {
    "choice": score_choice,
    "multi": score_multi,
    "numeric": score_numeric,
    "text": score_text,
}


def score_answer(question: Question, given: Any) -> float:
    """Points for ``given`` (choice/text: str, multi: list of str, numeric: str or number).

    Code questions are graded by ``grader.pipeline.grade``, not here.
    """
    scorer = _SCORERS.get(question.type)
    if scorer is None:
        raise ValueError(f"{question.type} questions are not scored by score_answer")
    return float(scorer(question, given))
