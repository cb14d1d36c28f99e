"""Two tabs on one attempt: a save typed on top of an older revision than another tab
has saved since is refused as a conflict (and logged, so nothing is lost); a page's
own retries, saves naming no page, and saves of the value already held are not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Answer, LateSave
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)


@pytest.fixture
def attempt(quiz, student):
    return start_attempt(quiz, student, now=T0)


def _save(attempt, value, *, at, base, client):
    return save_answer(
        attempt,
        position_of(attempt, "text"),
        value,
        now=T0 + at * S,
        base_revision=base,
        client=client,
    )


def _answer(attempt) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt, attempt_question__position=position_of(attempt, "text")
    )


def test_it_refuses_a_tab_that_missed_another_tab_s_save(attempt) -> None:
    assert _save(attempt, "first", at=1, base=0, client="tab-a").revision == 1
    assert _save(attempt, "newer, from B", at=2, base=1, client="tab-b").revision == 2

    stale = _save(attempt, "older text typed in A", at=3, base=1, client="tab-a")

    assert (stale.accepted, stale.conflict, stale.late) == (False, True, False)
    assert stale.message == messages.CHANGED_ELSEWHERE
    assert (stale.revision, stale.value) == (2, "newer, from B")
    assert stale.seconds_left > 0
    answer = _answer(attempt)
    assert (answer.value, answer.revision, answer.client) == ("newer, from B", 2, "tab-b")
    # What A typed is kept for staff, never as the answer.
    assert list(LateSave.objects.values_list("value", "reason")) == [
        ("older text typed in A", "conflict")
    ]


def test_it_takes_the_tab_s_version_once_it_has_seen_the_newer_revision(attempt) -> None:
    _save(attempt, "first", at=1, base=0, client="tab-a")
    _save(attempt, "from B", at=2, base=1, client="tab-b")
    assert _save(attempt, "A again", at=3, base=1, client="tab-a").conflict
    # The student chose to keep A's version: the page now bases it on revision 2.
    kept = _save(attempt, "A again", at=4, base=2, client="tab-a")
    assert (kept.accepted, kept.revision) == (True, 3)
    assert list(_answer(attempt).revisions.values_list("value", "client")) == [
        ("first", "tab-a"),
        ("from B", "tab-b"),
        ("A again", "tab-a"),
    ]


@pytest.mark.parametrize(
    ("base", "client", "value"),
    [
        pytest.param(1, "tab-a", "typed on", id="a retry whose reply was lost"),
        pytest.param(None, "tab-a", "typed on", id="no base revision"),
        pytest.param(1, "", "typed on", id="no page id"),
        pytest.param(1, "tab-b", "A's second", id="the value already held"),
        pytest.param(2, "tab-b", "typed on", id="based on the newest revision"),
    ],
)
def test_it_accepts_saves_that_overwrite_nothing_unseen(attempt, base, client, value) -> None:
    _save(attempt, "A's first", at=1, base=0, client="tab-a")
    # A's next save reached the server, but A never heard back: its base is still 1.
    _save(attempt, "A's second", at=2, base=1, client="tab-a")

    result = _save(attempt, value, at=3, base=base, client=client)

    assert result.accepted and not result.conflict
    assert _answer(attempt).value == value
    assert not LateSave.objects.exists()


def test_it_still_refuses_a_late_save_as_late_not_as_a_conflict(attempt) -> None:
    _save(attempt, "first", at=1, base=0, client="tab-a")
    _save(attempt, "from B", at=2, base=1, client="tab-b")
    late = _save(attempt, "A, too late", at=3600, base=1, client="tab-a")
    assert (late.accepted, late.late, late.conflict) == (False, True, False)
