"""What is kept of an answer's past: its revisions and the saves we refused.

Both grow with every request a student sends, so both are bounded here. Revisions
are kept in full for a while (a dispute about the last minutes of a quiz needs every
one), then thinned to the last revision of each slot of time; a refused save keeps a
prefix of what was sent, its size and its hash, never an unbounded body.

``revisions_to_keep`` is pure (it takes ``now``); ``thin_revisions`` applies it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Every revision younger than this is kept.
KEEP_ALL_FOR = timedelta(minutes=2)
# Older revisions: only the last of each slot of this length (slots are counted from
# the epoch, so a revision's slot never changes as time passes).
SLOT = timedelta(minutes=5)
# Thinning looks at an answer's revisions once every this many of its saves.
THIN_EVERY = 10
# A refused save keeps this many characters of its JSON text: as long as the longest
# answer a code question accepts, so a refused save of a real answer loses nothing.
REFUSED_PREFIX_CHARS = 200_000

_EPOCH_SECONDS = int(SLOT.total_seconds())


def revisions_to_keep(revisions: Iterable[tuple[int, datetime]], *, now: datetime) -> set[int]:
    """The revision numbers to keep of one answer, given (revision, saved_at) pairs.

    Kept: the newest revision; every revision saved less than ``KEEP_ALL_FOR`` before
    ``now`` (exactly ``KEEP_ALL_FOR`` old is thinned); of the older ones, the newest of
    each ``SLOT``."""
    rows = sorted(revisions)
    if not rows:
        return set()
    keep = {rows[-1][0]}
    newest_in_slot: dict[int, int] = {}
    for number, saved_at in rows:
        if now - saved_at < KEEP_ALL_FOR:
            keep.add(number)
        else:
            newest_in_slot[int(saved_at.timestamp()) // _EPOCH_SECONDS] = number
    return keep | set(newest_in_slot.values())


def thin_revisions(answer_id: int, revision: int, *, now: datetime) -> int:
    """Delete the revisions of an answer that ``revisions_to_keep`` lets go; how many.
    Called by the save that adds ``revision``, inside its transaction; it looks only
    every ``THIN_EVERY`` revisions, so an ordinary save costs no extra query (and at
    most that many revisions wait for the next look)."""
    from quizsite.quizzes.models import AnswerRevision

    if revision % THIN_EVERY:
        return 0
    rows = list(
        AnswerRevision.objects.filter(answer_id=answer_id).values_list("revision", "saved_at")
    )
    if len(rows) < 2:
        return 0
    drop = {number for number, _ in rows} - revisions_to_keep(rows, now=now)
    if not drop:
        return 0
    deleted, _ = AnswerRevision.objects.filter(answer_id=answer_id, revision__in=drop).delete()
    return deleted


@dataclass(frozen=True)
class RefusedCopy:
    """What a refused save keeps of the value it carried."""

    value: Any  # the value itself, or the first characters of its JSON text
    size: int  # characters of the value's JSON text
    sha256: str  # of the whole JSON text (UTF-8), to match a copy a student kept
    truncated: bool


def refused_copy(value: Any) -> RefusedCopy:
    text = json.dumps(value, ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if len(text) <= REFUSED_PREFIX_CHARS:
        return RefusedCopy(value=value, size=len(text), sha256=digest, truncated=False)
    return RefusedCopy(
        value=text[:REFUSED_PREFIX_CHARS], size=len(text), sha256=digest, truncated=True
    )
