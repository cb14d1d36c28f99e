"""The parts of a code question: its [code] table, [[tests]] and [[checks]]."""

from __future__ import annotations

import keyword
from pathlib import Path
from typing import Any

from questions.format.collect import (
    Collector,
    check_expr,
    compiles,
    is_number,
    is_str_list,
    read_sibling,
    title_of,
    top_level_functions,
    unknown_keys,
)
from questions.format.model import (
    CHECK_COMMON_KEYS,
    IDENTIFIER,
    PLACEHOLDER,
    CheckOptions,
    CheckSpec,
    CheckValidator,
    CodeSpec,
    TestSpec,
)

_CODE_KEYS = {"entry", "reference", "starter", "cases", "cpu_seconds", "memory_mb"}
_TEST_KEYS = {"name", "title", "expr", "case", "hidden", "points", "tolerance"}


def parse_code(
    raw: dict[str, Any], d: Path, qid: str, c: Collector, validator: CheckValidator | None
) -> CodeSpec | None:
    """The [code] table with the question's tests and checks (None when unusable)."""
    ct = raw.get("code")
    if not isinstance(ct, dict):
        c.add("code", "a code question needs a [code] table")
        return None
    unknown_keys(ct, _CODE_KEYS, "code.", c)
    entry = ct.get("entry")
    if isinstance(entry, str):
        entry = [entry]
    if not is_str_list(entry) or not entry:
        c.add("code.entry", "must be a non-empty list of names")
        entry = []
    for name in entry:
        if not IDENTIFIER.match(name) or keyword.iskeyword(name):
            c.add("code.entry", f"'{name}' is not a Python name")

    ref_name = ct.get("reference")
    ref_src = None
    if ref_name is None:
        c.add("code.reference", "is required")
    else:
        ref_src = read_sibling(d, qid, "code.reference", ref_name, c)
        if ref_src is not None:
            compiles(ref_src, ref_name, "code.reference", qid, c)
    starter = ct.get("starter")
    starter_src = None
    if starter is not None:
        starter_src = read_sibling(d, qid, "code.starter", starter, c)
        # A starter may be deliberately unfinished, so it is not required to compile.
    cases = ct.get("cases")
    cases_src = None
    case_names: set[str] | None = None
    if cases is not None:
        cases_src = read_sibling(d, qid, "code.cases", cases, c)
        if cases_src is not None and compiles(cases_src, cases, "code.cases", qid, c):
            case_names = top_level_functions(cases_src)

    cpu = ct.get("cpu_seconds", 2)
    if not is_number(cpu) or not 0 < cpu <= 60:
        c.add("code.cpu_seconds", "must be a number in (0, 60]")
        cpu = 2
    mem = ct.get("memory_mb", 256)
    if not isinstance(mem, int) or isinstance(mem, bool) or not 16 <= mem <= 4096:
        c.add("code.memory_mb", "must be a whole number of megabytes in [16, 4096]")
        mem = 256

    tests = _parse_tests(raw.get("tests", []), cases, case_names, c)
    checks = _parse_checks(raw.get("checks", []), entry, d, cases, case_names, c, validator)
    if not tests and not checks:
        c.add("tests", "a code question needs at least one [[tests]] or [[checks]] entry")
    names = [t.name for t in tests] + [k.name for k in checks]
    for n in sorted({n for n in names if names.count(n) > 1}):
        c.add("tests", f"the name '{n}' is used by more than one test or check")

    files: dict[str, str] = {}
    for p in sorted(d.glob("*.py")):
        try:
            files[p.name] = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if ref_src is None:
        return None
    return CodeSpec(
        entry=tuple(entry),
        reference=str(ref_name),
        reference_source=ref_src,
        starter=starter,
        starter_source=starter_src,
        cases=cases,
        cases_source=cases_src,
        cpu_seconds=float(cpu),
        memory_mb=mem,
        tests=tuple(tests),
        checks=tuple(checks),
        files=files,
    )


