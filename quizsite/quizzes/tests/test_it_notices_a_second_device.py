"""The browser session that opens an attempt first owns it; a second one is noticed
(on the timeline) and, under the one-device rule, kept out until staff allow it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import integrity
from quizsite.quizzes.access_rules import Rules
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import ActivityEvent, AttemptSession
from quizsite.quizzes.tests.conftest import T0

S = timedelta(seconds=1)
ONE = Rules(one_device=True)
CHROME = "Mozilla/5.0 Chrome/120"


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _visit(attempt, key, *, rules=ONE, address="192.0.2.1", browser=CHROME, now=T0):
    return integrity.note_visit(
        attempt, session_key=key, address=address, browser=browser, rules=rules, now=now
    )


def _kinds(attempt) -> list[str]:
    return list(ActivityEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))


def test_it_lets_the_first_session_in_and_refuses_a_second(attempt) -> None:
    first = _visit(attempt, "key-a")
    second = _visit(attempt, "key-b", address="198.51.100.7", now=T0 + S)
    again = _visit(attempt, "key-a", now=T0 + 2 * S)

    assert (first.refused, second.refused, again.refused) == (False, True, False)
    assert first.session.owner and not second.session.owner
    assert _kinds(attempt) == ["opened", "new_device", "device_refused"]
    stored = AttemptSession.objects.get(pk=second.session.pk)
    assert stored.session_hash != "key-b" and len(stored.session_hash) == 64


def test_it_notices_but_allows_a_second_session_without_the_rule(attempt) -> None:
    _visit(attempt, "key-a", rules=Rules())
    second = _visit(attempt, "key-b", rules=Rules(), now=T0 + S)

    assert not second.refused
    assert _kinds(attempt) == ["opened", "new_device"]


def test_it_lets_a_device_in_once_staff_allow_it(attempt, ta) -> None:
    _visit(attempt, "key-a")
    second = _visit(attempt, "key-b", now=T0 + S)

    integrity.allow_device(attempt, second.session.pk, by=ta, now=T0 + 2 * S)
    integrity.allow_device(attempt, second.session.pk, by=ta, now=T0 + 3 * S)  # twice: once logged

    assert not _visit(attempt, "key-b", now=T0 + 4 * S).refused
    assert _kinds(attempt) == ["opened", "new_device", "device_refused", "device_allowed"]


def test_it_logs_a_change_of_address_or_browser(attempt) -> None:
    _visit(attempt, "key-a")
    _visit(attempt, "key-a", address="203.0.113.5", now=T0 + S)
    _visit(attempt, "key-a", address="203.0.113.5", browser="Firefox/121", now=T0 + 2 * S)
    _visit(attempt, "key-a", address="203.0.113.5", browser="Firefox/121", now=T0 + 3 * S)

    events = ActivityEvent.objects.filter(attempt=attempt).order_by("at", "pk")
    assert [(e.kind, e.detail) for e in events] == [
        ("opened", CHROME),
        ("address_changed", "192.0.2.1 → 203.0.113.5"),
        ("browser_changed", "Firefox/121"),
    ]
