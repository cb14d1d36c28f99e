"""The write side of exam integrity: similarity runs asked for by staff (carried
out by ``similarity_runs`` in a Celery task); the browser sessions that open an
attempt (one device at a time) and the activity timeline of an attempt.

Nothing here ever blocks a save or a submission: the activity log only records, and
the one-device rule keeps a second session off the attempt page until staff allow it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from quizsite.bank.models import Question
from quizsite.lib.locks import for_update
from quizsite.quizzes import access_rules, activity
from quizsite.quizzes.models import (
    ActivityEvent,
    Attempt,
    AttemptSession,
    AttemptStatus,
    Quiz,
    SimilarityRun,
)
from quizsite.quizzes.tasks import find_similar_answers


def request_similarity_run(
    quiz: Quiz, question: Question, *, include_archive: bool, by, now: datetime
) -> SimilarityRun:
    """Queue a run; the task starts once the row is committed."""
    run = SimilarityRun.objects.create(
        quiz=quiz,
        question=question,
        include_archive=include_archive,
        requested_by=by,
        requested_at=now,
    )
    transaction.on_commit(lambda: find_similar_answers.delay(run.pk))
    return run


# ------------------------------------------------------------- devices and activity


def session_hash(session_key: str | None) -> str:
    """What is stored of a session key: its SHA-256 (an empty key hashes too, so a
    client without a session is one more device, never a crash)."""
    return hashlib.sha256((session_key or "").encode()).hexdigest()


@dataclass(frozen=True)
class Visit:
    session: AttemptSession
    refused: bool  # the one-device rule keeps this session out for now


def _changes(session: AttemptSession, address: str | None, browser: str, now: datetime) -> list:
    """Events for a known session seen again from another address or browser."""
    events = []
    if address and session.address and address != session.address:
        events.append(
            ActivityEvent(
                kind=activity.ADDRESS_CHANGED,
                detail=f"{session.address} → {address}",
                address=address,
            )
        )
    if browser and session.browser and browser != session.browser:
        events.append(ActivityEvent(kind=activity.BROWSER_CHANGED, detail=browser))
    session.address = address or session.address
    session.browser = browser or session.browser
    session.last_seen = now
    return events


def _save(attempt: Attempt, session: AttemptSession, events: list, now: datetime) -> None:
    for e in events:
        e.attempt = attempt
        e.session = session
        e.at = e.at or now
        e.address = e.address or session.address
    ActivityEvent.objects.bulk_create(events)


def note_visit(
    attempt: Attempt,
    *,
    session_key: str | None,
    address: str | None,
    browser: str,
    rules: access_rules.Rules,
    now: datetime,
) -> Visit:
    """Record that a browser session opened the attempt page. The first session is
    the attempt's owner; another is logged as a new device and, under the one-device
    rule, refused until staff allow it. Serialised per attempt (its row is locked), so
    two first visits at once cannot both become the owner."""
    browser = activity.browser_name(browser)
    mine = session_hash(session_key)
    with transaction.atomic():
        for_update(Attempt.objects.filter(pk=attempt.pk)).first()
        sessions = list(AttemptSession.objects.filter(attempt=attempt))
        session = next((s for s in sessions if s.session_hash == mine), None)
        if session is None:
            first = not sessions
            session = AttemptSession.objects.create(
                attempt=attempt,
                session_hash=mine,
                owner=first,
                allowed=first,
                first_seen=now,
                last_seen=now,
                address=address,
                browser=browser,
            )
            sessions.append(session)
            events = [
                ActivityEvent(
                    kind=activity.OPENED if first else activity.NEW_DEVICE,
                    detail=browser,
                    address=address,
                )
            ]
        else:
            events = _changes(session, address, browser, now)
            session.save(update_fields=["address", "browser", "last_seen"])
        owner = next((s.session_hash for s in sessions if s.owner), mine)
        allowed = frozenset(s.session_hash for s in sessions if s.allowed)
        refused = access_rules.device_refused(rules, owner=owner, this=mine, allowed=allowed)
        if refused and not session.owner and session.first_seen == now:
            events.append(ActivityEvent(kind=activity.DEVICE_REFUSED, address=address))
        _save(attempt, session, events, now)
    return Visit(session, refused)


def record_activity(
    attempt: Attempt,
    events: list[activity.ClientEvent],
    *,
    session_key: str | None,
    address: str | None,
    browser: str,
    now: datetime,
) -> int:
    """Store what a running attempt's page reported (focus, pastes), plus an address
    or browser change seen with the report. Returns how many events were stored; a
    report for a submitted attempt, or from a session that never opened it, keeps
    nothing (it is no use on the timeline and must not fail the page)."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return 0
    session = AttemptSession.objects.filter(
        attempt=attempt, session_hash=session_hash(session_key)
    ).first()
    if session is None:
        return 0
    rows = _changes(session, address, activity.browser_name(browser), now)
    rows += [ActivityEvent(kind=e.kind, at=e.at, position=e.position, size=e.size) for e in events]
    with transaction.atomic():
        session.save(update_fields=["address", "browser", "last_seen"])
        _save(attempt, session, rows, now)
    return len(rows)


def allow_device(attempt: Attempt, session_id: int, *, by, now: datetime) -> AttemptSession:
    """Staff let another device work on the attempt (the first broke down, say)."""
    session = AttemptSession.objects.get(pk=session_id, attempt=attempt)
    if not session.allowed:
        session.allowed = True
        session.allowed_by = by
        session.save(update_fields=["allowed", "allowed_by"])
        ActivityEvent.objects.create(
            attempt=attempt,
            session=session,
            kind=activity.DEVICE_ALLOWED,
            at=now,
            detail=by.get_username() if by else "",
        )
    return session
