"""Check kinds, one module each, and their one registry (``KINDS``).

A kind's module holds its ``Check`` subclass: option schema and validation, what it
needs from the pipeline, its behaviour and (through ``grader.messages``) its words.
Adding a kind means writing its module and adding its class to ``KINDS`` below;
``questions.format`` reads ``[[checks]]`` without knowing any kind, and the grader's
loader (``grader.bankcheck``) hands it ``validate_options``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.bytecode import BytecodeCheck
from grader.checks.flags import FlagsCheck
from grader.checks.performance import PerformanceCheck
from grader.checks.raises import RaisesCheck
from grader.checks.scope import ScopeCheck

if TYPE_CHECKING:
    from questions.format import CheckOptions

KINDS: dict[str, type[Check]] = {
    cls.kind: cls for cls in (BytecodeCheck, ScopeCheck, FlagsCheck, RaisesCheck, PerformanceCheck)
}
CHECK_KINDS = tuple(KINDS)
# The probe sections the kinds use ("raises"): the probe is asked for each, even empty.
PROBE_SECTIONS = tuple(
    dict.fromkeys(cls.probe_section for cls in KINDS.values() if cls.probe_section)
)

__all__ = [
    "CHECK_KINDS",
    "KINDS",
    "PROBE_SECTIONS",
    "Check",
    "CheckResult",
    "GradingContext",
    "option_problems",
    "validate_options",
]


def validate_options(check: CheckOptions) -> Found:
    """What is wrong with one check's kind and options, as ``(key, reason)`` pairs.

    This is the ``questions.format.CheckValidator`` the grader loads packages with: an
    unknown kind (key ``"kind"``), keys the kind does not read, a kind given none of
    the options it needs, and whatever the kind's own ``validate`` finds.
    """
    # Here, not at the top: the analyses of this package also run (in tests) on Pythons
    # older than the package format needs.
    from questions.format import CHECK_COMMON_KEYS

    cls = KINDS.get(check.kind)
    if cls is None:
        return [("kind", f"must be one of {', '.join(CHECK_KINDS)}")]
    allowed = ", ".join(sorted(CHECK_COMMON_KEYS | cls.option_keys))
    found: Found = [
        (k, f"unknown key (allowed here: {allowed})")
        for k in check.options
        if k not in cls.option_keys
    ]
    known = {k: v for k, v in check.options.items() if k in cls.option_keys}
    if not known and cls.needs_an_option:
        keys = ", ".join(sorted(cls.option_keys))
        found.append(("", f"a {cls.kind} check needs at least one of {keys}"))
    return found + cls.validate(replace(check, options=known))


def option_problems(kind: str, options: dict[str, Any]) -> list[str]:
    """What is wrong with a check's options, as ``key: reason`` lines (no package files
    at hand: for a quick look at options alone)."""
    from questions.format import CheckOptions

    found = validate_options(CheckOptions(kind, options, Path("."), None, None))
    return [f"{key}: {reason}" if key else reason for key, reason in found]
