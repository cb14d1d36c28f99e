"""When an attempt ends: pure functions, no database, no clock.

Callers pass ``now`` (one ``timezone.now()`` per request) so the same instant is used
for every decision in that request, and tests can probe a second either side of each
boundary.

The rules:

* a timed attempt ends ``time_limit * (1 + extra_percent/100) + extra`` after it
  started, but never after the (possibly overridden) window closes;
* a homework attempt (no time limit) ends when the window closes;
* time that staff add to a running attempt comes on top of both, so it may run past
  the window's close: that is the point of adding it;
* a save is accepted until ``deadline + grace`` inclusive (network lag), never after;
* a new quiz is proposed for the next 9:00 on the course's clock (today's until it is
  9:00, tomorrow's from 9:00 on), open for 12 hours, with a 25-minute limit.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from quizsite.quizzes.models import Quiz, QuizOverride

WindowState = Literal["upcoming", "open", "closed"]


def _aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def deadline(
    *,
    started_at: datetime,
    time_limit: timedelta | None,
    window_close: datetime,
    extra: timedelta = timedelta(0),
    extra_percent: int = 0,
    added: timedelta = timedelta(0),
) -> datetime:
    """The instant the attempt ends for the student (grace not included)."""
    _aware("started_at", started_at)
    _aware("window_close", window_close)
    if extra_percent < 0:
        raise ValueError("extra_percent cannot be negative")
    if time_limit is None:
        end = window_close
    else:
        # Whole microseconds, computed in integers so 25 min * 150% is exact.
        limit_us = time_limit // timedelta(microseconds=1)
        stretched = timedelta(microseconds=limit_us * (100 + extra_percent) // 100)
        end = min(started_at + stretched + extra, window_close)
    return end + added


def accepts_save(*, deadline: datetime, grace: timedelta, now: datetime) -> bool:
    """A save counts when it reaches us no later than deadline + grace."""
    return now <= deadline + grace


def seconds_left(*, deadline: datetime, now: datetime) -> int:
    """Whole seconds until the deadline, rounded up (a countdown shows 0 only once the
    deadline has come), never negative."""
    remaining = (deadline - now).total_seconds()
    return max(0, math.ceil(remaining))


def window_state(*, opens: datetime, closes: datetime, now: datetime) -> WindowState:
    """upcoming before ``opens``; open from ``opens`` (inclusive) until ``closes``
    (exclusive); closed from ``closes`` on."""
    if now < opens:
        return "upcoming"
    if now < closes:
        return "open"
    return "closed"


def effective_window(quiz: Quiz, override: QuizOverride | None) -> tuple[datetime, datetime]:
    """The window for one student: the override's own times where it sets them."""
    if override is None:
        return quiz.opens_at, quiz.closes_at
    return (override.opens_at or quiz.opens_at, override.closes_at or quiz.closes_at)


def extra_of(override: QuizOverride | None) -> tuple[timedelta, int]:
    """(extra time, extra percent) an override grants."""
    if override is None:
        return timedelta(0), 0
    return timedelta(minutes=override.extra_minutes), override.extra_percent


def attempt_deadline(
    *, quiz: Quiz, override: QuizOverride | None, started_at: datetime, added: timedelta
) -> datetime:
    """``deadline`` with a quiz's limit and the student's override applied."""
    _, closes = effective_window(quiz, override)
    extra, percent = extra_of(override)
    return deadline(
        started_at=started_at,
        time_limit=quiz.time_limit,
        window_close=closes,
        extra=extra,
        extra_percent=percent,
        added=added,
    )


DEFAULT_OPENING = time(9, 0)  # on the course's clock
DEFAULT_WINDOW = timedelta(hours=12)
DEFAULT_TIME_LIMIT = timedelta(minutes=25)


def default_window(*, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """(opens, closes) proposed for a new quiz: the next 9:00 in zone ``tz`` that is
    still ahead of ``now``, for ``DEFAULT_WINDOW`` of real time (a night with a clock
    change does not stretch or shrink it)."""
    _aware("now", now)
    local = now.astimezone(tz)
    opens = datetime.combine(local.date(), DEFAULT_OPENING, tzinfo=tz)
    if opens <= now:
        opens = datetime.combine(local.date() + timedelta(days=1), DEFAULT_OPENING, tzinfo=tz)
    return opens, (opens.astimezone(UTC) + DEFAULT_WINDOW).astimezone(tz)


SubmitKind = Literal["student", "timer", "early"]


def submit_kind(*, auto: bool, deadline: datetime, grace: timedelta, now: datetime) -> SubmitKind:
    """Who a submit request counts as.

    * the page's own countdown (``auto``) may submit only once the deadline has come
      by the server's clock: before it, the page's clock was wrong or the deadline
      moved (staff added time), so the request is refused (``early``) and the attempt
      goes on;
    * an automatic submit from the deadline on is the timer's;
    * a student's click counts as theirs until ``deadline + grace`` inclusive (the
      same cut-off as a save), and as the timer's after it.
    """
    _aware("deadline", deadline)
    _aware("now", now)
    if auto:
        return "timer" if now >= deadline else "early"
    return "student" if accepts_save(deadline=deadline, grace=grace, now=now) else "timer"


DeadlineChange = Literal["added", "later", "earlier"]


def deadline_change(
    *, seen: datetime, deadline: datetime, seen_added: timedelta, added: timedelta
) -> DeadlineChange | None:
    """How the deadline moved since a page last saw it (``seen`` and the staff-added
    time ``seen_added`` then): ``added`` when staff added time to this attempt (and
    nothing else moved it back), ``later`` or ``earlier`` when the quiz or the
    student's override changed, ``None`` when it has not moved. Sub-second
    differences (a page's copy of the deadline is rounded to whole seconds) are no
    change."""
    _aware("seen", seen)
    _aware("deadline", deadline)
    if abs(deadline - seen) < timedelta(seconds=1):
        return None
    if added > seen_added and deadline > seen:
        return "added"
    return "later" if deadline > seen else "earlier"
