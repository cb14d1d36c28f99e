"""The rules a bank must pass before it is imported, with no Django: load, validate,
self-check. Written once, for every way in: the bank sync (``quizsite.bank.sync``),
``python -m grader check`` (a bank or one package, ``grader.authoring``) and
``python -m grader import``.

``load_question``/``load_bank`` read packages with ``questions.format`` and have every
check kind judge its own options (``grader.checks.validate_options``).
``validate(path)`` loads every package of a bank on its own (every problem of every
package at once) and checks statically that each code question's reference defines
every ``entry`` name and every check ``target``, and that the images a prompt shows
are beside it, of an allowed type and size (``questions.images``).
``self_check(questions, sandbox)`` grades each code question's reference with the
grader's pipeline: it must be graded (not ``error``) and earn full marks (every test
and check passed in full), for seeds 0, 1 and 2 when the question has variants.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import pipeline
from grader.checks import validate_options
from questions import format as qformat
from questions import images
from questions.format import QUESTION_FILE, FormatError, Problem, Question, find_question_dirs

log = logging.getLogger(__name__)

# Seeds a question with variants is self-checked with: its reference must earn full
# marks whatever variant a student draws; a few seeds catch most generators that
# only work for some values.
VARIANT_CHECK_SEEDS = (0, 1, 2)
BANK_MARKER = "bank.toml"  # an (optionally empty) file at a bank's root

SandboxRun = Callable[[str, dict[str, Any], Any], Any]


# -------------------------------------------------------------------------- loading


def load_question(question_dir: str | Path, qid: str | None = None) -> Question:
    """One package, its check options judged by their kinds; raises FormatError."""
    return qformat.load_question(question_dir, qid, checks=validate_options)


def load_bank(bank_root: str | Path) -> list[Question]:
    """Every package of a bank, check options judged; FormatError lists every problem."""
    return qformat.load_bank(bank_root, checks=validate_options)


@dataclass(frozen=True)
class Shortfall(Problem):
    """The reference falls short of one of its own tests or checks."""

    reference: str = ""  # path of the reference file below the bank root
    what: str = ""  # "scope 'scope-1'"
    where: str = ""  # " (variant seed 1)"
    feedback: str = ""

    def for_author(self) -> str:
        """The line ``python -m grader check`` prints: named by the reference file."""
        return f"{self.reference}: {self.what} fails for the reference{self.where}: {self.feedback}"


def author_line(problem: Problem) -> str:
    """A problem as the command line shows it to a question's author."""
    return problem.for_author() if isinstance(problem, Shortfall) else str(problem)


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


def package_problems(q: Question) -> list[Problem]:
    """What a package that parsed can still get wrong: names its reference does not
    define, images that are missing or not allowed."""
    return reference_problems(q) + image_problems(q)


def image_problems(q: Question) -> list[Problem]:
    """The package's images: each one the prompt or explanation shows is beside
    question.toml, of an allowed type by its bytes, and within the size limits."""
    texts = {"prompt": q.prompt, "explanation": q.explanation}
    return [
        Problem(f"{q.id}/{file}" if file else q.id, key, reason)
        for file, key, reason in images.problems(Path(q.path), texts)
    ]


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
        own = package_problems(q)
        if own:
            problems.extend(own)
        else:
            questions.append(q)
    return questions, problems


# ---------------------------------------------------------------- stage 2: self-check


def _item_key(q: Question, name: str) -> str:
    if q.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected q.code is not None")
    for i, t in enumerate(q.code.tests, 1):
        if t.name == name:
            return f"tests[{i}]"
    for i, c in enumerate(q.code.checks, 1):
        if c.name == name:
            return f"checks[{i}]"
    return "code.reference"


def check_reference(q: Question, sandbox: SandboxRun) -> list[Problem]:
    """Grade the reference against its own question; every shortfall is one problem."""
    if q.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected q.code is not None")
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
                what = f"{check.kind} '{check.name}'"
                problems.append(
                    Shortfall(
                        _toml(q),
                        _item_key(q, check.name),
                        f"the reference fails its own {what}{where}: {detail}",
                        reference=f"{q.id}/{q.code.reference}",
                        what=what,
                        where=where,
                        feedback=detail,
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
    questions: Iterable[Question], sandbox: SandboxRun
) -> tuple[list[str], list[Problem]]:
    """Self-check every code question: (ids checked, problems found)."""
    problems: list[Problem] = []
    checked = []
    for q in questions:
        if q.type != "code":
            continue
        problems.extend(check_reference(q, sandbox))
        checked.append(q.id)
    return checked, problems


def check_folder(
    path: str | Path, sandbox: SandboxRun, only: Iterable[str] | None = None
) -> tuple[list[str], list[Problem]]:
    """Validate the bank holding ``path`` and self-check its questions below ``path``.

    For a folder inside a bank (an import into a topic folder) the whole enclosing
    bank is validated, since ids are paths from its root. ``only`` limits the
    self-check to these ids, relative to ``path`` (the questions an import wrote).
    Returns the ids self-checked and every problem.
    """
    chosen, problems = _chosen(path, only)
    checked, failed = self_check(chosen, sandbox)
    return checked, problems + failed


def check_bank(path: str | Path, sandbox: SandboxRun) -> tuple[list[Question], list[Problem]]:
    """``check_folder`` for ``python -m grader check``: the valid questions below
    ``path`` (self-checked or not) and every problem."""
    chosen, problems = _chosen(path, None)
    _, failed = self_check(chosen, sandbox)
    return chosen, problems + failed


def _chosen(path: str | Path, only: Iterable[str] | None) -> tuple[list[Question], list[Problem]]:
    """The valid questions of the bank holding ``path`` below it (and among ``only``),
    with every problem of that bank."""
    folder = Path(path).resolve()
    root = _enclosing_bank(folder) or folder
    prefix = folder.relative_to(root).as_posix() if root != folder else ""
    questions, problems = validate(root)

    def below(qid: str) -> str | None:
        if not prefix:
            return qid
        return qid[len(prefix) + 1 :] if qid.startswith(prefix + "/") else None

    wanted = set(only) if only is not None else None
    chosen = [
        q
        for q in questions
        if below(q.id) is not None and (wanted is None or below(q.id) in wanted)
    ]
    return chosen, problems
