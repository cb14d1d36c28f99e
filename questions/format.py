"""Parse and validate question packages and whole banks (no Django needed).

A bank is a folder; every folder below it holding a ``question.toml`` is one question
whose id is its path relative to the bank root. ``load_bank`` reads every question and
collects *all* problems before raising, so a TA sees every mistake of a bank at once.

Parameterised variants (an extension of the contract): a question may carry

    [variants]
    generator = "variants.py"

naming a file beside ``question.toml`` that defines ``generate(rng) -> dict`` of plain
values. ``{{ name }}`` placeholders in the prompt, the explanation, the options, answer/answers,
test ``expr`` and ``raises`` expressions are replaced by ``str(value)``; ``{{ name!r }}``
inserts ``repr(value)`` (handy in expressions). A placeholder that is the whole of a
numeric ``answer`` keeps the value's type. ``instantiate(question, seed)`` returns the
variant for a seed; a code question's test drivers also see the values as the global
``VARIANT`` of ``cases.py``. The generator is written by course staff and reviewed in
git like settings, so it runs on the trusted side (the worker, the import command) with
no sandbox; what it returns must be plain data and is checked.

Other extensions: ``[[tests]]`` and ``[[checks]]`` take an optional ``name`` (default:
the case name, ``test-N`` or ``<kind>-N``) and an optional ``title``, the words a student
reads for it on the results page ("counts every call"); an optional ``explanation``
(Markdown) says why the answer is right, shown when the quiz's review options allow; an
empty ``bank.toml`` marks a bank's root so a package loaded on its own gets its full id.
The ``essay`` type is a written answer that staff grade by hand (nothing scores it),
with optional ``min_words``/``max_words``, ``response_lines`` and ``grader_info``
(Markdown for the graders only). Images beside question.toml are checked by the bank
check, not here (``questions.images``): a stored version is parsed without them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import keyword
import math
import random
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTION_FILE = "question.toml"
TYPES = ("choice", "multi", "numeric", "text", "code", "essay")
# Types whose answers staff grade by hand: nothing scores them automatically.
HAND_GRADED_TYPES = ("essay",)
CHECK_KINDS = ("bytecode", "scope", "flags", "raises", "performance")
GROWTH_CLASSES = ("constant", "logarithmic", "linear", "linearithmic", "quadratic")

_COMMON_KEYS = {"title", "type", "prompt", "points", "topics", "variants", "explanation"}
_TYPE_KEYS = {
    "choice": {"options", "answer", "shuffle"},
    "multi": {"options", "answers", "shuffle"},
    "numeric": {"answer", "tolerance", "rel_tolerance"},
    "text": {"answers", "case_sensitive"},
    "code": {"code", "tests", "checks"},
    "essay": {"min_words", "max_words", "response_lines", "grader_info"},
}
# An essay's answer box: how many lines tall by default, and the largest sensible size.
ESSAY_LINES_DEFAULT = 10
ESSAY_LINES_MAX = 60
_CODE_KEYS = {"entry", "reference", "starter", "cases", "cpu_seconds", "memory_mb"}
_TEST_KEYS = {"name", "title", "expr", "case", "hidden", "points", "tolerance"}
_CHECK_COMMON = {"kind", "name", "title", "points", "feedback", "target"}
_CHECK_KEYS = {
    "bytecode": {"require", "forbid", "max_instructions", "calls_forbidden"},
    "scope": {"locals", "cellvars", "freevars", "names"},
    "flags": {"generator", "coroutine", "async_generator", "nested"},
    "raises": {"expr", "exception"},
    "performance": {"baseline", "inputs", "sizes", "faster_by", "slower_by_at_most", "growth"},
}
_VARIANT_KEYS = {"generator"}

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!r)?\s*\}\}")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SKIP_DIRS = {"__pycache__", ".git", ".pytest_cache", ".ruff_cache"}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank: which file, which key, and why."""

    file: str  # relative to the bank root, e.g. "scopes/nonlocal-counter/question.toml"
    key: str  # dotted key ("tests[2].expr"), or "" when the whole file is at fault
    reason: str

    def __str__(self) -> str:
        if self.key:
            return f"{self.file}: key '{self.key}': {self.reason}"
        return f"{self.file}: {self.reason}"


