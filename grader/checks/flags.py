"""``kind = "flags"``: what sort of function the target is, from its code flags.

Options (each ``true`` or ``false``): ``generator``, ``coroutine``,
``async_generator``, ``nested`` (defined inside another function).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from grader import messages
from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.common import code_or_failure, result

if TYPE_CHECKING:
    from questions.format import CheckOptions

FLAGS: dict[str, tuple[int, str]] = {
    # option -> (co_flags bit, words for a student)
    "generator": (inspect.CO_GENERATOR, "generator function"),
    "coroutine": (inspect.CO_COROUTINE, "coroutine function (async def)"),
    "async_generator": (inspect.CO_ASYNC_GENERATOR, "generator defined with async def"),
    "nested": (inspect.CO_NESTED, "function defined inside another function"),
}


class FlagsCheck(Check):
    kind = "flags"
    option_keys = frozenset(FLAGS)

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        return [
            (k, "must be true or false") for k, v in check.options.items() if type(v) is not bool
        ]

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        unknown = set(spec.options) - set(FLAGS)
        if unknown:
            raise ValueError(f"unknown flags option(s): {', '.join(sorted(unknown))}")
        target, code, failure = code_or_failure(spec, ctx)
        if code is None:
            if failure is None:  # an invariant, kept under python -O
                raise RuntimeError("expected failure is not None")
            return failure
        details = {name: bool(code.co_flags & bit) for name, (bit, _) in FLAGS.items()}
        for option, wanted in spec.options.items():
            if details[option] != bool(wanted):
                text = messages.FLAGS_MISMATCH.format(
                    target=target, negation="" if wanted else "not ", flag=FLAGS[option][1]
                )
                return result(spec, False, text, details)
        return result(spec, True, details=details)
