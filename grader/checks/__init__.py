"""Check kinds, one module each. Importing this package fills ``Check.registry``."""

from __future__ import annotations

from typing import Any

from grader.checks import bytecode, calls, flags, opcodes, performance, raises, scope
from grader.checks.base import Check, CheckResult, GradingContext

__all__ = [
    "Check",
    "CheckResult",
    "GradingContext",
    "bytecode",
    "calls",
    "flags",
    "option_problems",
    "performance",
    "raises",
    "scope",
]


def option_problems(kind: str, options: dict[str, Any]) -> list[str]:
    """What is wrong with a check's options that only the check kinds can tell.

    For a question validator: an opcode name the running Python cannot match would
    otherwise surface only when a submission is graded (as a grader error).
    """
    problems = []
    if kind == "bytecode":
        for key in ("require", "forbid"):
            for name in opcodes.unknown_names(list(options.get(key) or [])):
                problems.append(
                    f"{key}: {name!r} is neither an instruction of Python "
                    f"{opcodes.live_table().python} nor a portable opcode name"
                )
        entries = options.get("calls_forbidden") or []
        # A malformed entry would never match anything: refuse it like a misspelt opcode.
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str) and not calls.valid_entry(entry):
                problems.append(
                    f"calls_forbidden: {entry!r} is not a name, a dotted name such as "
                    "'numpy.sum', or '.name' for an attribute"
                )
    return problems
