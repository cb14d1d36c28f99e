"""Import a bank folder into the database: validate all, self-check, then one transaction.

``sync_bank(path)`` runs in three stages and writes nothing unless all of them pass:

1. **Validate** every package with ``grader.bankcheck.load_question`` (every problem of
   every package, all at once), then check statically that each code question's reference defines
   every ``entry`` name and every check ``target`` (``make_counter.c`` included), so a
   check naming a missing function is reported against its own key, not as a vague
   failure of the reference.
2. **Self-check**: grade each code question's reference with the grader's pipeline; it
   must be graded (not ``error``) and earn full marks. A question with variants is
   checked with more than one seed.
3. **Import** in ONE transaction. A question whose content hash equals its current
   version's is untouched; a changed one gets a new ``QuestionVersion`` (old versions
   are never modified or deleted, so attempts keep the version they were given); a
   question that left the bank is marked retired, not deleted.

Stages 1 and 2 live in ``grader.bankcheck`` (no Django), so tools without a
database run the same rules. A problem is a ``questions.format.Problem`` (file, key,
reason) whatever the stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max

from grader import bankcheck
from grader.bankcheck import (  # noqa: F401 - part of this module's interface
    BANK_MARKER,
    VARIANT_CHECK_SEEDS,
    SandboxRun,
    check_reference,
    reference_problems,
    validate,
)
from questions.format import Problem, Question
from questions.images import content_type
from quizsite.bank.models import Question as QuestionRow
from quizsite.bank.models import QuestionImage, QuestionVersion
from quizsite.bank.versions import read_package_files, read_package_images
from quizsite.grader_sandbox import configured_sandbox
from quizsite.lib.locks import for_update


class SyncError(Exception):
    """The bank was refused; ``problems`` lists every reason, and nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass
class SyncReport:
    bank: str
    dry_run: bool
    created: list[str] = field(default_factory=list)  # new questions (version 1)
    updated: list[str] = field(default_factory=list)  # a new version of a known question
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # no longer in the bank folder
    checked: list[str] = field(default_factory=list)  # code questions self-checked
    self_checked: bool = True  # False when the caller skipped the references' self-check

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        checks = (
            f"{len(self.checked)} code question references earned full marks"
            if self.self_checked
            else "references not self-checked"
        )
        return (
            f"bank '{self.bank}': {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired)} retired ({verb} written); "
            f"{checks}"
        )


# ------------------------------------------------------ stages 1 and 2: see bankcheck


def self_check(
    questions: Iterable[Question], sandbox: SandboxRun | None = None
) -> tuple[list[str], list[Problem]]:
    """Self-check every code question with the workers' sandbox unless given another."""
    return bankcheck.self_check(questions, sandbox or configured_sandbox())


# ------------------------------------------------------------------- stage 3: import


@dataclass
class _Plan:
    create: list[Question] = field(default_factory=list)
    update: list[tuple[QuestionRow, Question]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retire: list[QuestionRow] = field(default_factory=list)


def _plan(bank: str, questions: list[Question], *, lock: bool) -> _Plan:
    rows = QuestionRow.objects.filter(bank=bank).select_related("current")
    if lock:
        # Its own rows only: PostgreSQL cannot lock the nullable side of the join to
        # current.
        rows = for_update(rows)
    existing = {row.path: row for row in rows}
    plan = _Plan()
    for q in questions:
        row = existing.pop(q.id, None)
        if row is None:
            plan.create.append(q)
        elif row.current is not None and row.current.content_hash == q.content_hash:
            if row.retired or _fields_differ(row, q):
                plan.update.append((row, q))  # same content back in the bank: no new version
            else:
                plan.unchanged.append(q.id)
        else:
            plan.update.append((row, q))
    plan.retire = [row for row in existing.values() if not row.retired]
    return plan


def _fields_differ(row: QuestionRow, q: Question) -> bool:
    return (row.title, row.type, list(row.topics)) != (q.title, q.type, list(q.topics))


def _new_version(row: QuestionRow, q: Question) -> QuestionVersion:
    last = row.versions.aggregate(n=Max("number"))["n"] or 0
    version = QuestionVersion.objects.create(
        question=row,
        number=last + 1,
        content_hash=q.content_hash,
        files=read_package_files(Path(q.path)),
    )
    QuestionImage.objects.bulk_create(
        QuestionImage(version=version, name=name, content_type=content_type(name), data=data)
        for name, data in read_package_images(Path(q.path)).items()
    )
    return version


def _lock_bank(bank: str) -> None:
    """Serialise concurrent syncs of one bank (PostgreSQL; SQLite locks the whole file)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sync_bank:{bank}"])


def _apply(bank: str, questions: list[Question], report: SyncReport) -> None:
    with transaction.atomic():
        _lock_bank(bank)
        plan = _plan(bank, questions, lock=True)
        for q in plan.create:
            row = QuestionRow.objects.create(
                bank=bank, path=q.id, title=q.title, type=q.type, topics=list(q.topics)
            )
            row.current = _new_version(row, q)
            row.save(update_fields=["current"])
            report.created.append(q.id)
        for row, q in plan.update:
            if row.current is None or row.current.content_hash != q.content_hash:
                row.current = _new_version(row, q)
            row.title, row.type, row.topics, row.retired = q.title, q.type, list(q.topics), False
            row.save(update_fields=["current", "title", "type", "topics", "retired"])
            report.updated.append(q.id)
        for row in plan.retire:
            row.retired = True
            row.save(update_fields=["retired"])
            report.retired.append(row.path)
        report.unchanged.extend(plan.unchanged)


def sync_bank(
    path: str | Path,
    *,
    bank: str = "sample",
    dry_run: bool = False,
    check: bool = True,
    sandbox: SandboxRun | None = None,
) -> SyncReport:
    """Validate, self-check and import the bank at ``path``; raise SyncError if refused.

    With ``dry_run`` everything is validated and checked and the report says what an
    import would do, but nothing is written. ``check=False`` skips the self-check (for
    tools that already ran ``python -m grader check``); the import stays atomic.
    """
    questions, problems = validate(path)
    report = SyncReport(bank=bank, dry_run=dry_run, self_checked=check)
    if check:
        # Only valid questions are graded: a broken one already has its message, and
        # grading it would only add a second, vaguer one for the same mistake.
        report.checked, failed = self_check(questions, sandbox)
        problems.extend(failed)
    if problems:
        raise SyncError(problems)
    if dry_run:
        plan = _plan(bank, questions, lock=False)
        report.created = [q.id for q in plan.create]
        report.updated = [q.id for _, q in plan.update]
        report.unchanged = plan.unchanged
        report.retired = [row.path for row in plan.retire]
        return report
    _apply(bank, questions, report)
    return report