class FormatError(Exception):
    """A question or bank breaks the contract; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


# ----------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class TestSpec:
    name: str  # the case name, or "test-N" (1-based) for an expression
    expr: str | None
    case: str | None
    hidden: bool
    points: float
    tolerance: float | None  # relative tolerance for floats/arrays; None: 1e-9
    # What a student reads for this test ("counts every call"); "" when not authored.
    # Display only: ``name`` stays the key of the result (and seeds the driver).
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class CheckSpec:
    kind: str
    name: str  # "name" key, or "<kind>-N" (N counts checks of the question, 1-based)
    points: float
    feedback: str
    target: str  # dotted path from the module; default: the first entry
    # The kind-specific keys exactly as written (after validation), e.g. for bytecode
    # {"require": [...], "forbid": [...]}; performance also gets "baseline" = "reference"
    # when absent.
    options: dict[str, Any] = field(default_factory=dict, hash=False)
    title: str = ""  # what a student reads for this check; "" when not authored

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class CodeSpec:
    entry: tuple[str, ...]
    reference: str  # file name beside question.toml
    reference_source: str
    starter: str | None
    starter_source: str | None
    cases: str | None
    cases_source: str | None
    cpu_seconds: float
    memory_mb: int
    tests: tuple[TestSpec, ...]
    checks: tuple[CheckSpec, ...]
    # Other .py files of the package by name (for performance baselines "file.py:fn").
    files: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class VariantSpec:
    generator: str  # file name beside question.toml
    source: str


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    type: str
    prompt: str
    points: float
    topics: tuple[str, ...]
    content_hash: str  # sha256 over every file of the package (names and bytes)
    path: str = ""  # the package folder on disk (for tools; not part of the identity)
    options: tuple[str, ...] = ()
    answer: Any = None  # choice: str; numeric: int | float
    answers: tuple[str, ...] = ()
    shuffle: bool = True
    tolerance: float = 0.0
    rel_tolerance: float = 0.0
    case_sensitive: bool = False
    code: CodeSpec | None = None
    variants: VariantSpec | None = None
    seed: int | None = None  # set on an instantiated variant
    explanation: str = ""  # Markdown: why the answer is right (for the review after a quiz)
    # essay: word limits shown to the student (None: no limit), the answer box's height,
    # and Markdown for the staff who grade it (a rubric; never shown to students).
    min_words: int | None = None
    max_words: int | None = None
    response_lines: int = ESSAY_LINES_DEFAULT
    grader_info: str = ""
    variant: dict[str, Any] | None = field(default=None, hash=False)

    @property
    def has_variants(self) -> bool:
        return self.variants is not None


# ------------------------------------------------------------------------- loading


def find_question_dirs(bank_root: Path) -> list[Path]:
    """Every folder at or below ``bank_root`` that holds a question.toml, sorted."""
    root = Path(bank_root)
    found = []
    for toml_path in root.rglob(QUESTION_FILE):
        rel_parts = toml_path.relative_to(root).parts
        if any(p in _SKIP_DIRS or p.startswith(".") for p in rel_parts[:-1]):
            continue
        if toml_path.is_file():
            found.append(toml_path.parent)
    return sorted(found)


def load_bank(bank_root: str | Path) -> list[Question]:
    """Load every question of a bank; raise FormatError listing every problem found."""
    root = Path(bank_root)
    if not root.is_dir():
        raise FormatError([Problem(str(root), "", "not a folder")])
    dirs = find_question_dirs(root)
    if not dirs:
        raise FormatError([Problem(str(root), "", f"no {QUESTION_FILE} below this folder")])
    questions: list[Question] = []
    problems: list[Problem] = []
    for d in dirs:
        qid = d.relative_to(root).as_posix() if d != root else d.name
        q, probs = _load(d, qid)
        problems.extend(probs)
        if q is not None:
            questions.append(q)
    if problems:
        raise FormatError(problems)
    return questions


def load_question(question_dir: str | Path, qid: str | None = None) -> Question:
    """Load one package. Without ``qid`` the id is guessed with ``guess_id``."""
    d = Path(question_dir)
    if not (d / QUESTION_FILE).is_file():
        raise FormatError([Problem(str(d), "", f"no {QUESTION_FILE} in this folder")])
    q, problems = _load(d, qid if qid is not None else guess_id(d))
    if problems or q is None:
        raise FormatError(problems)
    return q


def guess_id(question_dir: Path) -> str:
    """The id of a package loaded on its own: its path below the bank root.

    The bank root is the folder holding a ``bank.toml`` if an ancestor has one;
    otherwise the topmost ancestor reached before a folder that is clearly not part of a
    bank (a Python package, a project or repository root). Failing both, the id is the
    folder's own name.
    """
    d = question_dir.resolve()
    chain = [d]
    for parent in d.parents:
        if (parent / "bank.toml").is_file():
            return d.relative_to(parent).as_posix()
        if any((parent / m).exists() for m in ("__init__.py", "pyproject.toml", ".git")):
            return d.relative_to(chain[-1]).as_posix() if len(chain) > 1 else d.name
        chain.append(parent)
    return d.name


def content_hash(question_dir: Path) -> str:
    """sha256 over the package's files: relative names and bytes, in a stable order.

    Sub-folders that are questions of their own are not part of this package.
    """
    h = hashlib.sha256()
    for path in package_files(question_dir):
        rel = path.relative_to(question_dir).as_posix()
        data = path.read_bytes()
        h.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def package_files(question_dir: Path) -> list[Path]:
    """Every file of the package in a stable order, without sub-folders that are
    questions of their own (and without caches such as __pycache__)."""
    files: list[Path] = []

    def walk(d: Path, top: bool) -> None:
        if not top and (d / QUESTION_FILE).exists():
            return
        for p in sorted(d.iterdir()):
            if p.name in _SKIP_DIRS or p.name.startswith(".") or p.suffix == ".pyc":
                continue
            if p.is_dir():
                walk(p, False)
            elif p.is_file():
                files.append(p)

    walk(question_dir, True)
    return files


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, reason: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, key, reason))


def _load(d: Path, qid: str) -> tuple[Question | None, list[Problem]]:
    toml_file = f"{qid}/{QUESTION_FILE}"
    c = _Collector(toml_file)
    try:
        raw = tomllib.loads((d / QUESTION_FILE).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        c.add("", f"not valid TOML: {e}")
        return None, c.problems
    except (OSError, UnicodeDecodeError) as e:
        c.add("", f"cannot be read: {e}")
        return None, c.problems
    q = _parse(raw, d, qid, c)
    if "variants" not in raw:
        _check_placeholders(raw, c)
    if q is not None and not c.problems:
        if q.variants is not None and not c.problems:
            # Try a couple of seeds so a generator that breaks the question (an answer
            # missing from the options, a value that is not plain data) is refused now.
            for seed in (0, 1):
                try:
                    v = instantiate(q, seed)
                except FormatError as e:
                    c.problems.extend(e.problems)
                    break
                _validate_type_fields(v, c, variant_seed=seed)
                if c.problems:
                    break
    return (q if not c.problems else None), c.problems


def _read_sibling(d: Path, qid: str, key: str, name: Any, c: _Collector) -> str | None:
    if not isinstance(name, str) or not name:
        c.add(key, "must be a file name (a string)")
        return None
    p = d / name
    if "/" in name or "\\" in name or name.startswith(".") or not p.is_file():
        c.add(key, f"file '{name}' does not exist beside {QUESTION_FILE}")
        return None
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        c.add(key, f"file '{name}' cannot be read: {e}")
        return None


def _compiles(src: str, name: str, key: str, qid: str, c: _Collector) -> bool:
    try:
        compile(src, name, "exec", dont_inherit=True)
    except SyntaxError as e:
        c.add("", f"syntax error at line {e.lineno}: {e.msg}", file=f"{qid}/{name}")
        return False
    except (ValueError, RecursionError, MemoryError) as e:
        c.add(key, f"'{name}' cannot be compiled: {e}")
        return False
    return True


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _unknown(table: Mapping[str, Any], allowed: set[str], prefix: str, c: _Collector) -> None:
    for k in table:
        if k not in allowed:
            c.add(f"{prefix}{k}", f"unknown key (allowed here: {', '.join(sorted(allowed))})")


def _parse(raw: dict[str, Any], d: Path, qid: str, c: _Collector) -> Question | None:
    qtype = raw.get("type")
    if qtype is None:
        c.add("type", "is required")
    elif qtype not in TYPES:
        c.add("type", f"must be one of {', '.join(TYPES)}")
        qtype = None
    allowed = _COMMON_KEYS | (_TYPE_KEYS[qtype] if qtype else set().union(*_TYPE_KEYS.values()))
    _unknown(raw, allowed, "", c)

    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        c.add("title", "is required and must be a non-empty string")
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        c.add("prompt", "is required and must be a non-empty string")
    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str):
        c.add("explanation", "must be a string (Markdown)")
        explanation = ""
    topics = raw.get("topics", [])
    if not _str_list(topics):
        c.add("topics", "must be a list of strings")
        topics = []
    points_given = "points" in raw
    points = raw.get("points", 1)
    if not _number(points) or points <= 0:
        c.add("points", "must be a positive number")
        points = 1

    variants = None
    if "variants" in raw:
        vt = raw["variants"]
        if not isinstance(vt, dict):
            c.add("variants", 'must be a table with generator = "file.py"')
        else:
            _unknown(vt, _VARIANT_KEYS, "variants.", c)
            if "generator" not in vt:
                c.add("variants.generator", "is required")
            else:
                src = _read_sibling(d, qid, "variants.generator", vt["generator"], c)
                if src is not None and _compiles(
                    src, vt["generator"], "variants.generator", qid, c
                ):
                    variants = VariantSpec(vt["generator"], src)

    kw: dict[str, Any] = {}
    if qtype in ("choice", "multi"):
        options = raw.get("options")
        if not _str_list(options) or len(options) < 2:
            c.add("options", "must be a list of at least two strings")
            options = []
        elif len(set(options)) != len(options):
            c.add("options", "must not repeat an option")
        kw["options"] = tuple(options)
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            c.add("shuffle", "must be true or false")
            shuffle = True
        kw["shuffle"] = shuffle
        if qtype == "choice":
            if "answer" not in raw:
                c.add("answer", "is required")
            elif not isinstance(raw["answer"], str):
                c.add("answer", "must be a string (one of the options)")
            kw["answer"] = raw.get("answer")
        else:
            answers = raw.get("answers")
            if not _str_list(answers) or not answers:
                c.add("answers", "must be a non-empty list of strings (options)")
                answers = []
            kw["answers"] = tuple(answers)
    elif qtype == "numeric":
        ans = raw.get("answer")
        if ans is None:
            c.add("answer", "is required")
        elif not (_number(ans) or (isinstance(ans, str) and variants and _PLACEHOLDER.search(ans))):
            c.add("answer", "must be a finite number")
        kw["answer"] = ans
        for key in ("tolerance", "rel_tolerance"):
            v = raw.get(key, 0.0)
            if not _number(v) or v < 0:
                c.add(key, "must be a number >= 0")
                v = 0.0
            kw[key] = float(v)
    elif qtype == "text":
        answers = raw.get("answers")
        if not _str_list(answers) or not answers or not all(a.strip() for a in answers):
            c.add("answers", "must be a non-empty list of non-blank strings")
            answers = []
        kw["answers"] = tuple(answers)
        cs = raw.get("case_sensitive", False)
        if not isinstance(cs, bool):
            c.add("case_sensitive", "must be true or false")
            cs = False
        kw["case_sensitive"] = cs
    elif qtype == "code":
        code = _parse_code(raw, d, qid, c)
        kw["code"] = code
        if code is not None and not points_given:
            # A code question without "points" is worth what its tests and checks add up to.
            total = sum(t.points for t in code.tests) + sum(k.points for k in code.checks)
            points = total if total > 0 else 1
    elif qtype == "essay":
        kw.update(_parse_essay(raw, c))

    if c.problems or qtype is None:
        return None
    q = Question(
        id=qid,
        title=title,
        type=qtype,
        prompt=prompt,
        points=float(points),
        topics=tuple(topics),
        content_hash=content_hash(d),
        path=str(d),
        variants=variants,
        explanation=explanation.strip(),
        **kw,
    )
    if variants is None:
        _validate_type_fields(q, c)
    return q


def _parse_essay(raw: dict[str, Any], c: _Collector) -> dict[str, Any]:
    """An essay's optional keys: word limits, the answer box's height, staff notes."""
    kw: dict[str, Any] = {}
    for key in ("min_words", "max_words"):
        v = raw.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            c.add(key, "must be a whole number >= 1")
            v = None
        kw[key] = v
    if kw["min_words"] and kw["max_words"] and kw["min_words"] > kw["max_words"]:
        c.add("min_words", "must not be more than max_words")
    lines = raw.get("response_lines", ESSAY_LINES_DEFAULT)
    if not isinstance(lines, int) or isinstance(lines, bool) or not 1 <= lines <= ESSAY_LINES_MAX:
        c.add("response_lines", f"must be a whole number from 1 to {ESSAY_LINES_MAX}")
        lines = ESSAY_LINES_DEFAULT
    kw["response_lines"] = lines
    info = raw.get("grader_info", "")
    if not isinstance(info, str):
        c.add("grader_info", "must be a string (Markdown)")
        info = ""
    kw["grader_info"] = info.strip()
    return kw


def _validate_type_fields(q: Question, c: _Collector, variant_seed: int | None = None) -> None:
    """Checks that need the final values (run again on each variant)."""
    where = f" (variant for seed {variant_seed})" if variant_seed is not None else ""
    if q.type == "choice" and q.answer not in q.options:
        c.add("answer", f"must be one of the options{where}")
    if q.type == "multi":
        for a in q.answers:
            if a not in q.options:
                c.add("answers", f"'{a}' is not one of the options{where}")
        if len(set(q.answers)) != len(q.answers):
            c.add("answers", f"must not repeat an answer{where}")
    if q.type in ("choice", "multi") and len(set(q.options)) != len(q.options):
        c.add("options", f"must not repeat an option{where}")
    if q.type == "numeric" and not _number(q.answer):
        c.add("answer", f"must be a finite number{where}")
    if variant_seed is not None and q.code is not None:
        for i, t in enumerate(q.code.tests, 1):
            if t.expr:
                _check_expr(t.expr, f"tests[{i}].expr", c, where)
        for i, k in enumerate(q.code.checks, 1):
            if k.kind == "raises" and isinstance(k.options.get("expr"), str):
                _check_expr(k.options["expr"], f"checks[{i}].expr", c, where)


def _parse_code(raw: dict[str, Any], d: Path, qid: str, c: _Collector) -> CodeSpec | None:
    ct = raw.get("code")
    if not isinstance(ct, dict):
        c.add("code", "a code question needs a [code] table")
        return None
    _unknown(ct, _CODE_KEYS, "code.", c)
    entry = ct.get("entry")
    if isinstance(entry, str):
        entry = [entry]
    if not _str_list(entry) or not entry:
        c.add("code.entry", "must be a non-empty list of names")
        entry = []
    for name in entry:
        if not _IDENT.match(name) or keyword.iskeyword(name):
            c.add("code.entry", f"'{name}' is not a Python name")

    ref_name = ct.get("reference")
    ref_src = None
    if ref_name is None:
        c.add("code.reference", "is required")
    else:
        ref_src = _read_sibling(d, qid, "code.reference", ref_name, c)
        if ref_src is not None:
            _compiles(ref_src, ref_name, "code.reference", qid, c)
    starter = ct.get("starter")
    starter_src = None
    if starter is not None:
        starter_src = _read_sibling(d, qid, "code.starter", starter, c)
        # A starter may be deliberately unfinished, so it is not required to compile.
    cases = ct.get("cases")
    cases_src = None
    case_names: set[str] | None = None
    if cases is not None:
        cases_src = _read_sibling(d, qid, "code.cases", cases, c)
        if cases_src is not None and _compiles(cases_src, cases, "code.cases", qid, c):
            case_names = _top_level_functions(cases_src)

    cpu = ct.get("cpu_seconds", 2)
    if not _number(cpu) or not 0 < cpu <= 60:
        c.add("code.cpu_seconds", "must be a number in (0, 60]")
        cpu = 2
    mem = ct.get("memory_mb", 256)
    if not isinstance(mem, int) or isinstance(mem, bool) or not 16 <= mem <= 4096:
        c.add("code.memory_mb", "must be a whole number of megabytes in [16, 4096]")
        mem = 256

    tests = _parse_tests(raw.get("tests", []), cases, case_names, c)
    checks = _parse_checks(raw.get("checks", []), entry, d, cases, case_names, c)
    if not tests and not checks:
        c.add("tests", "a code question needs at least one [[tests]] or [[checks]] entry")
    names = [t.name for t in tests] + [k.name for k in checks]
    for n in sorted({n for n in names if names.count(n) > 1}):
        c.add("tests", f"the name '{n}' is used by more than one test or check")

    files: dict[str, str] = {}
    for p in sorted(d.glob("*.py")):
        try:
            files[p.name] = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if ref_src is None:
        return None
    return CodeSpec(
        entry=tuple(entry),
        reference=ref_name,
        reference_source=ref_src,
        starter=starter,
        starter_source=starter_src,
        cases=cases,
        cases_source=cases_src,
        cpu_seconds=float(cpu),
        memory_mb=mem,
        tests=tuple(tests),
        checks=tuple(checks),
        files=files,
    )


def _top_level_functions(src: str) -> set[str]:
    import ast

    try:
        tree = ast.parse(src)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _parse_tests(
    raw: Any, cases: str | None, case_names: set[str] | None, c: _Collector
) -> list[TestSpec]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        c.add("tests", "must be an array of tables ([[tests]])")
        return []
    out = []
    for i, t in enumerate(raw, 1):
        p = f"tests[{i}]."
        _unknown(t, _TEST_KEYS, p, c)
        expr, case = t.get("expr"), t.get("case")
        if (expr is None) == (case is None):
            c.add(f"tests[{i}]", "needs exactly one of 'expr' or 'case'")
        if expr is not None:
            if not isinstance(expr, str) or not expr.strip():
                c.add(p + "expr", "must be a non-empty string")
                expr = None
            elif not _PLACEHOLDER.search(expr):
                _check_expr(expr, p + "expr", c)
        if case is not None:
            if not isinstance(case, str) or not _IDENT.match(case):
                c.add(p + "case", "must be the name of a function case_<name> in the cases file")
                case = None
            elif cases is None:
                c.add(p + "case", "needs a cases file: set code.cases")
            elif case_names is not None and f"case_{case}" not in case_names:
                c.add(p + "case", f"{cases} does not define case_{case}(m, rng)")
        hidden = t.get("hidden", False)
        if not isinstance(hidden, bool):
            c.add(p + "hidden", "must be true or false")
            hidden = False
        pts = t.get("points", 1)
        if not _number(pts) or pts < 0:
            c.add(p + "points", "must be a number >= 0")
            pts = 1
        tol = t.get("tolerance")
        if tol is not None and (not _number(tol) or tol < 0):
            c.add(p + "tolerance", "must be a number >= 0")
            tol = None
        name = t.get("name", case if isinstance(case, str) else f"test-{i}")
        if not isinstance(name, str) or not name.strip():
            c.add(p + "name", "must be a non-empty string")
            name = f"test-{i}"
        title = _title(t, p, c)
        out.append(
            TestSpec(
                name=name,
                expr=expr,
                case=case,
                hidden=hidden,
                points=float(pts),
                tolerance=None if tol is None else float(tol),
                title=title,
            )
        )
    return out


TITLE_MAX = 120  # a check's title is one line in a list


def _title(table: dict[str, Any], p: str, c: _Collector) -> str:
    """A test's or check's optional ``title``: one short line of plain text."""
    title = table.get("title", "")
    if not isinstance(title, str) or "\n" in title.strip() or len(title) > TITLE_MAX:
        c.add(p + "title", f"must be one line of text, at most {TITLE_MAX} characters")
        return ""
    return title.strip()


def _check_expr(expr: str, key: str, c: _Collector, where: str = "") -> None:
    try:
        compile(expr, "<expr>", "eval", dont_inherit=True)
    except SyntaxError as e:
        c.add(key, f"not a Python expression: {e.msg}{where}")


def _parse_checks(
    raw: Any,
    entry: list[str],
    d: Path,
    cases: str | None,
    case_names: set[str] | None,
    c: _Collector,
) -> list[CheckSpec]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        c.add("checks", "must be an array of tables ([[checks]])")
        return []
    out = []
    for i, t in enumerate(raw, 1):
        p = f"checks[{i}]."
        kind = t.get("kind")
        if kind not in CHECK_KINDS:
            c.add(p + "kind", f"must be one of {', '.join(CHECK_KINDS)}")
            continue
        _unknown(t, _CHECK_COMMON | _CHECK_KEYS[kind], p, c)
        pts = t.get("points", 1)
        if not _number(pts) or pts < 0:
            c.add(p + "points", "must be a number >= 0")
            pts = 1
        feedback = t.get("feedback", "")
        if not isinstance(feedback, str):
            c.add(p + "feedback", "must be a string")
            feedback = ""
        target = t.get("target", entry[0] if entry else "")
        if not isinstance(target, str) or not all(_IDENT.match(part) for part in target.split(".")):
            c.add(p + "target", "must be a dotted name such as make_counter or make_counter.c")
            target = ""
        name = t.get("name", f"{kind}-{i}")
        if not isinstance(name, str) or not name.strip():
            c.add(p + "name", "must be a non-empty string")
            name = f"{kind}-{i}"
        title = _title(t, p, c)
        options = {k: t[k] for k in _CHECK_KEYS[kind] if k in t}
        _validate_options(kind, options, p, d, cases, case_names, c)
        out.append(CheckSpec(kind, name, float(pts), feedback, target, options, title))
    return out


def _validate_options(
    kind: str,
    o: dict[str, Any],
    p: str,
    d: Path,
    cases: str | None,
    case_names: set[str] | None,
    c: _Collector,
) -> None:
    if not o and kind != "performance":
        c.add(
            p.rstrip("."),
            f"a {kind} check needs at least one of {', '.join(sorted(_CHECK_KEYS[kind]))}",
        )
    if kind == "bytecode":
        for k in ("require", "forbid", "calls_forbidden"):
            if k in o and not _str_list(o[k]):
                c.add(p + k, "must be a list of strings")
        if all(_str_list(o.get(k, [])) for k in ("require", "forbid")):
            # A misspelt opcode must be refused at import, not found at grading time.
            from grader.checks import option_problems

            for problem in option_problems(kind, o):
                key, _, reason = problem.partition(": ")
                c.add(p + key, reason)
        if "max_instructions" in o:
            m = o["max_instructions"]
            if not isinstance(m, int) or isinstance(m, bool) or m < 1:
                c.add(p + "max_instructions", "must be a whole number >= 1")
    elif kind == "scope":
        for k in ("locals", "cellvars", "freevars", "names"):
            if k in o and not _str_list(o[k]):
                c.add(p + k, "must be a list of names")
    elif kind == "flags":
        for k, v in o.items():
            if not isinstance(v, bool):
                c.add(p + k, "must be true or false")
    elif kind == "raises":
        for k in ("expr", "exception"):
            if k not in o:
                c.add(p + k, "is required")
        if "expr" in o:
            if not isinstance(o["expr"], str) or not o["expr"].strip():
                c.add(p + "expr", "must be a non-empty string")
            elif not _PLACEHOLDER.search(o["expr"]):
                _check_expr(o["expr"], p + "expr", c)
        if "exception" in o and (
            not isinstance(o["exception"], str)
            or not all(_IDENT.match(x) for x in o["exception"].split("."))
        ):
            c.add(p + "exception", "must be an exception class name such as UnboundLocalError")
    elif kind == "performance":
        base = o.setdefault("baseline", "reference")
        if not isinstance(base, str):
            c.add(p + "baseline", 'must be "reference" or "file.py:function"')
        elif base != "reference":
            fname, _, fn = base.partition(":")
            if not fname.endswith(".py") or not _IDENT.match(fn or "-"):
                c.add(p + "baseline", 'must be "reference" or "file.py:function"')
            elif not (d / fname).is_file() or "/" in fname:
                c.add(p + "baseline", f"file '{fname}' does not exist beside {QUESTION_FILE}")
            elif fn not in _top_level_functions((d / fname).read_text(encoding="utf-8")):
                c.add(p + "baseline", f"{fname} does not define {fn}")
        if "inputs" not in o:
            c.add(p + "inputs", "is required (a function perf_input(n, rng) in the cases file)")
        elif not isinstance(o["inputs"], str) or not _IDENT.match(o["inputs"]):
            c.add(p + "inputs", "must be a function name")
        elif cases is None:
            c.add(p + "inputs", "needs a cases file: set code.cases")
        elif case_names is not None and o["inputs"] not in case_names:
            c.add(p + "inputs", f"{cases} does not define {o['inputs']}(n, rng)")
        sizes = o.get("sizes")
        if (
            not isinstance(sizes, list)
            or not sizes
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
        ):
            c.add(p + "sizes", "must be a non-empty list of positive whole numbers")
        if "faster_by" in o and "slower_by_at_most" in o:
            c.add(p + "faster_by", "give faster_by or slower_by_at_most, not both")
        for k in ("faster_by", "slower_by_at_most"):
            if k in o and (not _number(o[k]) or o[k] <= 0):
                c.add(p + k, "must be a positive number")
        if not any(k in o for k in ("faster_by", "slower_by_at_most", "growth")):
            c.add(p.rstrip("."), "needs faster_by, slower_by_at_most or growth")
        if "growth" in o and o["growth"] not in GROWTH_CLASSES:
            c.add(p + "growth", f"must be one of {', '.join(GROWTH_CLASSES)}")


# ------------------------------------------------------------------------ variants

_PLAIN_SCALARS = (str, int, float, bool)


def _plain(v: Any) -> bool:
    if type(v) in _PLAIN_SCALARS:
        return not (type(v) is float and not math.isfinite(v))
    if type(v) is list:
        return all(_plain(x) for x in v)
    return False


def _check_placeholders(raw: dict[str, Any], c: _Collector) -> None:
    """Placeholders need a [variants] generator: report each one found without it."""
    strings: list[tuple[str, Any]] = [
        ("prompt", raw.get("prompt")),
        ("answer", raw.get("answer")),
        ("explanation", raw.get("explanation")),
    ]
    for key in ("options", "answers"):
        if isinstance(raw.get(key), list):
            strings += [(f"{key}[{i}]", v) for i, v in enumerate(raw[key], 1)]
    for key in ("tests", "checks"):
        if isinstance(raw.get(key), list):
            strings += [
                (f"{key}[{i}].expr", t.get("expr"))
                for i, t in enumerate(raw[key], 1)
                if isinstance(t, dict)
            ]
    for key, text in strings:
        if isinstance(text, str):
            for m in _PLACEHOLDER.finditer(text):
                c.add(key, f"placeholder {{{{ {m.group(1)} }}}} needs a [variants] generator")


def _run_generator(q: Question, seed: int) -> dict[str, Any]:
    """Run the staff-written generator (trusted: reviewed in git like settings)."""
    assert q.variants is not None
    gen_file = f"{q.id}/{q.variants.generator}"
    namespace: dict[str, Any] = {"__name__": f"variants:{q.id}"}
    try:
        exec(compile(q.variants.source, gen_file, "exec", dont_inherit=True), namespace)
        gen = namespace.get("generate")
        if not callable(gen):
            raise FormatError([Problem(gen_file, "generate", "must define generate(rng) -> dict")])
        values = gen(random.Random(seed))
    except FormatError:
        raise
    except Exception as e:  # the generator's own bug: report it against its file
        raise FormatError(
            [Problem(gen_file, "generate", f"raised {type(e).__name__}: {e} (seed {seed})")]
        ) from e
    if type(values) is not dict or not all(type(k) is str and _IDENT.match(k) for k in values):
        raise FormatError([Problem(gen_file, "generate", "must return a dict keyed by names")])
    for k, v in values.items():
        if not _plain(v):
            raise FormatError(
                [
                    Problem(
                        gen_file,
                        "generate",
                        f"value of '{k}' is not a str/int/float/bool or a list of them",
                    )
                ]
            )
    return values


def _substitute(text: str, values: dict[str, Any], key: str, missing: list[str]) -> Any:
    m = _PLACEHOLDER.fullmatch(text.strip())
    if m and key == "answer" and m.group(1) in values and not m.group(2):
        return values[m.group(1)]  # keep the value's type (a numeric answer)

    def repl(mm: re.Match[str]) -> str:
        name = mm.group(1)
        if name not in values:
            missing.append(f"{key}: {{{{ {name} }}}}")
            return mm.group(0)
        return repr(values[name]) if mm.group(2) else str(values[name])

    return _PLACEHOLDER.sub(repl, text)


def instantiate(question: Question, seed: int) -> Question:
    """The variant of ``question`` for ``seed`` (the same seed gives the same variant).

    A question without variants is returned as it is. Raises FormatError when the
    generator fails or a placeholder names a value the generator does not produce.
    """
    if question.variants is None:
        return question
    values = _run_generator(question, seed)
    missing: list[str] = []

    def sub(key: str, text: Any) -> Any:
        return _substitute(text, values, key, missing) if isinstance(text, str) else text

    changes: dict[str, Any] = {
        "prompt": sub("prompt", question.prompt),
        "explanation": sub("explanation", question.explanation),
        "options": tuple(sub(f"options[{i}]", o) for i, o in enumerate(question.options, 1)),
        "answer": sub("answer", question.answer),
        "answers": tuple(sub(f"answers[{i}]", a) for i, a in enumerate(question.answers, 1)),
        "seed": seed,
        "variant": dict(values),
    }
    code = question.code
    if code is not None:
        tests = tuple(
            dataclasses.replace(t, expr=sub(f"tests[{i}].expr", t.expr)) if t.expr else t
            for i, t in enumerate(code.tests, 1)
        )
        checks = []
        for i, k in enumerate(code.checks, 1):
            if k.kind == "raises" and isinstance(k.options.get("expr"), str):
                opts = dict(k.options, expr=sub(f"checks[{i}].expr", k.options["expr"]))
                k = dataclasses.replace(k, options=opts)
            checks.append(k)
        changes["code"] = dataclasses.replace(code, tests=tests, checks=tuple(checks))
    if missing:
        gen_file = f"{question.id}/{question.variants.generator}"
        raise FormatError(
            [
                Problem(
                    f"{question.id}/{QUESTION_FILE}",
                    m.split(":")[0],
                    f"placeholder {m.split(': ', 1)[1]} is not produced by {gen_file}",
                )
                for m in missing
            ]
        )
    return dataclasses.replace(question, **changes)
