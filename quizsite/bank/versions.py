"""Turn a stored QuestionVersion back into the parsed package the grader and the quiz
pages use. A version's files are written once to a private cache folder named by
their hash, so the exact version is graded whatever the bank holds today."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings

from questions import format as qformat
from questions import images
from quizsite.bank.models import QuestionVersion


def _cache_root() -> Path:
    root = Path(settings.VAR_DIR) / "question-cache"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def materialize(qid: str, files: dict[str, str]) -> Path:
    """Write a package's files to a folder keyed by their content; reuse it if present."""
    digest = hashlib.sha256(json.dumps([qid, sorted(files.items())]).encode()).hexdigest()
    target = _cache_root() / digest
    if target.is_dir():
        return target
    staging = Path(tempfile.mkdtemp(prefix="stage-", dir=_cache_root()))
    for name, text in files.items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts:
            raise ValueError(f"unsafe file name in a stored question: {name!r}")
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    try:
        os.rename(staging, target)  # atomic: concurrent workers never see half a folder
    except OSError:
        # Another process won the race; its folder has the same content.
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return target


_PARSED: dict[tuple[int, str], qformat.Question] = {}
_PARSED_MAX = 5_000  # bounds a long-lived worker's memory; a class shares a few dozen


def load_version(version: QuestionVersion) -> qformat.Question:
    """The parsed package of a stored version, cached per process.

    A version never changes in place, so its id and content hash are the key; the
    (large) ``files`` column and the question's path are read only on a miss, and
    callers may leave them out of their queries."""
    key = (version.pk, version.content_hash)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        qid = version.question.path
        found = _PARSED[key] = qformat.load_question(materialize(qid, version.files), qid=qid)
    return found


def read_package_files(question_dir: Path) -> dict[str, str]:
    """Every file of a package on disk as text, for storing in a QuestionVersion;
    its images are stored apart (``read_package_images``)."""
    imgs = set(images.package_images(question_dir))
    return {
        p.relative_to(question_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in qformat.package_files(question_dir)
        if p not in imgs
    }


def read_package_images(question_dir: Path) -> dict[str, bytes]:
    """The images beside a package's question.toml (already checked by the bank
    check), by name, for storing as QuestionImage rows."""
    return {p.name: p.read_bytes() for p in images.package_images(question_dir)}
