"""Helpers for tests that need a bank folder: copies of sample questions and small
hand-written packages."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "bank"


def copy_questions(dest: Path, ids: list[str]) -> Path:
    """Copy the sample questions ``ids`` into the bank folder ``dest``."""
    for qid in ids:
        shutil.copytree(SAMPLE / qid, dest / qid, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def write_package(root: Path, qid: str, files: dict[str, str]) -> Path:
    folder = root / qid
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
