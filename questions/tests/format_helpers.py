"""Build throwaway banks on disk for the format tests."""

from __future__ import annotations

from pathlib import Path

CODE_TOML = """
title = "Add"
type = "code"
prompt = "Write add(a, b)."

[code]
entry = ["add"]
reference = "reference.py"

[[tests]]
expr = "add(1, 2)"
"""


def write_question(root: Path, qid: str, toml: str, **files: str) -> Path:
    d = root / qid
    d.mkdir(parents=True, exist_ok=True)
    (d / "question.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (d / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return d
