"""What an attempt page may report about itself, and its bounds: pure, no database.

The page (``static/quizzes/activity.js``) reports when it lost and regained focus and
when something was pasted into an answer (how many characters, never the text). The
server adds what it sees itself: the attempt page opened from another address or
browser, a second device. None of it ever blocks a student; it is a timeline for
staff, and the start page says what is recorded.

A client is untrusted, so a report is bounded: at most ``MAX_BODY_BYTES`` of JSON,
``MAX_EVENTS`` events, each of a known kind, its age at most ``MAX_AGE_MS`` (the client
sends how long ago each event happened, so its clock does not matter); the view
allows ``MAX_POSTS_PER_MINUTE`` reports per attempt and session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_BODY_BYTES = 8 * 1024
MAX_EVENTS = 50
MAX_AGE_MS = 10 * 60 * 1000
MAX_POSTS_PER_MINUTE = 30
MAX_PASTE_SIZE = 10_000_000

# Reported by the page.
BLUR = "blur"
FOCUS = "focus"
PASTE = "paste"
CLIENT_KINDS = frozenset({BLUR, FOCUS, PASTE})
# Seen by the server.
OPENED = "opened"
ADDRESS_CHANGED = "address_changed"
BROWSER_CHANGED = "browser_changed"
NEW_DEVICE = "new_device"
DEVICE_REFUSED = "device_refused"
DEVICE_ALLOWED = "device_allowed"

LABELS = {
    BLUR: "Left the quiz page (another tab, window or program)",
    FOCUS: "Came back to the quiz page",
    PASTE: "Pasted into an answer",
    OPENED: "Opened the attempt page",
    ADDRESS_CHANGED: "IP address changed",
    BROWSER_CHANGED: "Browser changed",
    NEW_DEVICE: "Opened on another device or browser session",
    DEVICE_REFUSED: "Another device was refused (one device at a time)",
    DEVICE_ALLOWED: "Staff allowed another device",
}


class BadReport(ValueError):
    """The report is not in the expected form or over its bounds (nothing is kept)."""


@dataclass(frozen=True)
class ClientEvent:
    kind: str
    at: datetime
    position: int | None = None  # the question's position, for a paste
    size: int | None = None  # characters pasted


def _int(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def parse_report(body: bytes, *, now: datetime) -> list[ClientEvent]:
    """The events of a report, timed by the server's ``now`` minus their age.
    Raises BadReport for a body over the bounds or not of the expected shape; an
    event of an unknown kind or with out-of-range fields is skipped, not fatal."""
    if len(body) > MAX_BODY_BYTES:
        raise BadReport("too large")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadReport("not JSON") from exc
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise BadReport("no events list")
    if len(events) > MAX_EVENTS:
        raise BadReport("too many events")
    parsed = []
    for e in events:
        if not isinstance(e, dict) or e.get("kind") not in CLIENT_KINDS:
            continue
        age = _int(e.get("ago", 0), 0, MAX_AGE_MS)
        if age is None:
            continue
        kind = e["kind"]
        position = size = None
        if kind == PASTE:
            position = _int(e.get("position"), 1, 10_000)
            size = _int(e.get("size"), 0, MAX_PASTE_SIZE)
            if size is None:
                continue
        parsed.append(ClientEvent(kind, now - timedelta(milliseconds=age), position, size))
    return sorted(parsed, key=lambda ev: ev.at)


def browser_name(user_agent: str) -> str:
    """A short, stable name for a User-Agent (for 'browser changed'): the string
    itself, cut to a length fit for a row."""
    return user_agent.strip()[:300]


def away_seconds(kinds_and_times: list[tuple[str, datetime]]) -> list[float | None]:
    """For each event in time order: on a ``focus`` that follows a ``blur``, how many
    seconds the page was left; None elsewhere."""
    out: list[float | None] = []
    left: datetime | None = None
    for kind, at in kinds_and_times:
        if kind == BLUR:
            left = left or at
            out.append(None)
        elif kind == FOCUS and left is not None:
            out.append(round((at - left).total_seconds(), 1))
            left = None
        else:
            out.append(None)
    return out
