"""Import, export, import: every field the format and Moodle share comes back the same."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from questions.format import package_files
from questions.interchange import export_bank, import_file
from questions.tests.interchange_helpers import FILES


def _contents(bank: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for toml_file in bank.rglob("question.toml"):
        folder = toml_file.parent
        for p in package_files(folder):
            key = p.relative_to(bank).as_posix()
            out[key] = tomllib.loads(p.read_text()) if p == toml_file else p.read_bytes()
    for p in (bank / "_attachments").rglob("*"):
        if p.is_file():
            out[p.relative_to(bank).as_posix()] = p.read_bytes()
    return out


@pytest.mark.parametrize("source", ["every_type.xml", "every_type.gift"])
def test_it_keeps_every_supported_field(tmp_path, source):
    first, second = tmp_path / "first", tmp_path / "second"
    import_file(FILES / source, first)
    report = export_bank(first, tmp_path / "export.xml")
    assert sorted(report.exported) == sorted(
        p.parent.relative_to(first).as_posix() for p in first.rglob("question.toml")
    )
    again = import_file(tmp_path / "export.xml", second)
    assert _contents(second) == _contents(first)
    # What the first import already reported lost is not lost a second time.
    assert all(n.kind == "image" for n in again.notes)


def test_it_lists_the_code_questions_moodle_cannot_hold(tmp_path):
    bank = Path(__file__).resolve().parents[1] / "bank"
    report = export_bank(bank, tmp_path / "sample.xml")
    not_exported = {n.question for n in report.notes if n.kind == "not imported"}
    assert "scopes/nonlocal-counter" in not_exported
    assert "scopes/which-load" in report.exported
    assert (tmp_path / "sample.xml").read_text().count('<question type="multichoice">') > 10
