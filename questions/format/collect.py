"""Collecting problems while a package is parsed, and the small checks every part uses."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

from questions.format.model import QUESTION_FILE, Problem

TITLE_MAX = 120  # a check's title is one line in a list


class Collector:
    """Every problem of one package, in the order found."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, reason: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, key, reason))


def read_sibling(d: Path, qid: str, key: str, name: Any, c: Collector) -> str | None:
    if not isinstance(name, str) or not name:
        c.add(key, "must be a file name (a string)")
        return None
    p = d / name
    if "/" in name or "\\" in name or name.startswith(".") or not p.is_file():
        c.add(key, f"file '{name}' does not exist beside {QUESTION_FILE}")
        return None
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        c.add(key, f"file '{name}' cannot be read: {e}")
        return None


def compiles(src: str, name: str, key: str, qid: str, c: Collector) -> bool:
    try:
        compile(src, name, "exec", dont_inherit=True)
    except SyntaxError as e:
        c.add("", f"syntax error at line {e.lineno}: {e.msg}", file=f"{qid}/{name}")
        return False
    except (ValueError, RecursionError, MemoryError) as e:
        c.add(key, f"'{name}' cannot be compiled: {e}")
        return False
    return True


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def is_str_list(v: Any) -> TypeGuard[list[str]]:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def unknown_keys(table: Mapping[str, Any], allowed: set[str], prefix: str, c: Collector) -> None:
    for k in table:
        if k not in allowed:
            c.add(f"{prefix}{k}", f"unknown key (allowed here: {', '.join(sorted(allowed))})")


def title_of(table: dict[str, Any], p: str, c: Collector) -> str:
    """A test's or check's optional ``title``: one short line of plain text."""
    title = table.get("title", "")
    if not isinstance(title, str) or "\n" in title.strip() or len(title) > TITLE_MAX:
        c.add(p + "title", f"must be one line of text, at most {TITLE_MAX} characters")
        return ""
    return title.strip()


def check_expr(expr: str, key: str, c: Collector, where: str = "") -> None:
    try:
        compile(expr, "<expr>", "eval", dont_inherit=True)
    except SyntaxError as e:
        c.add(key, f"not a Python expression: {e.msg}{where}")


def top_level_functions(src: str) -> set[str]:
    """Names of the functions a module defines at its top level (none if it does not parse)."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
