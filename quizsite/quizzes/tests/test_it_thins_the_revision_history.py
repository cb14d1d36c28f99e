"""An answer's revisions are kept in full for a while, then thinned to the last of
each slot of time; the newest is always kept. The rule is pure and tested a second
either side of each boundary; the save applies it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizsite.quizzes import history
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import AnswerRevision
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # on a slot boundary
SLOT_START = NOW - 6 * history.SLOT  # an old slot, long past the keep-all time


def test_it_keeps_nothing_of_no_revisions() -> None:
    assert history.revisions_to_keep([], now=NOW) == set()


def test_it_keeps_every_revision_younger_than_the_keep_all_time() -> None:
    rows = [
        (1, NOW - history.KEEP_ALL_FOR - S),  # thinned: another is newer in its slot
        (2, NOW - history.KEEP_ALL_FOR),  # exactly that old: an old one, the last of its slot
        (3, NOW - history.KEEP_ALL_FOR + S),  # kept
        (4, NOW),  # kept
    ]
    assert history.revisions_to_keep(rows, now=NOW) == {2, 3, 4}


def test_it_keeps_the_last_revision_of_each_old_slot() -> None:
    rows = [
        (1, SLOT_START - S),  # the last of the slot before
        (2, SLOT_START),  # the first of this slot
        (3, SLOT_START + history.SLOT - S),  # the last of this slot
        (4, SLOT_START + history.SLOT),  # the first (and last) of the next
        (5, NOW),
    ]
    assert history.revisions_to_keep(rows, now=NOW) == {1, 3, 4, 5}


def test_it_always_keeps_the_newest_revision() -> None:
    old = NOW - timedelta(days=1)
    assert history.revisions_to_keep([(7, old), (8, old + S)], now=NOW) == {8}
    assert history.revisions_to_keep([(8, old + S), (7, old)], now=NOW) == {8}


def test_it_thins_an_answer_saved_many_times(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    position = position_of(attempt, "code")
    # One save every 10 s for 20 minutes, a code answer each time.
    at = T0 + S
    for n in range(120):
        save_answer(attempt, position, f"x = {n}\n" + "#" * 5000, now=at)
        at += 10 * S
    now = at - 10 * S
    kept = list(AnswerRevision.objects.order_by("revision").values_list("revision", "saved_at"))
    assert kept[-1][0] == 120
    # What the rule keeps, give or take the saves since it last looked.
    assert {r for r, _ in kept} - set(range(121 - history.THIN_EVERY, 121)) <= (
        history.revisions_to_keep(kept, now=now)
    )
    assert len(kept) < 120 // 3
