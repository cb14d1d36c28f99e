"""No Python module of the product is longer than 500 lines: a longer one holds more
than one concern and is split by concern. Tests, migrations (written by Django) and
the sample bank's question packages (data) are left out."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 500
CHECKED = ("quizsite", "grader", "questions", "bench", "scripts")
LEFT_OUT = ("tests", "migrations")


def too_long(root: Path, limit: int = LIMIT) -> dict[str, int]:
    """{path relative to root: line count} for each checked module over ``limit``."""
    found = {}
    for top in CHECKED:
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root)
            if any(part in LEFT_OUT for part in rel.parts) or rel.parts[:2] == (
                "questions",
                "bank",
            ):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found[str(rel)] = lines
    return found


def test_it_finds_no_module_over_500_lines():
    assert too_long(ROOT) == {}


def test_it_names_a_module_over_the_limit_and_leaves_tests_out(tmp_path):
    (tmp_path / "grader" / "tests").mkdir(parents=True)
    (tmp_path / "quizsite" / "app" / "migrations").mkdir(parents=True)
    (tmp_path / "questions" / "bank" / "q").mkdir(parents=True)
    (tmp_path / "grader" / "long.py").write_text("x = 1\n" * 501)
    (tmp_path / "grader" / "short.py").write_text("x = 1\n" * 500)
    (tmp_path / "grader" / "tests" / "test_long.py").write_text("x = 1\n" * 900)
    (tmp_path / "quizsite" / "app" / "migrations" / "0001_initial.py").write_text("x\n" * 900)
    (tmp_path / "questions" / "bank" / "q" / "reference.py").write_text("x = 1\n" * 900)
    assert too_long(tmp_path) == {"grader/long.py": 501}
