"""Question banks in and out of Moodle: Moodle XML (CodeRunner included) and GIFT.

A pure library (no Django, no grader): ``convert_file`` reads a file into drafts,
``write_bank`` writes them as question packages (docs/question-format.md), and
``export_bank`` writes a bank folder back as Moodle XML. Validation and the
reference self-check of what was written are the bank's own
(``grader.bankcheck``); the commands (``python -m grader import``,
``manage.py import_bank``) run them after writing.

Nothing is dropped silently: every question that could not be carried over
faithfully gets a ``Note`` saying what was lost and why, and every question that
was not imported is kept, as it was in the file, under ``_not-imported/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from questions.format import QUESTION_FILE
from questions.interchange import gift, moodle_xml
from questions.interchange.export import ExportReport, export_bank
from questions.interchange.markup import slug
from questions.interchange.report import ATTACHMENTS_DIR, BadFile, Conversion, Draft, Note

__all__ = [
    "ATTACHMENTS_DIR",
    "BadFile",
    "Conversion",
    "Draft",
    "ExportReport",
    "ImportReport",
    "Note",
    "convert_file",
    "export_bank",
    "import_file",
    "write_bank",
]

NOT_IMPORTED_DIR = "_not-imported"  # <bank>/_not-imported/<name>.xml|.gift


@dataclass
class ImportReport:
    written: list[tuple[str, str]] = field(default_factory=list)  # (question id, name)
    kept: list[str] = field(default_factory=list)  # ids already in the bank, left alone
    notes: list[Note] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [str(n) for n in self.notes] + [
            f"{qid}: already in the bank, left as it is (delete it to import it again)"
            for qid in self.kept
        ]


def convert_file(path: str | Path) -> Conversion:
    """Read a Moodle XML or GIFT file (by its content, whatever its name)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        limit = max(moodle_xml.MAX_FILE_BYTES, gift.MAX_FILE_BYTES)
        if size > limit:
            raise BadFile(f"{p}: larger than {limit // (1024 * 1024)} MiB")
        data = p.read_bytes()
    except OSError as e:
        raise BadFile(f"{p}: cannot be read: {e.strerror or e}") from e
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if head.startswith(b"<"):
            return moodle_xml.read(data)
        return gift.read(data)
    except BadFile as e:
        raise BadFile(f"{p}: {e}") from e


def _unique(base: str, taken: set[str]) -> str:
    qid, n = base, 2
    while qid in taken:
        qid = f"{base}-{n}"
        n += 1
    taken.add(qid)
    return qid


def question_id(d: Draft, taken: set[str]) -> str:
    folders = [slug(part, "topic") for part in d.category.split("/") if part] or ["imported"]
    return _unique("/".join([*folders, slug(d.name)]), taken)


def write_bank(conv: Conversion, to_dir: str | Path) -> ImportReport:
    """Write every draft as a package below ``to_dir`` (a new bank gets a bank.toml).

    A package folder that already exists is left untouched and reported, so importing
    twice never overwrites a TA's edits.
    """
    root = Path(to_dir)
    root.mkdir(parents=True, exist_ok=True)
    inside_a_bank = any((p / "bank.toml").is_file() for p in root.resolve().parents)
    if not inside_a_bank and not (root / "bank.toml").exists():
        # The root of a new bank; a folder inside a bank keeps the ids of that bank.
        (root / "bank.toml").write_text("", encoding="utf-8")
    report = ImportReport(notes=conv.all_notes())
    taken: set[str] = set()
    for d in conv.drafts:
        qid = question_id(d, taken)
        folder = root / qid
        if (folder / QUESTION_FILE).exists():
            report.kept.append(qid)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in d.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        for name, data in d.images.items():
            (folder / name).write_bytes(data)
        (folder / QUESTION_FILE).write_text(
            tomli_w.dumps(d.data, multiline_strings=True), encoding="utf-8"
        )
        for name, data in d.attachments.items():
            target = root / ATTACHMENTS_DIR / qid / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        report.written.append((qid, d.name))
    if conv.skipped:
        kept = root / NOT_IMPORTED_DIR
        kept.mkdir(exist_ok=True)
        names: set[str] = set()
        for s in conv.skipped:
            (kept / (_unique(slug(s.name), names) + s.suffix)).write_text(
                s.original, encoding="utf-8"
            )
    return report


def import_file(path: str | Path, to_dir: str | Path) -> ImportReport:
    """Convert a Moodle XML or GIFT file and write it as a bank at ``to_dir``."""
    return write_bank(convert_file(path), to_dir)
