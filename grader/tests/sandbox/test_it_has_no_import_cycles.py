"""No two modules of the sandbox, the harness or the interchange import each other,
through any chain and lazy (function-level) imports included."""

from __future__ import annotations

import grimp
import pytest

SCOPE = (
    "grader.sandbox",
    "grader.harness",
    "grader.similarity",
    "questions.images",
    "questions.interchange",
)


def import_cycles(graph: grimp.ImportGraph, prefixes: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each pair of modules under ``prefixes`` that reach each other, as the chain there
    and back (grimp reads every import statement, also those inside functions)."""
    mods = sorted(m for m in graph.modules if m.startswith(prefixes))
    found = []
    for i, a in enumerate(mods):
        for b in mods[i + 1 :]:
            there = graph.find_shortest_chain(a, b)
            back = graph.find_shortest_chain(b, a) if there else None
            if there and back:
                found.append((*there, *back[1:]))
    return found


def test_it_finds_no_cycle_in_these_packages():
    graph = grimp.build_graph("grader", "questions", cache_dir=None)
    assert import_cycles(graph, SCOPE) == []


def test_it_finds_a_cycle_hidden_in_a_function(tmp_path, monkeypatch):
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "runner.py").write_text("def run():\n    from cyclic import doctor\n")
    (pkg / "doctor.py").write_text("from cyclic import runner\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclic", cache_dir=None)
    assert import_cycles(graph, ("cyclic",)) == [
        ("cyclic.doctor", "cyclic.runner", "cyclic.doctor")
    ]


@pytest.mark.parametrize("prefix", SCOPE)
def test_it_looks_at_every_package_in_scope(prefix):
    graph = grimp.build_graph("grader", "questions", cache_dir=None)
    assert any(m == prefix or m.startswith(prefix + ".") for m in graph.modules)
