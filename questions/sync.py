"""Import a bank folder into the database: validate all, self-check, then one transaction.

``sync_bank(path)`` runs in three stages and writes nothing unless all of them pass:

1. **Validate** every package with ``questions.format.load_question`` (every problem of
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

A problem is a ``questions.format.Problem`` (file, key, reason) whatever the stage.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from questions.format import (
    QUESTION_FILE,
    FormatError,
    Problem,
    Question,
    find_question_dirs,
    load_question,
)
from questions.models import Question as QuestionRow
from questions.models import QuestionVersion
from questions.versions import read_package_files

log = logging.getLogger(__name__)

# Seeds a question with variants is self-checked with: its reference must earn full
# marks whatever variant a student draws; a few seeds catch most generators that
# only work for some values.
VARIANT_CHECK_SEEDS = (0, 1, 2)  # the same seeds as `python -m grader check`
BANK_MARKER = "bank.toml"  # an (optionally empty) file at a bank's root

SandboxRun = Callable[[str, dict[str, Any], Any], Any]


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


# ------------------------------------------------------------------- stage 1: validate


def _toml(q: Question) -> str:
    return f"{q.id}/{QUESTION_FILE}"


def _reference_scopes(src: str) -> tuple[set[str], dict[str, ast.AST]]:
    """Top-level names the reference binds, and its top-level functions by name."""
    tree = ast.parse(src)
    names: set[str] = set()
    functions: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
            functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names, functions


def _nested_function(node: ast.AST, name: str) -> ast.AST | None:
    """A function called ``name`` defined directly in ``node``'s body (at any block depth,
    but not inside another nested function), as ``outer.name`` addresses it."""
    stack = list(getattr(node, "body", []))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            if child.name == name:
                return child
            continue
        if isinstance(child, ast.ClassDef | ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(child))
    return None


def _resolves(target: str, functions: dict[str, ast.AST]) -> bool:
    head, *rest = target.split(".")
    node = functions.get(head)
    for part in rest:
        if node is None:
            return False
        node = _nested_function(node, part)
    return node is not None


def reference_problems(q: Question) -> list[Problem]:
    """Entry names and check targets that the reference does not define."""
    if q.code is None:
        return []
    try:
        names, functions = _reference_scopes(q.code.reference_source)
    except SyntaxError:  # already reported by the parser
        return []
    problems = []
    for name in q.code.entry:
        if name not in names:
            problems.append(
                Problem(
                    _toml(q),
                    "code.entry",
                    f"names '{name}', which {q.code.reference} does not define",
                )
            )
    for i, check in enumerate(q.code.checks, 1):
        if not check.target:
            continue
        head = check.target.split(".")[0]
        if check.target == q.code.entry[0] and head not in names:
            continue  # the default target: already reported once under code.entry
        if head in names and head not in functions:
            # Bound by an assignment, import or class (a decorated or generated
            # function): only running the reference can tell; the self-check does.
            continue
        if not _resolves(check.target, functions):
            problems.append(
                Problem(
                    _toml(q),
                    f"checks[{i}].target",
                    f"names the function '{check.target}', which {q.code.reference} does not define",
                )
            )
    return problems


def _enclosing_bank(root: Path) -> Path | None:
    for parent in root.resolve().parents:
        if (parent / BANK_MARKER).is_file():
            return parent
    return None


def validate(path: str | Path) -> tuple[list[Question], list[Problem]]:
    """Load every package of a bank on its own and check references statically.

    Returns the questions that passed and every problem found (of any question), so
    the caller can still self-check the valid ones and report everything at once.
    """
    root = Path(path)
    if not root.is_dir():
        return [], [Problem(str(path), "", "not a folder")]
    enclosing = _enclosing_bank(root)
    if enclosing is not None:
        # Ids are paths from the folder synced: a sub-folder would import every
        # question under a new id and retire the rest of the bank.
        return [], [
            Problem(
                str(path),
                "",
                f"is inside the bank at {enclosing} (it has a bank.toml); sync that folder",
            )
        ]
    dirs = find_question_dirs(root)
    if not dirs:
        return [], [Problem(str(path), "", f"no {QUESTION_FILE} below this folder")]
    questions: list[Question] = []
    problems: list[Problem] = []
    for d in dirs:
        qid = d.relative_to(root).as_posix() if d != root else d.name
        try:
            q = load_question(d, qid=qid)
        except FormatError as e:
            problems.extend(e.problems)
            continue
        own = reference_problems(q)
        if own:
            problems.extend(own)
        else:
            questions.append(q)
    return questions, problems


# ---------------------------------------------------------------- stage 2: self-check


def default_sandbox() -> SandboxRun:
    """The sandbox the grader's workers use (the fake one only when settings say so)."""
    if getattr(settings, "GRADER_SANDBOX", "real") == "fake":
        from grader.sandbox import fake

        return fake.run
    import grader.sandbox

    return grader.sandbox.run  # type: ignore[attr-defined,no-any-return]


def _item_key(q: Question, name: str) -> str:
    assert q.code is not None
    for i, t in enumerate(q.code.tests, 1):
        if t.name == name:
            return f"tests[{i}]"
    for i, c in enumerate(q.code.checks, 1):
        if c.name == name:
            return f"checks[{i}]"
    return "code.reference"


def check_reference(q: Question, sandbox: SandboxRun) -> list[Problem]:
    """Grade the reference against its own question; every shortfall is one problem."""
    from grader import pipeline

    assert q.code is not None
    seeds = VARIANT_CHECK_SEEDS if q.has_variants else (0,)
    problems: list[Problem] = []
    for seed in seeds:
        where = f" (variant seed {seed})" if q.has_variants else ""
        try:
            result = pipeline.grade(q, q.code.reference_source, sandbox=sandbox, seed=seed)
        except FormatError as e:  # a variant that cannot be instantiated
            return list(e.problems)
        except Exception as e:  # the grader itself broke: report, never half-import
            log.exception("self-check of %s crashed", q.id)
            return [
                Problem(_toml(q), "code.reference", f"could not be graded: {type(e).__name__}: {e}")
            ]
        for check in result.checks:
            if not check.passed or check.points < check.max_points:
                detail = check.feedback or "no feedback"
                problems.append(
                    Problem(
                        _toml(q),
                        _item_key(q, check.name),
                        f"the reference fails its own {check.kind} '{check.name}'{where}: {detail}",
                    )
                )
        if result.status != "graded":
            reasons = "; ".join(result.errors) or "the grader reported an error"
            problems.append(
                Problem(
                    _toml(q), "code.reference", f"the grader could not grade it{where}: {reasons}"
                )
            )
        elif not problems and result.score < result.max_score:
            problems.append(
                Problem(
                    _toml(q),
                    "code.reference",
                    f"earns {result.score:g} of {result.max_score:g} points{where}",
                )
            )
        if problems:
            break
    return problems


def self_check(
    questions: Iterable[Question], sandbox: SandboxRun | None = None
) -> tuple[list[str], list[Problem]]:
    """Self-check every code question: (ids checked, problems found)."""
    run = sandbox or default_sandbox()
    problems: list[Problem] = []
    checked = []
    for q in questions:
        if q.type != "code":
            continue
        problems.extend(check_reference(q, run))
        checked.append(q.id)
    return checked, problems


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
        # "of": PostgreSQL cannot lock the nullable side of the join to current.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        rows = rows.select_for_update(of=of)
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
    return QuestionVersion.objects.create(
        question=row,
        number=last + 1,
        content_hash=q.content_hash,
        files=read_package_files(Path(q.path)),
    )


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
