"""The package format reads a check's common keys and keeps its options as written:
judging them is the check kinds' business, and the format imports neither the grader
nor Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from questions.format import CheckOptions, load_question
from questions.tests.format_helpers import CODE_TOML, write_question

ROOT = Path(__file__).resolve().parents[2]


def test_it_keeps_a_checks_options_as_written(tmp_path: Path) -> None:
    toml = CODE_TOML + '\n[[checks]]\nkind = "anything"\nname = "c"\nlevel = [1, 2]\n'
    d = write_question(tmp_path, "q", toml, reference__py="def add(a, b):\n    return a\n")
    (check,) = load_question(d, qid="q").code.checks
    assert (check.kind, check.name, check.target, check.options) == (
        "anything",
        "c",
        "add",
        {"level": [1, 2]},
    )


def test_it_asks_a_validator_about_options_with_the_package_at_hand(tmp_path: Path) -> None:
    toml = CODE_TOML.replace(
        'reference = "reference.py"', 'reference = "reference.py"\ncases = "cases.py"'
    )
    toml += '\n[[checks]]\nkind = "anything"\nlevel = 3\n'
    d = write_question(
        tmp_path,
        "q",
        toml,
        reference__py="def add(a, b):\n    return a\n",
        cases__py="def perf(n, rng):\n    return (n,)\n",
    )
    asked: list[CheckOptions] = []

    def validator(check: CheckOptions) -> list[tuple[str, str]]:
        asked.append(check)
        return [("level", "is too high")] if check.options.get("level", 0) > 2 else []

    try:
        load_question(d, qid="q", checks=validator)
    except Exception as e:  # noqa: BLE001 - the message is what is checked
        refused = str(e)
    else:
        refused = ""
    assert refused == "q/question.toml: key 'checks[1].level': is too high"
    (check,) = asked
    assert (check.kind, dict(check.options), check.folder, check.cases) == (
        "anything",
        {"level": 3},
        d,
        "cases.py",
    )
    assert check.case_names == frozenset({"perf"})


def test_it_imports_neither_the_grader_nor_django() -> None:
    code = (
        "import sys, questions.format, questions.scoring\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('grader', 'django'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""
