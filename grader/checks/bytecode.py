"""``kind = "bytecode"``: which instructions a function's code uses.

Options (all optional, at least one given):

- ``require``: names that must each appear at least once;
- ``forbid``: names none of which may appear;
- ``max_instructions``: at most this many instructions in the target's own code,
  counted as ``dis`` lists them (CACHE entries are not instructions);
- ``calls_forbidden``: callables the target may not call (below).

Names are opcode names of the running Python or portable names (see
:mod:`grader.checks.opcodes`). ``require`` and ``forbid`` look at the target's code
and the comprehensions and generator expressions written in it (3.12 inlines
comprehensions, 3.11 does not: this keeps the answer the same), not at functions or
lambdas defined inside it, which are targets of their own. ``calls_forbidden`` looks
at every code object nested in the target, lambdas and inner functions included,
since calling ``sum`` from a helper lambda is still calling ``sum``, and at the
submission's own functions the target refers to.

A ``calls_forbidden`` entry ``sum`` means the bare name (a global, builtin, closure
variable or local), ``numpy.sum`` (or ``np.sum``) the function ``sum`` of the module
``numpy`` however the submission imports it, and ``.sum`` an attribute or method ``sum``
of anything. The callable is followed through aliases, imports, default arguments and
the submission's own helper functions (:mod:`grader.checks.calls`). The check fails
when the target calls an entry, hands one to other code as a value (``map(sum, rows)``),
or looks names up at run time in a way a static pass cannot follow
(``getattr(builtins, name)``, ``eval``, ``globals()``; the list is
:data:`grader.checks.calls.LOOKUP_BUILTINS` and its neighbours).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grader import messages
from grader.checks import opcodes
from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.calls import called_names, find_forbidden, forbidden_calls, valid_entry
from grader.checks.common import code_or_failure, is_str_list, name_list, result

if TYPE_CHECKING:
    from questions.format import CheckOptions

__all__ = ["BytecodeCheck", "called_names", "find_forbidden", "forbidden_calls"]


class BytecodeCheck(Check):
    kind = "bytecode"
    option_keys = frozenset({"require", "forbid", "max_instructions", "calls_forbidden"})

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        o = check.options
        found: Found = [
            (k, "must be a list of strings")
            for k in ("require", "forbid", "calls_forbidden")
            if k in o and not is_str_list(o[k])
        ]
        if all(is_str_list(o.get(k, [])) for k in ("require", "forbid")):
            # A misspelt opcode must be refused at import, not found at grading time
            # (as a grader error).
            for key in ("require", "forbid"):
                for name in opcodes.unknown_names(list(o.get(key) or [])):
                    found.append(
                        (
                            key,
                            f"{name!r} is neither an instruction of Python "
                            f"{opcodes.live_table().python} nor a portable opcode name",
                        )
                    )
            entries = o.get("calls_forbidden") or []
            # A malformed entry would never match anything: refuse it like a misspelt opcode.
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and not valid_entry(entry):
                    found.append(
                        (
                            "calls_forbidden",
                            f"{entry!r} is not a name, a dotted name such as "
                            "'numpy.sum', or '.name' for an attribute",
                        )
                    )
        if "max_instructions" in o:
            m = o["max_instructions"]
            if not isinstance(m, int) or isinstance(m, bool) or m < 1:
                found.append(("max_instructions", "must be a whole number >= 1"))
        return found

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        opts: dict[str, Any] = dict(spec.options)
        # A misspelt opcode is the question's fault: raise, the pipeline records an error.
        require = [opcodes.resolve(n) for n in opts.get("require", [])]
        forbid = [opcodes.resolve(n) for n in opts.get("forbid", [])]
        target, code, failure = code_or_failure(spec, ctx)
        if code is None:
            if failure is None:  # an invariant, kept under python -O
                raise RuntimeError("expected failure is not None")
            return failure

        stream = list(opcodes.own_instructions(code))
        missing = [m.name for m in require if not any(m.matches(i, c) for i, c in stream)]
        if missing:
            text = messages.BYTECODE_MISSING.format(target=target, opcodes=name_list(missing))
            return result(spec, False, text, {"missing": missing})
        present = [m.name for m in forbid if any(m.matches(i, c) for i, c in stream)]
        if present:
            text = messages.BYTECODE_FORBIDDEN.format(target=target, opcodes=name_list(present))
            return result(spec, False, text, {"forbidden": present})
        details: dict[str, Any] = {}
        limit = opts.get("max_instructions")
        if limit is not None:
            count = sum(1 for _ in opcodes.own_instructions(code, with_comprehensions=False))
            details["instructions"] = count
            if count > limit:
                text = messages.BYTECODE_TOO_LONG.format(target=target, count=count, limit=limit)
                return result(spec, False, text, details)
        calls = opts.get("calls_forbidden") or []
        if calls:
            # The whole module is read: aliases, imports and helpers made outside the target.
            found = find_forbidden(code, list(calls), module=ctx.module_code)
            if found.calls:
                text = messages.BYTECODE_CALLS_FORBIDDEN.format(
                    target=target, names=name_list(found.calls)
                )
                return result(spec, False, text, {"calls": found.calls})
            if found.passed_on:
                names = name_list(found.passed_on)
                text = messages.BYTECODE_CALLS_PASSED_ON.format(target=target, names=names)
                return result(spec, False, text, {"passed_on": found.passed_on})
            if found.lookups:
                text = messages.BYTECODE_DYNAMIC_LOOKUP.format(
                    target=target, constructs=name_list(found.lookups)
                )
                return result(spec, False, text, {"lookups": found.lookups})
        return result(spec, True, details=details)
