"""Item analysis of a quiz for its staff: how each question did across the class.
Pure: plain rows in (one per question drawn in a submitted attempt), plain dicts out;
``selectors.quiz_statistics`` loads the rows.

Only graded answers count. An answer still with the grader, an essay awaiting hand
grading, or an answer whose grading failed and waits for staff, is counted as drawn and reported, but takes no part in the
shares, the means or the discrimination index (they would change when it arrives).

Each question version is its own row: a question edited during the term may have
been drawn as v1 by some students and v2 by others, and the two need not behave
alike. A question seen in several versions also gets a row over all of them.

The discrimination index is the correlation (Pearson's r) between the score on the
question and the score on the rest of the attempt, both as shares of their points,
over the attempts whose every answer is graded. Strong students getting a question
right more often than weak ones gives a positive value; near 0 or negative means the
question does not tell them apart (or misleads the strong ones). Below
``MIN_ATTEMPTS_FOR_DISCRIMINATION`` attempts, or when everyone scored the same on
either side, it is None: a correlation of a handful of points says nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from questions.scoring import parse_number, text_key
from quizsite.quizzes.grading import FAILED, GRADED, HAND, is_blank

MIN_ATTEMPTS_FOR_DISCRIMINATION = 10
TOP_WRONG_ANSWERS = 5
# Points are stored as floats rounded to 6 places (grading.scale).
_EPSILON = 1e-6


@dataclass(frozen=True)
class ItemRow:
    """One question drawn in one submitted attempt, with its answer as graded.

    ``options`` and ``correct`` are the choice/multi options the student was shown
    (their variant's texts, bank order) and the right ones among them;
    ``hidden_checks`` names the code question's hidden tests."""

    attempt_id: int
    question_id: int
    title: str
    type: str
    version: int  # the version whose answer key grades it (a regrade moves it on)
    points: float
    earned: float | None
    status: str  # Answer.grading_status
    value: Any = None
    position: int = 0
    by_hand: bool = False
    options: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()
    case_sensitive: bool = False
    feedback: Sequence[dict[str, Any]] = ()
    hidden_checks: frozenset[str] = field(default_factory=frozenset)
    current_version: int = 0  # the question's current version in the bank

    @property
    def graded(self) -> bool:
        return self.status == GRADED and self.earned is not None


# --------------------------------------------------------------------- helpers


def _being_graded(row: ItemRow) -> bool:
    """Still with the grader (not failed, and not an essay waiting for staff)."""
    return not row.graded and row.status not in (FAILED, HAND)


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole > 0 else None


def _share(row: ItemRow) -> float:
    """The row's score as a share of its points (0 for a question worth nothing)."""
    if row.points <= 0 or row.earned is None:
        return 0.0
    return min(max(row.earned / row.points, 0.0), 1.0)


def correlation(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson's r of the pairs, or None when either side does not vary."""
    n = len(pairs)
    if n < 2:
        return None
    mean_x = math.fsum(x for x, _ in pairs) / n
    mean_y = math.fsum(y for _, y in pairs) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in pairs)
    syy = math.fsum((y - mean_y) ** 2 for _, y in pairs)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in pairs)
    if sxx <= _EPSILON**2 or syy <= _EPSILON**2:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def discrimination(pairs: Sequence[tuple[float, float]]) -> float | None:
    """(question share, rest-of-attempt share) pairs -> r rounded to 2 places, or None
    with fewer than MIN_ATTEMPTS_FOR_DISCRIMINATION pairs."""
    if len(pairs) < MIN_ATTEMPTS_FOR_DISCRIMINATION:
        return None
    r = correlation(pairs)
    return None if r is None else round(r, 2)


Totals = dict[int, tuple[float, float]]


