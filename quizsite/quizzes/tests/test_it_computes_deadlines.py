"""The deadline function and its companions, a second either side of every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from quizsite.quizzes import timing

START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
OPENS = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
CLOSES = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)  # 12 hours after opening
S = timedelta(seconds=1)
M = timedelta(minutes=1)
LIMIT = timedelta(minutes=25)


# (name, keyword arguments, expected deadline)
DEADLINES = [
    ("plain limit", {}, START + LIMIT),
    ("extra minutes", {"extra": 10 * M}, START + 35 * M),
    ("extra percent", {"extra_percent": 50}, START + timedelta(minutes=37, seconds=30)),
    ("percent and minutes", {"extra_percent": 100, "extra": 5 * M}, START + 55 * M),
    ("odd percent keeps seconds", {"extra_percent": 33}, START + timedelta(seconds=1995)),
    ("staff-added time", {"added": 7 * M}, START + 32 * M),
    ("limit capped by close", {"window_close": START + 10 * M}, START + 10 * M),
    ("extra capped by close", {"window_close": START + 30 * M, "extra": 10 * M}, START + 30 * M),
    (
        "percent capped by close",
        {"window_close": START + 30 * M, "extra_percent": 50},
        START + 30 * M,
    ),
    (
        "added time runs past close",
        {"window_close": START + 10 * M, "added": 5 * M},
        START + 15 * M,
    ),
    (
        "override window later",
        {"window_close": START + 2 * M, "extra": 1 * M},
        START + 2 * M,
    ),
    ("homework ends at close", {"time_limit": None}, CLOSES),
    ("homework extra ignored", {"time_limit": None, "extra": 10 * M}, CLOSES),
    ("homework added time", {"time_limit": None, "added": 10 * M}, CLOSES + 10 * M),
    ("limit ending exactly at close", {"window_close": START + LIMIT}, START + LIMIT),
    ("limit ending a second before close", {"window_close": START + LIMIT + S}, START + LIMIT),
    ("limit ending a second after close", {"window_close": START + LIMIT - S}, START + LIMIT - S),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), DEADLINES, ids=[d[0] for d in DEADLINES])
def test_it_computes_the_deadline(name, kwargs, expected) -> None:
    args = {"started_at": START, "time_limit": LIMIT, "window_close": CLOSES, **kwargs}
    assert timing.deadline(**args) == expected


def test_it_computes_the_same_instant_whatever_the_timezone() -> None:
    local_start = START.astimezone(ZoneInfo("America/New_York"))
    assert (
        timing.deadline(started_at=local_start, time_limit=LIMIT, window_close=CLOSES)
        == START + LIMIT
    )


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timing.deadline(
            started_at=START.replace(tzinfo=None), time_limit=LIMIT, window_close=CLOSES
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        timing.deadline(
            started_at=START, time_limit=LIMIT, window_close=CLOSES.replace(tzinfo=None)
        )


def test_it_refuses_a_negative_percent() -> None:
    with pytest.raises(ValueError):
        timing.deadline(started_at=START, time_limit=LIMIT, window_close=CLOSES, extra_percent=-5)


DEADLINE = START + LIMIT
GRACE = timedelta(seconds=30)

# (name, now, accepted?)
SAVES = [
    ("well before", START, True),
    ("a second before the deadline", DEADLINE - S, True),
    ("at the deadline", DEADLINE, True),
    ("a second after the deadline (in grace)", DEADLINE + S, True),
    ("a second before grace ends", DEADLINE + GRACE - S, True),
    ("exactly when grace ends", DEADLINE + GRACE, True),
    ("a second after grace ends", DEADLINE + GRACE + S, False),
    ("a microsecond after grace ends", DEADLINE + GRACE + timedelta(microseconds=1), False),
    ("an hour late", DEADLINE + timedelta(hours=1), False),
]


@pytest.mark.parametrize(("name", "now", "accepted"), SAVES, ids=[s[0] for s in SAVES])
def test_it_accepts_saves_until_grace_ends(name, now, accepted) -> None:
    assert timing.accepts_save(deadline=DEADLINE, grace=GRACE, now=now) is accepted


def test_it_accepts_nothing_after_the_deadline_without_grace() -> None:
    assert timing.accepts_save(deadline=DEADLINE, grace=timedelta(0), now=DEADLINE)
    assert not timing.accepts_save(deadline=DEADLINE, grace=timedelta(0), now=DEADLINE + S)


SECONDS = [
    ("a minute before", DEADLINE - M, 60),
    ("a second before", DEADLINE - S, 1),
    ("half a second before rounds up", DEADLINE - S / 2, 1),
    ("at the deadline", DEADLINE, 0),
    ("a second after", DEADLINE + S, 0),
]


@pytest.mark.parametrize(("name", "now", "left"), SECONDS, ids=[s[0] for s in SECONDS])
def test_it_counts_seconds_left(name, now, left) -> None:
    assert timing.seconds_left(deadline=DEADLINE, now=now) == left


WINDOW = [
    ("a second before it opens", OPENS - S, "upcoming"),
    ("as it opens", OPENS, "open"),
    ("a second after it opens", OPENS + S, "open"),
    ("a second before it closes", CLOSES - S, "open"),
    ("as it closes", CLOSES, "closed"),
    ("a second after it closes", CLOSES + S, "closed"),
]


@pytest.mark.parametrize(("name", "now", "state"), WINDOW, ids=[w[0] for w in WINDOW])
def test_it_tells_the_window_state(name, now, state) -> None:
    assert timing.window_state(opens=OPENS, closes=CLOSES, now=now) == state


QUIZ = SimpleNamespace(opens_at=OPENS, closes_at=CLOSES, time_limit=LIMIT)
LATER_OPEN = OPENS + timedelta(days=1)
LATER_CLOSE = CLOSES + timedelta(days=1)

OVERRIDES = [
    ("no override", None, (OPENS, CLOSES)),
    ("extra time only", SimpleNamespace(opens_at=None, closes_at=None), (OPENS, CLOSES)),
    ("later close", SimpleNamespace(opens_at=None, closes_at=LATER_CLOSE), (OPENS, LATER_CLOSE)),
    (
        "another window",
        SimpleNamespace(opens_at=LATER_OPEN, closes_at=LATER_CLOSE),
        (LATER_OPEN, LATER_CLOSE),
    ),
]


@pytest.mark.parametrize(("name", "override", "window"), OVERRIDES, ids=[o[0] for o in OVERRIDES])
def test_it_applies_an_override_window(name, override, window) -> None:
    assert timing.effective_window(QUIZ, override) == window


# The student's own window, probed a second either side of its edges.
OVERRIDE_WINDOW = [
    ("a second before the override opens", LATER_OPEN - S, "upcoming"),
    ("as the override opens", LATER_OPEN, "open"),
    ("a second before the override closes", LATER_CLOSE - S, "open"),
    ("as the override closes", LATER_CLOSE, "closed"),
]


@pytest.mark.parametrize(
    ("name", "now", "state"), OVERRIDE_WINDOW, ids=[o[0] for o in OVERRIDE_WINDOW]
)
def test_it_uses_the_override_window_for_its_state(name, now, state) -> None:
    opens, closes = timing.effective_window(
        QUIZ, SimpleNamespace(opens_at=LATER_OPEN, closes_at=LATER_CLOSE)
    )
    assert timing.window_state(opens=opens, closes=closes, now=now) == state


ATTEMPT_DEADLINES = [
    ("no override", None, START + LIMIT),
    (
        "minutes and percent",
        SimpleNamespace(extra_minutes=5, extra_percent=20, opens_at=None, closes_at=None),
        START + 35 * M,
    ),
    (
        "override closes early: capped",
        SimpleNamespace(extra_minutes=60, extra_percent=0, opens_at=None, closes_at=START + 40 * M),
        START + 40 * M,
    ),
]


@pytest.mark.parametrize(
    ("name", "override", "expected"), ATTEMPT_DEADLINES, ids=[a[0] for a in ATTEMPT_DEADLINES]
)
def test_it_applies_a_quizs_override_to_the_deadline(name, override, expected) -> None:
    got = timing.attempt_deadline(
        quiz=QUIZ, override=override, started_at=START, added=timedelta(0)
    )
    assert got == expected


# (name, auto?, now, who the submit counts as)
SUBMITS = [
    ("page's countdown a second early", True, DEADLINE - S, "early"),
    ("page's countdown a microsecond early", True, DEADLINE - timedelta(microseconds=1), "early"),
    ("page's countdown at the deadline", True, DEADLINE, "timer"),
    ("page's countdown a second late", True, DEADLINE + S, "timer"),
    ("page's countdown after grace", True, DEADLINE + GRACE + S, "timer"),
    ("click a second before the deadline", False, DEADLINE - S, "student"),
    ("click at the deadline", False, DEADLINE, "student"),
    ("click a second after the deadline", False, DEADLINE + S, "student"),
    ("click when grace ends", False, DEADLINE + GRACE, "student"),
    ("click a second after grace ends", False, DEADLINE + GRACE + S, "timer"),
]


@pytest.mark.parametrize(("name", "auto", "now", "kind"), SUBMITS, ids=[s[0] for s in SUBMITS])
def test_it_tells_who_a_submit_counts_as(name, auto, now, kind) -> None:
    assert timing.submit_kind(auto=auto, deadline=DEADLINE, grace=GRACE, now=now) == kind


def test_it_refuses_naive_datetimes_for_a_submit() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timing.submit_kind(
            auto=True, deadline=DEADLINE, grace=GRACE, now=START.replace(tzinfo=None)
        )


NONE = timedelta(0)
# (name, deadline the page saw, staff-added time it saw, deadline now, added now, change)
CHANGES = [
    ("unchanged", DEADLINE, NONE, DEADLINE, NONE, None),
    ("under a second later is rounding", DEADLINE, NONE, DEADLINE + S / 2, NONE, None),
    ("a second later", DEADLINE, NONE, DEADLINE + S, NONE, "later"),
    ("a second earlier", DEADLINE, NONE, DEADLINE - S, NONE, "earlier"),
    ("staff added three minutes", DEADLINE, NONE, DEADLINE + 3 * M, 3 * M, "added"),
    ("added on top of earlier additions", DEADLINE, 2 * M, DEADLINE + 3 * M, 5 * M, "added"),
    # Staff added time while the quiz's close moved back further: the end is earlier.
    ("added but the end moved earlier", DEADLINE, NONE, DEADLINE - M, 3 * M, "earlier"),
    ("added already seen, override later", DEADLINE, 3 * M, DEADLINE + 10 * M, 3 * M, "later"),
]


@pytest.mark.parametrize(
    ("name", "seen", "seen_added", "now_deadline", "added", "change"),
    CHANGES,
    ids=[c[0] for c in CHANGES],
)
def test_it_tells_how_the_deadline_moved(name, seen, seen_added, now_deadline, added, change):
    assert (
        timing.deadline_change(seen=seen, deadline=now_deadline, seen_added=seen_added, added=added)
        == change
    )
