"""Small stand-ins that let the check tests run without the question parser or pipeline.

``Spec`` has the shape of ``questions.format.CheckSpec``; ``make_context`` builds a
``GradingContext`` whose ``resolve`` mimics the pipeline: the module runs (here, in
this process: only the tests' own small sources), the function each dotted name's
first part is bound to is matched back to the trusted compile by qualname, first
line and bytecode, and deeper parts are found by walking ``co_consts`` of that
trusted code object.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any

from grader.checks.base import GradingContext
from grader.sandbox import fake


@dataclass(frozen=True)
class Spec:
    kind: str
    name: str = "check-1"
    points: float = 1.0
    feedback: str = ""
    target: str = ""
    options: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Code:
    entry: tuple[str, ...] = ("f",)
    reference_source: str = ""
    cases_source: str | None = None
    cpu_seconds: float = 2.0
    memory_mb: int = 256
    files: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Question:
    code: Code


def _all_code(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _all_code(const)


def make_resolver(source: str, module_code: types.CodeType):
    namespace: dict[str, Any] = {}

    def resolve(target: str) -> types.CodeType | None:
        if not namespace:  # run the module on first use only (performance tests never do)
            namespace["__name__"] = "__submission__"
            exec(compile(source, "submission.py", "exec"), namespace)
        first, *rest = target.split(".")
        obj = namespace.get(first)
        if not isinstance(obj, types.FunctionType):
            return None
        live = obj.__code__
        found = None
        for code in _all_code(module_code):
            if (
                code.co_qualname == live.co_qualname
                and code.co_firstlineno == live.co_firstlineno
                and code.co_code == live.co_code
            ):
                found = code
                break
        for part in rest:
            if found is None:
                return None
            found = next(
                (c for c in found.co_consts if isinstance(c, types.CodeType) and c.co_name == part),
                None,
            )
        return found

    return resolve


def make_context(
    source: str,
    *,
    entry: tuple[str, ...] = ("f",),
    run_sandbox: Any = fake.run,
    probe: dict[str, Any] | None = None,
    code: Code | None = None,
    seed: int = 1,
) -> GradingContext:
    module_code = compile(source, "submission.py", "exec")
    ctx = GradingContext(
        question=Question(code or Code(entry=entry)),
        source=source,
        module_code=module_code,
        resolve=make_resolver(source, module_code),
        run_sandbox=run_sandbox,
        seed=seed,
    )
    if probe is not None:
        ctx.probe = probe  # type: ignore[attr-defined]
    return ctx
