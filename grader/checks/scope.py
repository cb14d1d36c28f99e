"""``kind = "scope"``: which names a function's code keeps where.

Options (each a list that must match exactly, in any order):

- ``locals``: ``co_varnames`` (arguments and local variables);
- ``cellvars``: ``co_cellvars`` (locals that inner functions capture);
- ``freevars``: ``co_freevars`` (variables captured from enclosing functions);
- ``names``: ``co_names`` (globals, builtins and attribute names used).

The code object is the trusted side's own compile of the submission, so these are
the names CPython itself assigned, not anything the submission can report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader import messages
from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.common import code_or_failure, is_str_list, result

if TYPE_CHECKING:
    from questions.format import CheckOptions

FIELDS: dict[str, tuple[str, str]] = {
    # option -> (code attribute, words for a student)
    "locals": ("co_varnames", "local variables"),
    "cellvars": ("co_cellvars", "cell variables"),
    "freevars": ("co_freevars", "free variables"),
    "names": ("co_names", "global and attribute names"),
}


def _shown(names: set[str]) -> str:
    return "[" + ", ".join(sorted(names)) + "]" if names else "none"


class ScopeCheck(Check):
    kind = "scope"
    option_keys = frozenset(FIELDS)

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        return [
            (k, "must be a list of names") for k, v in check.options.items() if not is_str_list(v)
        ]

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        target, code, failure = code_or_failure(spec, ctx)
        if code is None:
            if failure is None:  # an invariant, kept under python -O
                raise RuntimeError("expected failure is not None")
            return failure
        details: dict[str, list[str]] = {}
        for option, (attr, words) in FIELDS.items():
            if option not in spec.options:
                continue
            expected = set(spec.options[option])
            got = set(getattr(code, attr))
            details[option] = sorted(got)
            if got != expected:
                text = messages.SCOPE_MISMATCH.format(
                    target=target, field=words, got=_shown(got), expected=_shown(expected)
                )
                return result(spec, False, text, details)
        return result(spec, True, details=details)