def _parse_tests(
    raw: Any, cases: str | None, case_names: set[str] | None, c: Collector
) -> list[TestSpec]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        c.add("tests", "must be an array of tables ([[tests]])")
        return []
    out = []
    for i, t in enumerate(raw, 1):
        p = f"tests[{i}]."
        unknown_keys(t, _TEST_KEYS, p, c)
        expr, case = t.get("expr"), t.get("case")
        if (expr is None) == (case is None):
            c.add(f"tests[{i}]", "needs exactly one of 'expr' or 'case'")
        if expr is not None:
            if not isinstance(expr, str) or not expr.strip():
                c.add(p + "expr", "must be a non-empty string")
                expr = None
            elif not PLACEHOLDER.search(expr):
                check_expr(expr, p + "expr", c)
        if case is not None:
            if not isinstance(case, str) or not IDENTIFIER.match(case):
                c.add(p + "case", "must be the name of a function case_<name> in the cases file")
                case = None
            elif cases is None:
                c.add(p + "case", "needs a cases file: set code.cases")
            elif case_names is not None and f"case_{case}" not in case_names:
                c.add(p + "case", f"{cases} does not define case_{case}(m, rng)")
        hidden = t.get("hidden", False)
        if not isinstance(hidden, bool):
            c.add(p + "hidden", "must be true or false")
            hidden = False
        pts = t.get("points", 1)
        if not is_number(pts) or pts < 0:
            c.add(p + "points", "must be a number >= 0")
            pts = 1
        tol = t.get("tolerance")
        if tol is not None and (not is_number(tol) or tol < 0):
            c.add(p + "tolerance", "must be a number >= 0")
            tol = None
        name = t.get("name", case if isinstance(case, str) else f"test-{i}")
        if not isinstance(name, str) or not name.strip():
            c.add(p + "name", "must be a non-empty string")
            name = f"test-{i}"
        title = title_of(t, p, c)
        out.append(
            TestSpec(
                name=name,
                expr=expr,
                case=case,
                hidden=hidden,
                points=float(pts),
                tolerance=None if tol is None else float(tol),
                title=title,
            )
        )
    return out


def _parse_checks(
    raw: Any,
    entry: list[str],
    d: Path,
    cases: str | None,
    case_names: set[str] | None,
    c: Collector,
    validator: CheckValidator | None,
) -> list[CheckSpec]:
    """The [[checks]] entries: their common keys here, their options by ``validator``.

    Without a validator the options are kept as written, unjudged (a stored version,
    already validated when it was synced, is parsed that way).
    """
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        c.add("checks", "must be an array of tables ([[checks]])")
        return []
    out = []
    for i, t in enumerate(raw, 1):
        p = f"checks[{i}]."
        kind = t.get("kind")
        if not isinstance(kind, str) or not IDENTIFIER.match(kind):
            c.add(p + "kind", "must be the name of a check kind")
            continue
        options = {k: v for k, v in t.items() if k not in CHECK_COMMON_KEYS}
        found: list[tuple[str, str]] = []
        if validator is not None:
            names = frozenset(case_names) if case_names is not None else None
            found = validator(CheckOptions(kind, options, d, cases, names))
            if any(key == "kind" for key, _ in found):
                for key, reason in found:
                    c.add(p + key if key else p.rstrip("."), reason)
                continue
        pts = t.get("points", 1)
        if not is_number(pts) or pts < 0:
            c.add(p + "points", "must be a number >= 0")
            pts = 1
        feedback = t.get("feedback", "")
        if not isinstance(feedback, str):
            c.add(p + "feedback", "must be a string")
            feedback = ""
        target = t.get("target", entry[0] if entry else "")
        if not isinstance(target, str) or not all(
            IDENTIFIER.match(part) for part in target.split(".")
        ):
            c.add(p + "target", "must be a dotted name such as make_counter or make_counter.c")
            target = ""
        name = t.get("name", f"{kind}-{i}")
        if not isinstance(name, str) or not name.strip():
            c.add(p + "name", "must be a non-empty string")
            name = f"{kind}-{i}"
        title = title_of(t, p, c)
        for key, reason in found:
            c.add(p + key if key else p.rstrip("."), reason)
        out.append(CheckSpec(kind, name, float(pts), feedback, target, options, title))
    return out
