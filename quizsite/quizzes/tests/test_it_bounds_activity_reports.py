"""What an attempt page may report about itself is bounded: size, count, known kinds,
ages; times come from the server's clock minus the reported age."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from quizsite.quizzes import activity

NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def _body(events) -> bytes:
    return json.dumps({"events": events}).encode()


def test_it_reads_focus_and_paste_events_in_time_order() -> None:
    events = activity.parse_report(
        _body(
            [
                {"kind": "focus", "ago": 1000},
                {"kind": "blur", "ago": 5000},
                {"kind": "paste", "ago": 0, "position": 3, "size": 240},
            ]
        ),
        now=NOW,
    )

    assert [(e.kind, e.at, e.position, e.size) for e in events] == [
        ("blur", NOW - timedelta(seconds=5), None, None),
        ("focus", NOW - timedelta(seconds=1), None, None),
        ("paste", NOW, 3, 240),
    ]


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "keystroke", "ago": 0},  # not a kind we record
        {"kind": "blur", "ago": activity.MAX_AGE_MS + 1},  # older than a page keeps
        {"kind": "blur", "ago": -1},
        {"kind": "blur", "ago": "soon"},
        {"kind": "paste", "ago": 0, "position": 1},  # a paste without its size
        {"kind": "paste", "ago": 0, "size": activity.MAX_PASTE_SIZE + 1},
        "blur",
    ],
)
def test_it_skips_an_event_out_of_bounds(event) -> None:
    assert activity.parse_report(_body([event, {"kind": "blur", "ago": 0}]), now=NOW) == [
        activity.ClientEvent("blur", NOW)
    ]


def test_it_keeps_an_event_at_the_oldest_age() -> None:
    [event] = activity.parse_report(_body([{"kind": "blur", "ago": activity.MAX_AGE_MS}]), now=NOW)
    assert event.at == NOW - timedelta(milliseconds=activity.MAX_AGE_MS)


@pytest.mark.parametrize(
    "body",
    [
        b"x" * (activity.MAX_BODY_BYTES + 1),
        _body([{"kind": "blur", "ago": 0}] * (activity.MAX_EVENTS + 1)),
        b"not json",
        b"[]",
        b'{"events": "blur"}',
        b"\xff\xfe",
    ],
)
def test_it_refuses_a_report_over_its_bounds(body) -> None:
    with pytest.raises(activity.BadReport):
        activity.parse_report(body, now=NOW)


def test_it_takes_the_largest_report_allowed() -> None:
    events = [{"kind": "blur", "ago": 0}] * activity.MAX_EVENTS

    assert len(activity.parse_report(_body(events), now=NOW)) == activity.MAX_EVENTS
