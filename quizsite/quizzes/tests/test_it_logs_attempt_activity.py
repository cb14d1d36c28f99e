"""What an attempt page reports (focus lost and regained, pastes) is stored on the
attempt's timeline with the session that sent it; nothing is kept for a submitted
attempt or a session that never opened it."""

from __future__ import annotations

from datetime import timedelta

from quizsite.quizzes import integrity
from quizsite.quizzes.access_rules import Rules
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.activity import ClientEvent
from quizsite.quizzes.models import ActivityEvent
from quizsite.quizzes.tests.conftest import T0

S = timedelta(seconds=1)


def _report(attempt, events, *, key="key-a", address="192.0.2.1", now=T0 + 10 * S):
    return integrity.record_activity(
        attempt, events, session_key=key, address=address, browser="B", now=now
    )


def test_it_stores_focus_and_paste_events(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    visit = integrity.note_visit(
        attempt, session_key="key-a", address="192.0.2.1", browser="B", rules=Rules(), now=T0
    )

    stored = _report(
        attempt,
        [
            ClientEvent("blur", T0 + 2 * S),
            ClientEvent("focus", T0 + 5 * S),
            ClientEvent("paste", T0 + 6 * S, position=2, size=180),
        ],
    )

    assert stored == 3
    rows = ActivityEvent.objects.filter(attempt=attempt).exclude(kind="opened").order_by("at")
    assert [(e.kind, e.at, e.position, e.size, e.session_id) for e in rows] == [
        ("blur", T0 + 2 * S, None, None, visit.session.pk),
        ("focus", T0 + 5 * S, None, None, visit.session.pk),
        ("paste", T0 + 6 * S, 2, 180, visit.session.pk),
    ]


def test_it_notes_a_new_address_seen_with_a_report(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    integrity.note_visit(
        attempt, session_key="key-a", address="192.0.2.1", browser="B", rules=Rules(), now=T0
    )

    _report(attempt, [ClientEvent("blur", T0 + S)], address="198.51.100.2")

    kinds = list(ActivityEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))
    assert sorted(kinds) == ["address_changed", "blur", "opened"]


def test_it_keeps_nothing_for_a_submitted_attempt_or_an_unknown_session(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    integrity.note_visit(
        attempt, session_key="key-a", address=None, browser="B", rules=Rules(), now=T0
    )

    assert _report(attempt, [ClientEvent("blur", T0 + S)], key="never-opened") == 0
    submit_attempt(attempt, now=T0 + 2 * S)
    attempt.refresh_from_db()
    assert _report(attempt, [ClientEvent("blur", T0 + 3 * S)]) == 0
    assert ActivityEvent.objects.filter(attempt=attempt).count() == 1  # "opened"
