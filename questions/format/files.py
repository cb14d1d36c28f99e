"""Where a bank's packages are, what a package's id is, and which files it holds."""

from __future__ import annotations

import hashlib
from pathlib import Path

from questions.format.model import QUESTION_FILE

_SKIP_DIRS = {"__pycache__", ".git", ".pytest_cache", ".ruff_cache"}


def find_question_dirs(bank_root: Path) -> list[Path]:
    """Every folder at or below ``bank_root`` that holds a question.toml, sorted."""
    root = Path(bank_root)
    found = []
    for toml_path in root.rglob(QUESTION_FILE):
        rel_parts = toml_path.relative_to(root).parts
        if any(p in _SKIP_DIRS or p.startswith(".") for p in rel_parts[:-1]):
            continue
        if toml_path.is_file():
            found.append(toml_path.parent)
    return sorted(found)


def guess_id(question_dir: Path) -> str:
    """The id of a package loaded on its own: its path below the bank root.

    The bank root is the folder holding a ``bank.toml`` if an ancestor has one;
    otherwise the topmost ancestor reached before a folder that is clearly not part of a
    bank (a Python package, a project or repository root). Failing both, the id is the
    folder's own name.
    """
    d = question_dir.resolve()
    chain = [d]
    for parent in d.parents:
        if (parent / "bank.toml").is_file():
            return d.relative_to(parent).as_posix()
        if any((parent / m).exists() for m in ("__init__.py", "pyproject.toml", ".git")):
            return d.relative_to(chain[-1]).as_posix() if len(chain) > 1 else d.name
        chain.append(parent)
    return d.name


def content_hash(question_dir: Path) -> str:
    """sha256 over the package's files: relative names and bytes, in a stable order.

    Sub-folders that are questions of their own are not part of this package.
    """
    h = hashlib.sha256()
    for path in package_files(question_dir):
        rel = path.relative_to(question_dir).as_posix()
        data = path.read_bytes()
        h.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def package_files(question_dir: Path) -> list[Path]:
    """Every file of the package in a stable order, without sub-folders that are
    questions of their own (and without caches such as __pycache__)."""
    files: list[Path] = []

    def walk(d: Path, top: bool) -> None:
        if not top and (d / QUESTION_FILE).exists():
            return
        for p in sorted(d.iterdir()):
            if p.name in _SKIP_DIRS or p.name.startswith(".") or p.suffix == ".pyc":
                continue
            if p.is_dir():
                walk(p, False)
            elif p.is_file():
                files.append(p)

    walk(question_dir, True)
    return files
