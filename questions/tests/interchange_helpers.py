"""Shared by the import/export tests: the files written for them and how to read a result."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

FILES = Path(__file__).parent / "interchange_files"


def toml(bank: Path, qid: str) -> dict[str, Any]:
    return tomllib.loads((bank / qid / "question.toml").read_text(encoding="utf-8"))


def notes_for(report: Any, name: str) -> list[str]:
    return [n.text for n in report.notes if n.question == name]
