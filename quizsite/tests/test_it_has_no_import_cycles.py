"""No two modules of the site import each other, directly or round a longer circle,
lazy imports (inside functions) and imports for type checking included: each arrow
between the site's modules goes one way."""

from __future__ import annotations

import grimp

# Import graphs are read from the source; grimp's on-disk cache is not wanted here.
SITE = "quizsite"


def import_cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Every circle of imports among ``package``'s modules (its tests and migrations
    aside), as sorted lists of module names (Tarjan's strongly connected components)."""
    modules = sorted(
        m
        for m in graph.modules
        if (m == package or m.startswith(package + "."))
        and ".tests" not in m
        and ".migrations" not in m
    )
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside - {m}) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


def test_it_finds_no_import_cycle_among_the_site_s_modules():
    graph = grimp.build_graph(SITE, include_external_packages=False, cache_dir=None)
    assert import_cycles(graph, SITE) == []


def test_it_reports_a_circle_of_imports():
    graph = grimp.ImportGraph()
    for importer, imported in [
        ("site.a", "site.b"),
        ("site.b", "site.c"),
        ("site.c", "site.a"),  # round the circle
        ("site.c", "site.d"),
        ("site.tests.x", "site.a"),
    ]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph, "site") == [["site.a", "site.b", "site.c"]]
