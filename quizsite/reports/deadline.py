"""Deadline rules, which version is graded, and whether a grade still refers to it:
pure functions of times and ids, no database.

A report received at or before the due time is on time. After it, and at or before
the late cut-off (if the milestone has one), it is late: accepted, flagged, and the
late penalty applies to its grade. After the cut-off (or after the due time when
there is no cut-off) uploads are refused.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar


class Timing(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    CLOSED = "closed"


@dataclass(frozen=True)
class Decision:
    timing: Timing
    penalty_percent: int

    @property
    def accepted(self) -> bool:
        return self.timing is not Timing.CLOSED


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def classify(
    now: datetime, *, due: datetime, late_until: datetime | None, late_penalty_percent: int = 0
) -> Decision:
    _aware(now, "now")
    _aware(due, "due")
    if late_until is not None:
        _aware(late_until, "late_until")
    if now <= due:
        return Decision(Timing.ON_TIME, 0)
    if late_until is not None and now <= late_until:
        return Decision(Timing.LATE, late_penalty_percent)
    return Decision(Timing.CLOSED, 0)


class Version(Protocol):
    @property
    def pk(self) -> int: ...

    @property
    def received_at(self) -> datetime: ...


V = TypeVar("V", bound=Version)


def pick_graded(versions: Sequence[V], *, due: datetime, chosen_pk: int | None = None) -> V | None:
    """The version that counts: the one staff chose, else the last one received at or
    before the due time, else the last late one. `versions` are confirmed versions of
    one student or team, in any order."""
    if chosen_pk is not None:
        for version in versions:
            if version.pk == chosen_pk:
                return version
    ordered = sorted(versions, key=lambda v: (v.received_at, v.pk))
    on_time = [v for v in ordered if v.received_at <= due]
    if on_time:
        return on_time[-1]
    return ordered[-1] if ordered else None


def grade_is_stale(given_pk: int | None, counts_pk: int | None) -> bool:
    """Whether a grade was given to a version other than the one that counts now.

    `given_pk` is the version the grade was computed for (None: graded when nothing
    was handed in); `counts_pk` is what `pick_graded` answers now (None: nothing
    handed in). The two part when a new version takes over after grading (handed in
    before the due time, or a later late one when none is on time) or when staff's
    pick changes without grading again; the score, and its late penalty, then belong
    to the old version."""
    return given_pk != counts_pk
