"""The import contracts (pyproject.toml, checked by lint-imports) and the no-cycles check
(scripts/import_cycles.py) hold on the real tree, and fail, naming the import, when a
wrong arrow is added to a copy of it: module-level or inside a function."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("quizsite", "grader", "questions")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _load_cycle_check():
    spec = importlib.util.spec_from_file_location(
        "import_cycles", ROOT / "scripts" / "import_cycles.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


import_cycles = _load_cycle_check()


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # Only ``root`` on the path, so a copy is analysed and not the checkout; wide lines,
    # so an import is never wrapped across two lines of the report.
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "300", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python files of the three packages and the contracts, nothing else."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")

    def not_python(folder: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if not n.endswith(".py") and not (Path(folder) / n).is_dir() or n == "__pycache__"
        ]

    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=not_python)
    return root


def test_it_keeps_every_contract_on_the_real_tree():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 broken." in run.stdout


def test_it_finds_no_cycle_on_the_real_tree():
    found, _warnings = import_cycles.check(ROOT)
    assert found == []


WRONG_ARROWS = [
    pytest.param(
        "questions/upward_arrow.py",
        "import quizsite.accounts.models\n",
        "questions.upward_arrow -> quizsite.accounts.models",
        id="the format library imports the site",
    ),
    pytest.param(
        "questions/lazy_upward_arrow.py",
        """
        def helper():
            from grader import pipeline

            return pipeline
        """,
        "questions.lazy_upward_arrow -> grader.pipeline",
        id="the format library imports the grader inside a function",
    ),
    pytest.param(
        "grader/lazy_django.py",
        """
        def helper():
            from django.conf import settings

            return settings
        """,
        "grader.lazy_django -> django (l.3)",
        id="the grader imports Django inside a function",
    ),
    pytest.param(
        "grader/sandbox/upward_arrow.py",
        "from grader import pipeline\n",
        "grader.sandbox.upward_arrow -> grader.pipeline",
        id="the sandbox imports the pipeline",
    ),
    pytest.param(
        "quizsite/accounts/lazy_upward_arrow.py",
        """
        def helper():
            from quizsite.quizzes import models

            return models
        """,
        "quizsite.accounts.lazy_upward_arrow -> quizsite.quizzes.models",
        id="people import quizzes inside a function",
    ),
    pytest.param(
        "quizsite/bank/upward_arrow.py",
        "from quizsite.grading.models import Submission\n",
        "quizsite.bank.upward_arrow -> quizsite.grading.models",
        id="the bank imports grading",
    ),
    pytest.param(
        "quizsite/reports/sideways_arrow.py",
        "from quizsite.quizzes import models\n",
        "quizsite.reports.sideways_arrow -> quizsite.quizzes.models",
        id="reports import quizzes",
    ),
    pytest.param(
        "quizsite/newroom/__init__.py",
        "",
        "quizsite.newroom",
        id="an app on no floor",
    ),
]


@pytest.mark.parametrize(("path", "source", "named"), WRONG_ARROWS)
def test_it_fails_on_a_wrong_arrow(tree_copy: Path, path: str, source: str, named: str):
    added = tree_copy / path
    created_folder = not added.parent.exists()
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text(textwrap.dedent(source))
    try:
        run = lint_imports(tree_copy)
    finally:
        added.unlink()
        if created_folder:
            added.parent.rmdir()
    assert run.returncode == 1, run.stdout + run.stderr
    assert named in run.stdout


def test_it_passes_the_copy_without_a_wrong_arrow(tree_copy: Path):
    # The copy itself is sound, so the failures above come from the added arrow alone.
    run = lint_imports(tree_copy)
    assert run.returncode == 0, run.stdout + run.stderr


def _package(root: Path, name: str, modules: dict[str, str]) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("")
    for module, source in modules.items():
        (root / name / f"{module}.py").write_text(textwrap.dedent(source))


def test_it_finds_a_cycle_closed_by_a_lazy_import(tmp_path: Path):
    _package(
        tmp_path,
        "loopy_one",
        {
            "first": "from loopy_one import second\n",
            "second": """
                def later():
                    from loopy_one import first

                    return first
            """,
            "bystander": "from loopy_one import first\n",
        },
    )
    found, _warnings = import_cycles.check(tmp_path, packages=["loopy_one"])
    assert len(found) == 1
    assert "loopy_one.first -> loopy_one.second" in found[0]
    assert "loopy_one.second -> loopy_one.first" in found[0]
    assert "bystander" not in found[0]


def test_it_leaves_tests_and_migrations_out(tmp_path: Path):
    _package(tmp_path, "loopy_two", {"models": "from loopy_two.tests import helpers\n"})
    _package(tmp_path / "loopy_two", "tests", {"helpers": "from loopy_two import models\n"})
    found, _warnings = import_cycles.check(tmp_path, packages=["loopy_two"])
    assert found == []


def test_it_follows_an_ignored_import_only_while_it_exists(tmp_path: Path):
    _package(
        tmp_path,
        "loopy_three",
        {"a": "from loopy_three import b\n", "b": "from loopy_three import c\n", "c": ""},
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.import-cycles]\nignore_imports = ["loopy_three.c -> loopy_three.a"]\n'
    )
    found, warnings = import_cycles.check(tmp_path, packages=["loopy_three"])
    assert found == []
    assert warnings == [
        "ignored import loopy_three.c -> loopy_three.a no longer exists: "
        "remove it from [tool.import-cycles]"
    ]

    (tmp_path / "loopy_three" / "c.py").write_text("from loopy_three import a\n")
    found, warnings = import_cycles.check(tmp_path, packages=["loopy_three"])
    assert found == []
    assert warnings == []
