"""The base class of every check kind, and the context a check sees.

A kind is one module of ``grader.checks`` holding one ``Check`` subclass: its option
schema and their validation (``option_keys``, ``validate``), what it needs from the
pipeline (``uses_sandbox``, ``probe_section``), its behaviour (``run``) and, through
``grader.messages``, its sentences. The registry is ``grader.checks.KINDS``.

A check never runs student code itself. Static kinds (bytecode, scope, flags) look
at code objects that the *trusted* side compiled from the submission's source with
``compile()``; the sandbox is only asked which compiled function each name ended up
bound to (``GradingContext.code_for``). Kinds that must run code ask for it: a
``probe_section`` has the pipeline's probe evaluate something in the submission's
own sandbox run (raises), ``uses_sandbox`` gives the check ``ctx.run_sandbox``
(performance).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from grader.sandbox.api import Limits, RunResult

if TYPE_CHECKING:
    # Types only: the static analyses of this package also run (in tests) on Pythons
    # older than the package format needs (tomllib).
    from questions.format import CheckOptions, CheckSpec, Question


@dataclass
class CheckResult:
    name: str
    kind: str
    passed: bool
    points: float
    max_points: float
    feedback: str = ""  # one sentence a student may read; never hidden data
    details: dict[str, Any] = field(default_factory=dict)  # e.g. {"ratio": 12.5}

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "passed": self.passed,
            "points": self.points,
            "max_points": self.max_points,
            "feedback": self.feedback,
        }
        if self.details:
            d["details"] = self.details
        return d


SandboxRun = Callable[[str, dict[str, Any], Limits], RunResult]


@dataclass
class GradingContext:
    """What a check may look at. Built by the pipeline for one grading run."""

    question: Question  # the parsed package (an instantiated variant)
    source: str  # the submission's source text
    # compile(source, "submission.py", "exec"), trusted; None for kinds that use
    # sandboxes, which run outside the analysis child that holds the compile
    module_code: types.CodeType | None
    # target dotted path -> trusted code object, or None when the name is not a function
    resolve: Callable[[str], types.CodeType | None]
    # run a harness task in a fresh sandbox: (task, payload, limits) -> RunResult
    run_sandbox: SandboxRun
    seed: int = 0  # chosen by the trusted side
    # The submission's probe answer (grader.harness.probe): "module", "bindings",
    # "tests" and one section per kind with a ``probe_section`` ("raises").
    probe: dict[str, Any] | None = None
    # The reference's probe answer, for kinds that compare with it.
    reference_probe: dict[str, Any] | None = None
    # The student-facing reason ``resolve`` gave None ("f is not a function ...").
    explain: Callable[[str], str] | None = None
    limits: Limits | None = None  # the question's limits, for further sandbox runs

    def code_for(self, target: str) -> types.CodeType | None:
        return self.resolve(target)

    @property
    def bindings(self) -> dict[str, Any]:
        """Target -> what the probe says it is bound to."""
        bindings = (self.probe or {}).get("bindings")
        return bindings if isinstance(bindings, dict) else {}


Found = list[tuple[str, str]]  # (key below the check, or "" for the whole check; reason)


class Check:
    """One check kind. Subclasses set ``kind`` and ``option_keys`` and implement
    ``validate`` (class method: the question's options) and ``run``."""

    kind: ClassVar[str] = ""
    # The keys of [[checks]] this kind reads besides the common ones.
    option_keys: ClassVar[frozenset[str]] = frozenset()
    # True when at least one option must be given.
    needs_an_option: ClassVar[bool] = True
    # True for kinds that run sandboxes (``ctx.run_sandbox``). The others run in the
    # pipeline's budgeted analysis child, which must never start a sandbox (the
    # sandbox's processes would inherit the child's limits and die with it).
    uses_sandbox: ClassVar[bool] = False
    # The section of the probe's payload and answer this kind uses (``probe_item``):
    # the probe evaluates it in the submission's own run, before any hidden test.
    probe_section: ClassVar[str | None] = None

    def __init__(self, spec: CheckSpec) -> None:
        self.spec = spec

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        """What is wrong with ``check.options`` (unknown keys are refused before)."""
        return []

    @classmethod
    def probe_item(cls, spec: CheckSpec) -> dict[str, Any] | None:
        """What this check asks the probe to evaluate (kinds with a ``probe_section``)."""
        return None

    @classmethod
    def probe_unanswered(cls, error: str) -> dict[str, Any]:
        """The answer recorded for a probe item whose run did not answer (``error``)."""
        return {"error": error}

    def run(self, ctx: GradingContext) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError
