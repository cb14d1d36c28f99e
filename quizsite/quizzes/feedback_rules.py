"""What a student sees of one question's grading, per question of a quiz: pure.

During the attempt: trial runs of the visible tests (the default), or nothing.
After submission, until the quiz's results are released: nothing (the default), the
score only, the score and which checks passed (no messages), or full feedback. Once
released, every question shows everything, as before; staff always see everything.
"""

from __future__ import annotations

from typing import Any

TRIAL_RUNS = "trial"
NOTHING = "nothing"
SCORE = "score"
CHECKS = "checks"
FULL = "full"


# What "which checks passed" shows of each check: no message, no details.
_CHECK_KEYS = frozenset({"name", "title", "kind", "passed", "points", "max_points"})


def trial_runs_allowed(during: str) -> bool:
    return during != NOTHING


def visible_result(
    result: dict[str, Any], *, before_release: str, released: bool, for_staff: bool
) -> dict[str, Any] | None:
    """The part of an answer's result (``points``, ``status``, ``message``,
    ``feedback`` = the grader's checks, ``regraded``) a viewer may see now, or None."""
    if released or for_staff or before_release == FULL:
        return result
    if before_release == SCORE:
        return {**result, "feedback": []}
    if before_release == CHECKS:
        return {
            **result,
            "feedback": [
                {k: v for k, v in check.items() if k in _CHECK_KEYS}
                for check in result.get("feedback") or ()
                if isinstance(check, dict)
            ],
        }
    return None
