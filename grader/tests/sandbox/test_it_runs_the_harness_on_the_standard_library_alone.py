"""What runs inside the sandbox (``grader.harness`` and ``grader.sandbox.child``, the
only project files mounted there) imports the standard library, NumPy and each other,
nothing else: the rest of the project is not in the sandbox's file system."""

from __future__ import annotations

import sys

import grimp

INSIDE = ("grader.harness", "grader.sandbox.child")
ALLOWED_OUTSIDE = {"numpy"}  # mounted read-only, and imported only when present


def test_it_imports_nothing_the_sandbox_does_not_hold():
    graph = grimp.build_graph("grader", include_external_packages=True, cache_dir=None)
    inside = {m for m in graph.modules if m.startswith(INSIDE)}
    assert "grader.harness.probe" in inside and "grader.sandbox.child" in inside
    foreign = {
        (m, imported)
        for m in inside
        for imported in graph.find_modules_directly_imported_by(m)
        if imported not in inside
        and imported.split(".")[0] not in sys.stdlib_module_names
        and imported.split(".")[0] not in ALLOWED_OUTSIDE
    }
    assert foreign == set()
