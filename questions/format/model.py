"""The question-package format's vocabulary: problems, and what a parsed package holds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

QUESTION_FILE = "question.toml"
TYPES = ("choice", "multi", "numeric", "text", "code", "essay")
# Types whose answers staff grade by hand: nothing scores them automatically.
HAND_GRADED_TYPES = ("essay",)
# An essay's answer box: how many lines tall by default, and the largest sensible size.
ESSAY_LINES_DEFAULT = 10
ESSAY_LINES_MAX = 60
# The keys every [[checks]] entry may have; the rest belong to its kind (grader.checks).
CHECK_COMMON_KEYS = frozenset({"kind", "name", "title", "points", "feedback", "target"})

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!r)?\s*\}\}")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def has_placeholder(text: str) -> bool:
    """Does ``text`` hold a ``{{ name }}`` placeholder (filled in per variant)?"""
    return PLACEHOLDER.search(text) is not None


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
    # Every key but the common ones, exactly as written, e.g. for bytecode
    # {"require": [...], "forbid": [...]}. Their meaning, and whether they are valid, is
    # the check kind's business (grader.checks), not the format's.
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


@dataclass(frozen=True)
class CheckOptions:
    """One check's kind and kind-specific options, with what a kind may need to judge
    them: the package folder (files beside question.toml) and the cases file."""

    kind: str
    options: Mapping[str, Any]
    folder: Path
    cases: str | None  # the cases file's name, None when the question has none
    case_names: frozenset[str] | None  # its top-level functions; None when unreadable
    where: str = ""  # " (variant for seed N)" when the options come from a variant


class CheckValidator(Protocol):
    """What the format asks about check options it does not understand itself.

    Returns ``(key, reason)`` pairs: ``key`` below the check (``"require"``), ``"kind"``
    for a kind nobody grades (the check is then dropped), or ``""`` for the check as
    a whole. ``grader.checks.validate_options`` is the one the grader loads with.
    """

    def __call__(self, check: CheckOptions) -> list[tuple[str, str]]: ...
