"""One small base class for every check kind, and the context a check sees.

A check never runs student code itself. Static kinds (bytecode, scope, flags) look
at code objects that the *trusted* side compiled from the submission's source with
``compile()``; the sandbox is only asked which compiled function each name ended up
bound to (``GradingContext.code_for``). Kinds that must run code (raises,
performance) ask the pipeline's sandbox runner through the context.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from grader.sandbox.api import Limits, RunResult


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
        d = {
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


@dataclass
class GradingContext:
    """What a check may look at. Built by the pipeline for one grading run."""

    question: Any  # questions.format.Question (the parsed package)
    source: str  # the submission's source text
    # compile(source, "submission.py", "exec"), trusted; None for kinds that use
    # sandboxes, which run outside the analysis child that holds the compile
    module_code: types.CodeType | None
    # target dotted path -> trusted code object, or None when the name is not a function
    resolve: Callable[[str], types.CodeType | None]
    # run a harness task in a fresh sandbox: (task, payload, limits) -> RunResult
    run_sandbox: Callable[[str, dict[str, Any], Limits], RunResult]
    seed: int = 0  # chosen by the trusted side

    def code_for(self, target: str) -> types.CodeType | None:
        return self.resolve(target)


class Check:
    """Subclasses set ``kind`` and implement ``run``; registered by kind name."""

    kind: ClassVar[str] = ""
    # True for kinds that run sandboxes (``ctx.run_sandbox``). The others run in the
    # pipeline's budgeted analysis child, which must never start a sandbox (the
    # sandbox's processes would inherit the child's limits and die with it).
    uses_sandbox: ClassVar[bool] = False
    registry: ClassVar[dict[str, type[Check]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Check.registry[cls.kind] = cls

    def __init__(self, spec: Any) -> None:
        # spec: questions.format.CheckSpec (kind, name, points, feedback, target, options)
        self.spec = spec

    def run(self, ctx: GradingContext) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError
