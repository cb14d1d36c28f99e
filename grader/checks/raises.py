"""``kind = "raises"``: evaluating ``expr`` with the submission's names must raise.

Options: ``expr`` (a Python expression; ``{{ name }}`` placeholders allowed with
variants) and ``exception`` (a class name such as ``UnboundLocalError``), both required.

The expression runs in the sandbox as part of the pipeline's probe
(``grader.harness.probe``; this kind's ``probe_section``), which reports the raised
exception's class by name: the bare builtin name only when the class IS that builtin,
``module.qualname`` for any other class, so a submission cannot pass its own class off
as a builtin. The pipeline hands the probe's answer to checks as ``ctx.probe``; this
check reads ``ctx.probe["raises"][<check name>]``.

A subclass of the expected builtin counts (``KeyError`` for ``LookupError``): the
class hierarchy is looked up in this process's ``builtins``, not asked of the
submission. An expected name that is not a builtin (an exception class the exercise
has the student define) matches a raised class of that name from the submission.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from grader import messages
from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.common import expression_problem, result

if TYPE_CHECKING:
    from questions.format import CheckOptions, CheckSpec

_ERRORS = {
    "time_limit": "it ran out of time",
    "memory_limit": "it ran out of memory",
    "output_limit": "it printed too much output",
    "signaled": "it crashed the Python process",
}


def _builtin_exception(name: str) -> type[BaseException] | None:
    obj = getattr(builtins, name, None)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return obj
    return None


def raised_matches(raised: str, expected: str) -> bool:
    """Does an exception reported as ``raised`` count as ``expected``?"""
    expected = expected.removeprefix("builtins.")
    want = _builtin_exception(expected)
    if want is not None:
        got = _builtin_exception(raised)
        return got is not None and issubclass(got, want)
    return raised == expected or raised.endswith("." + expected)


class RaisesCheck(Check):
    kind = "raises"
    option_keys = frozenset({"expr", "exception"})
    probe_section = "raises"

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        # Here, not at the top: the analyses beside this kind also run on older Pythons.
        from questions.format import IDENTIFIER, has_placeholder

        o = check.options
        found: Found = [(k, "is required") for k in ("expr", "exception") if k not in o]
        expr = o.get("expr")
        if "expr" in o:
            if not isinstance(expr, str) or not expr.strip():
                found.append(("expr", "must be a non-empty string"))
            elif not has_placeholder(expr):  # a variant's is judged once filled in
                problem = expression_problem(expr, check.where)
                if problem:
                    found.append(("expr", problem))
        exception = o.get("exception")
        if "exception" in o and (
            not isinstance(exception, str)
            or not all(IDENTIFIER.match(x) for x in exception.split("."))
        ):
            found.append(("exception", "must be an exception class name such as UnboundLocalError"))
        return found

    @classmethod
    def probe_item(cls, spec: CheckSpec) -> dict[str, Any] | None:
        expr = spec.options.get("expr")
        return {"name": spec.name, "expr": expr} if isinstance(expr, str) else None

    @classmethod
    def probe_unanswered(cls, error: str) -> dict[str, Any]:
        return {"raised": None, "error": error}

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        expr: str = spec.options["expr"]
        expected: str = spec.options["exception"]
        probe = ctx.probe
        if probe is None:
            # Nothing ran the expression: a grading set-up fault, never a student's zero.
            raise RuntimeError("raises check needs ctx.probe from the pipeline")
        module = probe.get("module") or {}
        if not module.get("ok", False):
            reason = "it raised an error while it was being loaded."
            if module.get("exc_type"):
                reason = f"it raised {module['exc_type']} while it was being loaded."
            return result(spec, False, messages.CHECK_NOT_RUN.format(reason=reason))
        entry = (probe.get("raises") or {}).get(spec.name)
        if entry is None:
            # The pipeline did not ask the probe about this check: our fault, not the student's.
            raise LookupError(f"the probe has no answer for raises check {spec.name!r}")
        if entry.get("error") == "sandbox_error":
            raise RuntimeError(f"the sandbox failed while evaluating {expr!r}")
        if entry.get("error"):
            reason = _ERRORS.get(str(entry["error"]), f"it failed ({entry['error']})")
            reason = f"{expr} could not finish: {reason}."
            return result(spec, False, messages.CHECK_NOT_RUN.format(reason=reason))
        raised = entry.get("raised")
        details = {"raised": raised, "expected": expected}
        if raised is None:
            text = messages.RAISES_NOTHING.format(expr=expr, expected=expected)
            return result(spec, False, text, details)
        if not raised_matches(str(raised), expected):
            text = messages.RAISES_WRONG.format(expr=expr, got=raised, expected=expected)
            return result(spec, False, text, details)
        return result(spec, True, details=details)
