"""Carrying out a similarity run (``tasks.find_similar_answers``; staff ask for one
with ``integrity.request_similarity_run``). The comparison itself is ``grader.similarity`` (pure, no Django); this module
loads the answers, passes them in and stores the ranked pairs.

A run compares the submitted answers of one quiz to one code question (any version
of it), without the starter code and the reference of every version they answered,
and on request also against the submitted answers to the same question in other
quizzes (earlier courses): then only pairs with at least one answer of this quiz are
kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from grader import similarity
from quizsite.quizzes import content
from quizsite.quizzes.models import Answer, AttemptStatus, SimilarityPair, SimilarityRun

log = logging.getLogger(__name__)

PAIRS_KEPT = 200
# Longer than the task's hard time limit: a run still "running" after this lost its
# worker (a redelivered message finds it claimed and does nothing), and the page says so.
STALE_AFTER = timedelta(minutes=10)


def is_stale(run: SimilarityRun, *, now: datetime) -> bool:
    """Whether a run that never finished should be shown as stopped."""
    started = run.started_at or run.requested_at
    return run.status in (SimilarityRun.Status.QUEUED, SimilarityRun.Status.RUNNING) and (
        now - started > STALE_AFTER
    )


def _claim(run_id: int, now: datetime) -> bool:
    """Only one worker runs a run (a redelivered message finds it taken)."""
    return bool(
        SimilarityRun.objects.filter(pk=run_id, status=SimilarityRun.Status.QUEUED).update(
            status=SimilarityRun.Status.RUNNING, started_at=now
        )
    )


def _answers(run: SimilarityRun) -> tuple[dict[int, str], set[int], set[int]]:
    """(answer id -> source, the ids of this quiz's answers, the versions answered)."""
    submitted = Answer.objects.filter(
        attempt_question__question_version__question_id=run.question_id,
        attempt_question__attempt__status=AttemptStatus.SUBMITTED,
    )
    if not run.include_archive:
        submitted = submitted.filter(attempt_question__attempt__quiz_id=run.quiz_id)
    rows = submitted.values_list(
        "pk", "value", "attempt_question__attempt__quiz_id", "attempt_question__question_version_id"
    ).order_by("pk")
    sources: dict[int, str] = {}
    ours: set[int] = set()
    versions: set[int] = set()
    for pk, value, quiz_id, version_id in rows:
        if not isinstance(value, str) or not value.strip():
            continue
        sources[pk] = value
        if quiz_id == run.quiz_id:
            ours.add(pk)
            versions.add(version_id)
    return sources, ours, versions


def given_code(version_ids: set[int]) -> tuple[str, str]:
    """The starter code and the reference of every version answered, one after another."""
    from quizsite.bank.models import QuestionVersion

    starters, references = [], []
    for version in QuestionVersion.objects.filter(pk__in=version_ids).order_by("number"):
        code = content.parsed(version).code
        if code is not None:
            starters.append(code.starter_source or "")
            references.append(code.reference_source or "")
    return "\n".join(starters), "\n".join(references)


def run(run_id: int, *, now: datetime) -> SimilarityRun.Status | None:
    """Carry out a queued run. Returns its final status, or None when it was not
    queued (another worker has it, or it is finished). Any error ends the run as
    failed, with the reason for staff: a rerun is a click on the page."""
    if not _claim(run_id, now):
        return None
    record = SimilarityRun.objects.get(pk=run_id)
    try:
        sources, ours, versions = _answers(record)
        starter, reference = given_code(versions)
        SimilarityRun.objects.filter(pk=run_id).update(total=len(sources))

        def progress(done: int, total: int) -> None:
            SimilarityRun.objects.filter(pk=run_id).update(done=done, total=total)

        result = similarity.compare(
            sources,
            starter=starter,
            reference=reference,
            only_with=ours,
            limit=PAIRS_KEPT,
            progress=progress,
        )
    except Exception as exc:  # the run must end in a state staff see, whatever happened
        log.exception("similarity run %s failed", run_id)
        SimilarityRun.objects.filter(pk=run_id).update(
            status=SimilarityRun.Status.FAILED, finished_at=now, error=type(exc).__name__
        )
        return SimilarityRun.Status.FAILED
    with transaction.atomic():
        SimilarityPair.objects.bulk_create(
            SimilarityPair(
                run_id=run_id,
                answer_a_id=p.a,
                answer_b_id=p.b,
                rank=rank,
                score=p.score,
                shared=p.shared,
                share_a=p.share_a,
                share_b=p.share_b,
            )
            for rank, p in enumerate(result.pairs, 1)
        )
        SimilarityRun.objects.filter(pk=run_id).update(
            status=SimilarityRun.Status.DONE,
            finished_at=now,
            done=F("total"),
            too_short=len(result.too_short),
            truncated=len(result.truncated),
        )
    return SimilarityRun.Status.DONE
