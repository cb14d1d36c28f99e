"""No import cycles between modules: every module-level *and* function-level import of
quizsite, grader and questions (grimp's graph sees both) must leave the graph acyclic.

Tests and migrations are left out. ``[tool.import-cycles] ignore_imports`` in
pyproject.toml names imports ("importer -> imported") the check does not follow; one
that no longer exists is reported, so the list only shrinks.

    python scripts/import_cycles.py [ROOT]    # exit status 1 when there is a cycle
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

import grimp

PACKAGES = ("quizsite", "grader", "questions")


def is_checked(module: str) -> bool:
    parts = module.split(".")
    return not any(p in ("tests", "migrations") or p.startswith("test_") for p in parts)


def edges_of(
    graph: grimp.ImportGraph, ignored: Iterable[tuple[str, str]] = ()
) -> dict[str, set[str]]:
    """Module -> the modules it imports, for the modules the check looks at."""
    skip = set(ignored)
    modules = {m for m in graph.modules if is_checked(m)}
    return {
        m: {
            i
            for i in graph.find_modules_directly_imported_by(m)
            if i in modules and (m, i) not in skip
        }
        for m in modules
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative so a deep graph cannot overflow the stack), each sorted, biggest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def describe(graph: grimp.ImportGraph, component: list[str], edges: dict[str, set[str]]) -> str:
    """The imports that close the cycle, each with its line, so the message names them."""
    members = set(component)
    lines = [f"Cycle of {len(component)} modules:"]
    for importer in component:
        for imported in sorted(edges[importer] & members):
            details = graph.get_import_details(importer=importer, imported=imported)
            where = ", ".join(f"l.{d['line_number']}" for d in details) or "?"
            lines.append(f"  {importer} -> {imported} ({where})")
    return "\n".join(lines)


def ignored_imports(root: Path) -> list[tuple[str, str]]:
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return []
    config = tomllib.loads(pyproject.read_text()).get("tool", {}).get("import-cycles", {})
    pairs = []
    for entry in config.get("ignore_imports", []):
        importer, _, imported = (part.strip() for part in entry.partition("->"))
        pairs.append((importer, imported))
    return pairs


def check(root: Path, packages: Iterable[str] = PACKAGES) -> tuple[list[str], list[str]]:
    """(cycles described, warnings) for the packages found under ``root``."""
    sys.path.insert(0, str(root))
    try:
        graph = grimp.build_graph(*packages, cache_dir=None)
    finally:
        sys.path.remove(str(root))
    ignored = ignored_imports(root)
    warnings = [
        f"ignored import {a} -> {b} no longer exists: remove it from [tool.import-cycles]"
        for a, b in ignored
        if not graph.direct_import_exists(importer=a, imported=b)
    ]
    edges = edges_of(graph, ignored)
    return [describe(graph, c, edges) for c in cycles(edges)], warnings


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found, warnings = check(root)
    for warning in warnings:
        print(f"warning: {warning}")
    for text in found:
        print(text)
    print(f"Import cycles: {len(found)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
