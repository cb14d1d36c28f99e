"""A quiz's grades as a table for the course's grade book: one row per enrolled
student, in roster order, whether or not they took the quiz. Pure: rows in, rows out.

The score that counts is the best of the student's graded attempts (several attempts
are allowed only where staff chose so, and each attempt is a full new try). The
status says whether that score is final: an attempt still running or still being
graded may change it. A student with no graded attempt has an empty score, never a
zero, so a grade book import cannot mistake "not graded yet" for no marks; one whose
answers wait for staff (an essay, a grading failure) says "to grade by hand".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from quizsite.quizzes.models import Attempt, AttemptStatus

HEADER = [
    "username",
    "name",
    "email",
    "status",
    "score",
    "max_score",
    "attempts",
    "counted_attempt",
    "submitted_at",
    "submitted_by",
]

NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
GRADING = "grading"
# Submitted, but answers wait for staff to grade them by hand (essays, grading failures).
TO_GRADE_BY_HAND = "to grade by hand"
GRADED = "graded"


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else ""


def standing(mine: list[Attempt]) -> tuple[str, Attempt | None]:
    """(status, the attempt whose score counts) for one student's attempts at a quiz."""
    graded = [a for a in mine if a.status == AttemptStatus.SUBMITTED and a.score is not None]
    # Best score; of equal scores, the earlier attempt (it reached the score first).
    best = max(graded, key=lambda a: (a.score, -a.number), default=None)
    if any(a.status == AttemptStatus.IN_PROGRESS for a in mine):
        status = IN_PROGRESS
    elif any(a.status == AttemptStatus.SUBMITTED and a.score is None for a in mine):
        # ``to_grade_by_hand`` is annotated by the caller (answers staff must grade).
        waiting = any(getattr(a, "to_grade_by_hand", 0) for a in mine if a.score is None)
        status = TO_GRADE_BY_HAND if waiting else GRADING
    elif best is not None:
        status = GRADED
    else:
        status = NOT_STARTED
    return status, best


def grade_rows(students: Iterable, attempts: Iterable[Attempt], tz: ZoneInfo) -> list[list]:
    """[[cell, ...], ...] matching HEADER; times in ``tz`` (the course's zone)."""
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_user[a.user_id].append(a)
    rows = []
    for s in students:
        mine = sorted(by_user.get(s.pk, []), key=lambda a: a.number)
        status, best = standing(mine)
        rows.append(
            [
                s.get_username(),
                s.get_full_name(),
                s.email,
                status,
                best.score if best else "",
                best.max_score if best else "",
                sum(1 for a in mine if a.status == AttemptStatus.SUBMITTED),
                best.number if best else "",
                _local(best.submitted_at, tz) if best else "",
                best.submitted_by if best else "",
            ]
        )
    return rows
