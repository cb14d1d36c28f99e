"""What ``bench/quiz_load.py`` checks and prints after the students are done: latency
per request kind during the spike and after it, lost answers (each acknowledged save
compared with the database), late saves refused, the expiry sweep, grading times."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from load_site import HOST

KINDS = ("start", "start try", "page", "autosave", "time left", "submit", "results", "progress")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def spike_end(records: list[list[Any]]) -> float:
    """When the spike ended (epoch seconds): the last first page came back."""
    ends = [began + seconds for kind, began, seconds, _ in records if kind == "page"]
    return max(ends) if ends else 0.0


def latency_table(records: list[list[Any]], until: float) -> list[str]:
    """p50/p95/p99 per kind for the requests begun before ``until`` (the spike) and
    after it."""
    phases: dict[tuple[str, str], list[float]] = defaultdict(list)
    for kind, began, seconds, _ in records:
        phases[("spike" if began < until else "after", kind)].append(seconds)
    lines = []
    for phase in ("spike", "after"):
        for kind in KINDS:
            values = phases.get((phase, kind))
            if values:
                lines.append(
                    f"{phase:5} {kind:9} n={len(values):6}  p50={pct(values, 50) * 1000:7.1f} ms"
                    f"  p95={pct(values, 95) * 1000:7.1f} ms  p99={pct(values, 99) * 1000:7.1f}"
                    f" ms  max={max(values) * 1000:7.1f} ms"
                )
    return lines


def lost_answers(
    acked: list[list[Any]], attempt_ids: list[int], unanswered: list[list[Any]] = ()
) -> tuple[int, int, int]:
    """(acknowledged saves missing or different in the database, saves checked,
    revisions the history's thinning may have removed). The database must hold, for
    every answer, the last value acknowledged as its current value (or a value the
    student sent after it whose reply never came: the server stored it, the client
    timed out), and every acknowledged revision the thinning has not looked at yet
    (``history``: it looks every ``THIN_EVERY`` revisions and keeps the last of each
    slot of time)."""
    from quizsite.quizzes.history import THIN_EVERY
    from quizsite.quizzes.models import Answer, AnswerRevision

    stored: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for aid, pos, rev, value in (
        AnswerRevision.objects.filter(answer__attempt_question__attempt_id__in=attempt_ids)
        .values_list(
            "answer__attempt_question__attempt_id",
            "answer__attempt_question__position",
            "revision",
            "value",
        )
        .iterator()
    ):
        stored[(aid, pos)][rev] = value
    current = {
        (aid, pos): (rev, value)
        for aid, pos, rev, value in Answer.objects.filter(
            attempt_question__attempt_id__in=attempt_ids
        ).values_list(
            "attempt_question__attempt_id", "attempt_question__position", "revision", "value"
        )
    }
    sent: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for aid, pos, rev, value in acked:
        sent[(aid, pos)][rev] = value
    unacknowledged: dict[tuple[int, int], set[str]] = defaultdict(set)
    for aid, pos, value in unanswered:
        unacknowledged[(aid, pos)].add(value)
    lost = checked = thinned = 0
    for key, revisions in sent.items():
        last_look = (current.get(key, (0, None))[0] // THIN_EVERY) * THIN_EVERY
        for rev, value in revisions.items():
            checked += 1
            held = stored[key].get(rev)
            if held is None and rev < last_look:
                thinned += 1
            elif held != value:
                lost += 1
        last = max(revisions)
        rev, value = current.get(key, (0, None))
        later = rev > last and value in unacknowledged[key]
        if (rev, value) != (last, revisions[last]) and not later:
            lost += 1  # the current value is not the last acknowledged one
    return lost, checked, thinned


def expire_everyone() -> tuple[int, float]:
    """Run the expiry sweep as if every attempt's time were up: how long the periodic
    task takes to submit and grade a whole class at once."""
    from django.utils import timezone

    from quizsite.quizzes.actions.attempts import expire_due

    began = time.perf_counter()
    count = expire_due(now=timezone.now() + timedelta(days=1))
    return count, time.perf_counter() - began


def probe_late_saves(
    port: int, sessions: dict[int, str], attempts: dict[int, int], count: int
) -> tuple[int, int]:
    """Put ``count`` running attempts' deadlines a minute and a grace period in the past
    (as if their time had run out), send one save each, and check each was refused,
    logged in LateSave and stored nowhere as an answer. Returns (refused correctly,
    probed)."""
    from django.utils import timezone

    from quizsite.quizzes.models import Answer, Attempt, AttemptStatus, LateSave

    running = Attempt.objects.filter(
        pk__in=list(attempts.values()), status=AttemptStatus.IN_PROGRESS
    ).select_related("quiz")[:count]
    ok = probed = 0
    for attempt in running:
        attempt.deadline = timezone.now() - timedelta(minutes=1) - attempt.quiz.grace
        attempt.save(update_fields=["deadline"])
        value = f"# too late for attempt {attempt.pk}\n"
        csrf = secrets.token_hex(16)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request(
                "POST",
                f"/quiz-attempts/{attempt.pk}/autosave/",
                body=json.dumps({"position": 1, "value": value, "revision": 0}),
                headers={
                    "Cookie": f"sessionid={sessions[attempt.user_id]}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Content-Type": "application/json",
                    "Host": HOST,
                },
            )
            resp = conn.getresponse()
            status, reply = resp.status, json.loads(resp.read())
        finally:
            conn.close()
        probed += 1
        logged = LateSave.objects.filter(
            attempt_question__attempt_id=attempt.pk, value=value, reason="late"
        ).exists()
        stored = Answer.objects.filter(
            attempt_question__attempt_id=attempt.pk, value=value
        ).exists()
        submitted = Attempt.objects.get(pk=attempt.pk).status == "submitted"
        if (status, reply.get("accepted"), reply.get("late")) == (410, False, True) and (
            logged and not stored and submitted
        ):
            ok += 1
    return ok, probed


def grading_times(attempt_ids: list[int]) -> tuple[list[float], int, int]:
    """Server side, per code answer submitted: seconds from the submission's creation to
    its result stored; also how many are not done and how many ended in ``error``."""
    from quizsite.grading.models import Submission
    from quizsite.quizzes.models import Answer

    ids = Answer.objects.filter(
        attempt_question__attempt_id__in=attempt_ids, submission__isnull=False
    ).values("submission_id")
    seconds, waiting, failed = [], 0, 0
    for status, created, finished in Submission.objects.filter(pk__in=ids).values_list(
        "status", "created_at", "finished_at"
    ):
        if finished is None:
            waiting += 1
            continue
        failed += status == "error"
        seconds.append((finished - created).total_seconds())
    return seconds, waiting, failed