def attempt_totals(rows: Iterable[ItemRow]) -> Totals:
    """(earned, points) of each attempt whose every answer is graded. Attempts with an
    answer still to grade are left out: the rest of their score is not known yet."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    incomplete: set[int] = set()
    for r in rows:
        if not r.graded:
            incomplete.add(r.attempt_id)
            continue
        sums[r.attempt_id][0] += r.earned or 0.0
        sums[r.attempt_id][1] += r.points
    return {a: (e, p) for a, (e, p) in sums.items() if a not in incomplete}


def rest_pairs(rows: Sequence[ItemRow], totals: Totals) -> list[tuple[float, float]]:
    """(the row's share, the rest of its attempt's share) for each row of a fully
    graded attempt."""
    pairs = []
    for r in rows:
        if r.attempt_id not in totals:
            continue
        earned, points = totals[r.attempt_id]
        rest_points = points - r.points
        if rest_points <= 0:
            continue  # a one-question attempt has no rest to compare with
        rest_share = min(max((earned - (r.earned or 0.0)) / rest_points, 0.0), 1.0)
        pairs.append((_share(r), rest_share))
    return pairs


# --------------------------------------------------------------------- details


def _option_counts(rows: list[ItemRow]) -> list[dict[str, Any]]:
    """How often each option text was chosen, out of the students shown it. Grouped
    by the text as stored: a question with variants has per-student texts, so each
    text counts only the students whose variant showed it."""
    shown: Counter[str] = Counter()
    chosen: Counter[str] = Counter()
    right_for: Counter[str] = Counter()
    order: dict[str, None] = {}
    for r in rows:
        for option in r.options:
            order.setdefault(option)
            shown[option] += 1
            if option in r.correct:
                right_for[option] += 1
        picked = r.value if isinstance(r.value, list) else [r.value]
        for option in dict.fromkeys(p for p in picked if isinstance(p, str) and p.strip()):
            order.setdefault(option)
            chosen[option] += 1
    result = []
    for option in order:
        if right_for[option] == 0:
            correct = "no"
        elif right_for[option] == shown[option]:
            correct = "yes"
        else:
            correct = "some"  # right in some variants only
        result.append(
            {
                "text": option,
                "shown": shown[option],
                "chosen": chosen[option],
                "percent": _percent(chosen[option], shown[option]),
                "correct": correct,
                # A stored value that was not among the options the student was shown.
                "unknown": shown[option] == 0,
            }
        )
    return result


def _answer_key(row: ItemRow) -> tuple[Any, str]:
    """(what scoring compares, the text to show) for a numeric or text answer:
    numbers by value ("1e2" is 100), text stripped and, unless the question is case
    sensitive, case-folded (``questions.scoring.text_key``, as scoring compares)."""
    text = str(row.value).strip()
    if row.type == "numeric":
        number = parse_number(row.value)
        if number is not None:
            return ("number", number), text
        return ("text", text), text
    return ("text", text_key(text, case_sensitive=row.case_sensitive)), text


def _wrong_answers(rows: list[ItemRow], graded: int) -> list[dict[str, Any]]:
    """The most common answers that did not earn full marks (blank ones aside)."""
    counts: Counter[tuple[Any, str]] = Counter()
    shown_as: dict[tuple[Any, str], str] = {}
    for r in rows:
        if is_blank(r.value) or _share(r) >= 1.0 - _EPSILON:
            continue
        key, text = _answer_key(r)
        counts[key] += 1
        shown_as.setdefault(key, text)  # the first form seen stands for the group
    # Counter.most_common keeps first-seen order among equal counts.
    return [
        {
            "answer": shown_as[key],
            "count": count,
            "percent": _percent(count, graded),
            "not_a_number": key[0] == "text" and rows[0].type == "numeric",
        }
        for key, count in counts.most_common(TOP_WRONG_ANSWERS)
    ]


def _code_details(rows: list[ItemRow]) -> dict[str, Any]:
    """Grading status counts and, over the answers the grader ran, each check's pass
    rate (hidden tests included: this is for staff)."""
    runs: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    order: dict[str, None] = {}
    hidden: set[str] = set()
    for r in rows:
        hidden |= r.hidden_checks
        if not r.graded:
            continue
        for check in r.feedback or ():
            name = check.get("name") if isinstance(check, dict) else None
            if not isinstance(name, str):
                continue
            order.setdefault(name)
            runs[name] += 1
            passed[name] += bool(check.get("passed"))
    blank = sum(1 for r in rows if r.graded and is_blank(r.value))
    return {
        "by_grader": sum(1 for r in rows if r.graded and not r.by_hand and not is_blank(r.value)),
        "by_hand": sum(1 for r in rows if r.graded and r.by_hand),
        "blank": blank,
        "failed": sum(1 for r in rows if r.status == FAILED),
        "being_graded": sum(1 for r in rows if _being_graded(r)),
        "checks": [
            {
                "name": name,
                "hidden": name in hidden,
                "runs": runs[name],
                "passed": passed[name],
                "percent": _percent(passed[name], runs[name]),
            }
            for name in order
        ],
    }


# ----------------------------------------------------------------------- rows


def _stats(rows: list[ItemRow], totals: Totals) -> dict[str, Any]:
    """The summary figures of a group of rows (one version, or all of a question's)."""
    graded = [r for r in rows if r.graded]
    n = len(graded)
    points = {r.points for r in graded} or {r.points for r in rows}
    earned = math.fsum(r.earned or 0.0 for r in graded)
    possible = math.fsum(r.points for r in graded)
    used = rest_pairs(rows, totals)
    return {
        "drawn": len(rows),
        "graded": n,
        "being_graded": sum(1 for r in rows if _being_graded(r)),
        "grading_failed": sum(1 for r in rows if r.status == FAILED),
        "awaiting_hand": sum(1 for r in rows if r.status == HAND),
        # None when the quiz gave the question different points in different attempts.
        "points": points.pop() if len(points) == 1 else None,
        "mean_points": round(earned / n, 2) if n else None,
        "mean_percent": _percent(earned, possible),
        "full_percent": _percent(sum(1 for r in graded if _share(r) >= 1 - _EPSILON), n),
        "zero_percent": _percent(sum(1 for r in graded if (r.earned or 0.0) <= _EPSILON), n),
        "blank_percent": _percent(sum(1 for r in graded if is_blank(r.value)), n),
        "discrimination": discrimination(used),
        "discrimination_attempts": len(used),
    }


def _version_row(rows: list[ItemRow], totals: Totals) -> dict[str, Any]:
    kind = rows[0].type
    row = {"version": rows[0].version, **_stats(rows, totals)}
    if kind in ("choice", "multi"):
        graded = [r for r in rows if r.graded]
        row["options"] = _option_counts(graded)
        row["no_answer"] = sum(1 for r in graded if is_blank(r.value))
    elif kind in ("numeric", "text"):
        row["wrong_answers"] = _wrong_answers([r for r in rows if r.graded], row["graded"])
    elif kind == "code":
        row["code"] = _code_details(rows)
    return row


def quiz_statistics(items: Iterable[ItemRow], *, running_attempts: int = 0) -> dict[str, Any]:
    """Per-question statistics over the rows of the quiz's submitted attempts.

    Returns ``{"attempts", "running_attempts", "being_graded", "grading_failed",
    "awaiting_hand", "questions": [...]}``; each question has ``title``, ``type``, ``versions`` (the
    numbers seen), ``rows`` (one per version, with ``options`` for choice and multi,
    ``wrong_answers`` for numeric and text, ``code`` for code) and ``overall`` (the
    figures over every version, when there are several; else None), ``current_version``
    and ``outdated`` (answers graded with an older version, hand grades aside).
    Questions come in
    the order students saw them (by average position, when shuffled)."""
    all_rows = list(items)
    totals = attempt_totals(all_rows)
    by_question: dict[int, list[ItemRow]] = defaultdict(list)
    for r in all_rows:
        by_question[r.question_id].append(r)
    ordered = []
    for rows in by_question.values():
        by_version: dict[int, list[ItemRow]] = defaultdict(list)
        for r in rows:
            by_version[r.version].append(r)
        versions = sorted(by_version)
        latest = by_version[versions[-1]][0]
        where = (math.fsum(r.position for r in rows) / len(rows), latest.title)
        question = {
            "question_id": latest.question_id,
            "title": latest.title,
            "type": latest.type,
            "versions": versions,
            "rows": [_version_row(by_version[v], totals) for v in versions],
            "overall": {"version": None, **_stats(rows, totals)} if len(versions) > 1 else None,
            "current_version": (current := max(r.current_version for r in rows)),
            # Answers that a regrade with the current version would change (hand
            # grades stand, so they are not counted).
            "outdated": sum(1 for r in rows if r.version < current and not r.by_hand),
        }
        ordered.append((where, question))
    ordered.sort(key=lambda pair: pair[0])
    return {
        "attempts": len({r.attempt_id for r in all_rows}),
        "running_attempts": running_attempts,
        "being_graded": sum(1 for r in all_rows if _being_graded(r)),
        "grading_failed": sum(1 for r in all_rows if r.status == FAILED),
        "awaiting_hand": sum(1 for r in all_rows if r.status == HAND),
        "questions": [question for _, question in ordered],
    }
