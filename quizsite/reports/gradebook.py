"""A milestone's grades as a table for the course's grade book: one row per enrolled
student, in roster order, whether or not they handed in. Pure: rows in, rows out.

For a team milestone every member of a team gets the team's row (its status, version
and grade) and the team's name; a student in no team has nothing handed in. Status,
version and time are those of the version that counts, as on the staff page (the one
staff picked, else the last on time, else the last late one); the score is the grade's
total after the late penalty, as the grading page computed it. A student or team not
graded yet has an empty score, never a zero, so a grade book import cannot mistake
"not graded yet" for no marks.

`graded_version` is the version the score was given to. It differs from `version`
when another version came to count after grading (a new hand-in, or staff's pick
changed): the score then belongs to the old version until staff grade again. It is
empty when not graded, and when graded before anything was handed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from quizsite.reports.models import Grade, ReportSubmission


class OverviewRow(Protocol):
    """What this table reads of one row of a milestone's overview (the selectors build
    them; described here so that this pure module needs nothing from theirs)."""

    owner: Any  # .team (or None) and .student
    members: list[Any]
    graded: ReportSubmission | None
    grade: Grade | None

    @property
    def status(self) -> str: ...


HEADER = [
    "username",
    "name",
    "email",
    "team",
    "status",
    "submitted_at",
    "version",
    "graded_version",
    "score",
    "max_score",
    "late_penalty_percent",
    "released",
]

MISSING = "missing"


def points_text(value: Decimal) -> str:
    """Points as people write them: 8.5, 9, 10 (never 9.00 or 1E+1)."""
    return format(value.normalize(), "f")


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else ""


def _given_version(grade: Grade | None) -> int | str | None:
    given = grade.graded_submission if grade else None
    return given.version if given else ""


def grade_rows(
    students: Iterable,
    overview: Iterable[OverviewRow],
    *,
    max_score: Decimal,
    released: bool,
    tz: ZoneInfo,
) -> list[list]:
    """[[cell, ...], ...] matching HEADER for `students` (in the order given), from the
    milestone's overview rows; times in ``tz`` (the course's zone)."""
    row_of: dict[int, OverviewRow] = {}
    for row in overview:
        for member in row.members if row.owner.team else [row.owner.student]:
            row_of[member.pk] = row
    rows = []
    for student in students:
        found = row_of.get(student.pk)
        graded = found.graded if found else None
        grade = found.grade if found else None
        rows.append(
            [
                student.get_username(),
                student.get_full_name(),
                student.email,
                found.owner.team.name if found and found.owner.team else "",
                found.status if found else MISSING,
                _local(graded.received_at, tz) if graded else "",
                graded.version if graded else "",
                _given_version(grade),
                points_text(grade.total_points) if grade else "",
                points_text(max_score),
                grade.penalty_percent if grade else "",
                "yes" if released else "no",
            ]
        )
    return rows
