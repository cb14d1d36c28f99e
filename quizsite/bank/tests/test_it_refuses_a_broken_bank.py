"""A bank with mistakes is refused with one message per mistake, naming file and key,
and the database is left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grader.sandbox import fake
from questions.tests.banks import copy_questions
from quizsite.bank.sync import SyncError, sync_bank
from quizsite.bank.tests.snapshot import db_snapshot

pytestmark = pytest.mark.django_db

IDS = [
    "objects/alias-append",
    "objects/mutable-types",
    "bytecode/loop-total",
    "scopes/nonlocal-counter",
    "frames/caller-link",
    "generators/countdown",
]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _break(bank: Path) -> None:
    # 1. a missing required key
    _edit(bank / "objects/alias-append/question.toml", 'title = "Two names, one list"\n', "")
    # 2. an unknown question type
    _edit(bank / "objects/mutable-types/question.toml", 'type = "multi"', 'type = "matching"')
    # 3. a reference that fails its own check: a while loop has no FOR_ITER
    (bank / "bytecode/loop-total/reference.py").write_text(
        "def total(xs):\n"
        "    s = 0\n"
        "    items = list(xs)\n"
        "    while items:\n"
        "        s += items.pop()\n"
        "    return s\n"
    )
    # 4. a check naming a function the reference does not define
    _edit(
        bank / "scopes/nonlocal-counter/question.toml",
        'kind = "flags"\ntarget = "make_counter.c"',
        'kind = "flags"\ntarget = "make_counter.inner"',
    )
    # 5. malformed TOML
    _edit(bank / "frames/caller-link/question.toml", 'type = "text"', 'type = "text')


EXPECTED = {
    ("objects/alias-append/question.toml", "title"),
    ("objects/mutable-types/question.toml", "type"),
    ("bytecode/loop-total/question.toml", "checks[1]"),
    ("scopes/nonlocal-counter/question.toml", "checks[4].target"),
    ("frames/caller-link/question.toml", ""),
}


@pytest.fixture
def broken_bank(tmp_path: Path) -> Path:
    bank = copy_questions(tmp_path / "bank", IDS)
    return bank


def test_it_reports_every_problem_once_with_file_and_key(broken_bank: Path) -> None:
    sync_bank(broken_bank, sandbox=fake.run)  # the intact copy imports
    _break(broken_bank)
    before = db_snapshot()

    with pytest.raises(SyncError) as refused:
        sync_bank(broken_bank, sandbox=fake.run)

    problems = refused.value.problems
    assert {(p.file, p.key) for p in problems} == EXPECTED
    assert len(problems) == len(EXPECTED)
    by_key = {(p.file, p.key): p.reason for p in problems}
    assert "required" in by_key[("objects/alias-append/question.toml", "title")]
    assert (
        "matching" in by_key[("objects/mutable-types/question.toml", "type")]
        or "must be one of" in (by_key[("objects/mutable-types/question.toml", "type")])
    )
    assert (
        "reference fails its own bytecode"
        in by_key[("bytecode/loop-total/question.toml", "checks[1]")]
    )
    assert (
        "make_counter.inner"
        in by_key[("scopes/nonlocal-counter/question.toml", "checks[4].target")]
    )
    assert "TOML" in by_key[("frames/caller-link/question.toml", "")]
    assert db_snapshot() == before


def test_it_refuses_from_the_command_line_and_prints_each_problem(
    broken_bank: Path, capsys: pytest.CaptureFixture[str], settings
) -> None:
    settings.GRADER_SANDBOX = "fake"
    _break(broken_bank)
    before = db_snapshot()

    with pytest.raises(CommandError, match="5 problem"):
        call_command("sync_bank", str(broken_bank))

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == len(EXPECTED)
    for file, key in EXPECTED:
        assert any(line.startswith(file) and (f"key '{key}'" in line or not key) for line in lines)
    assert db_snapshot() == before


def test_it_refuses_a_folder_inside_a_bank(tmp_path: Path) -> None:
    bank = copy_questions(tmp_path / "bank", IDS)
    (bank / "bank.toml").write_text("")
    before = db_snapshot()

    with pytest.raises(SyncError) as refused:
        sync_bank(bank / "objects", check=False)

    (problem,) = refused.value.problems
    assert "inside the bank" in problem.reason and str(bank.resolve()) in problem.reason
    assert db_snapshot() == before


def test_it_leaves_targets_bound_at_run_time_to_the_self_check(tmp_path: Path) -> None:
    from questions.tests.banks import write_package
    from quizsite.bank.sync import validate

    toml = (
        'title = "Square"\ntype = "code"\nprompt = "Define `square`."\n\n'
        '[code]\nentry = ["square"]\nreference = "reference.py"\n\n'
        '[[tests]]\nexpr = "square(3)"\n\n'
        '[[checks]]\nkind = "bytecode"\nforbid = ["LOAD_GLOBAL"]\n'
    )
    write_package(
        tmp_path / "bank",
        "demo/square",
        {"question.toml": toml, "reference.py": "square = lambda x: x * x\n"},
    )
    questions, problems = validate(tmp_path / "bank")
    assert problems == [] and [q.id for q in questions] == ["demo/square"]
