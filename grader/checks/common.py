"""Small helpers shared by the check kinds: the target's name, results, feedback, and
the checks their option schemas share."""

from __future__ import annotations

import math
import types
from typing import TYPE_CHECKING, Any

from grader import messages
from grader.checks.base import CheckResult, GradingContext

if TYPE_CHECKING:
    from questions.format import CheckSpec


def is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def expression_problem(expr: str, where: str = "") -> str | None:
    """Why ``expr`` is not a Python expression, or None when it is one."""
    try:
        compile(expr, "<expr>", "eval", dont_inherit=True)
    except SyntaxError as e:
        return f"not a Python expression: {e.msg}{where}"
    return None


def target_of(spec: CheckSpec, ctx: GradingContext) -> str:
    """The dotted target of a check; the question's first entry when none was written."""
    target = getattr(spec, "target", "") or ""
    if target:
        return target
    code = getattr(ctx.question, "code", None)
    entry = getattr(code, "entry", None) or ()
    return str(entry[0]) if entry else ""


def result(
    spec: CheckSpec, passed: bool, sentence: str = "", details: dict[str, Any] | None = None
) -> CheckResult:
    """A result worth the check's points or nothing.

    A failing check always says why in its own sentence; the TA's ``feedback`` (a
    hint) follows it rather than replacing it, so a student still learns what was
    measured (for instance how far from the speed goal they are).
    """
    max_points = float(spec.points)
    feedback = ""
    if not passed:
        hint = (getattr(spec, "feedback", "") or "").strip()
        feedback = " ".join(part for part in (sentence.strip(), hint) if part)
    return CheckResult(
        name=spec.name,
        kind=spec.kind,
        passed=passed,
        points=max_points if passed else 0.0,
        max_points=max_points,
        feedback=feedback,
        details=dict(details or {}),
    )


def code_or_failure(
    spec: CheckSpec, ctx: GradingContext
) -> tuple[str, types.CodeType | None, CheckResult | None]:
    """``(target, code, None)`` or ``(target, None, failing result)`` when there is no code."""
    target = target_of(spec, ctx)
    code = ctx.code_for(target) if target else None
    if code is None:
        # The pipeline can say why (missing, bound to an int, ...); otherwise a general reason.
        sentence = ctx.explain(target) if ctx.explain is not None and target else ""
        sentence = sentence or messages.target_not_from_source(target or "?")
        return target, None, result(spec, False, sentence)
    return target, code, None


def name_list(names: list[str] | tuple[str, ...] | set[str]) -> str:
    """``a, b and c`` for a sentence (sorted, so the wording does not depend on order)."""
    items = sorted(names)
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
