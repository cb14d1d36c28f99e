"""What a conversion produces: drafts of packages, and every note about what was lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Kinds of note, in the order the report prints them.
SKIPPED = "not imported"
LOST = "lost"
HAND_CHECK = "check by hand"
IMAGE = "image"
NOTE_KINDS = (SKIPPED, HAND_CHECK, LOST, IMAGE)

ATTACHMENTS_DIR = "_attachments"  # <bank>/_attachments/<question id>/<file>


class BadFile(Exception):
    """The file cannot be read at all; the message says why."""


@dataclass(frozen=True)
class Note:
    """One thing a TA must know about one question (or about the file itself)."""

    question: str  # the question's name in the source file, or "" for the whole file
    kind: str  # one of NOTE_KINDS
    text: str  # what, and why

    def __str__(self) -> str:
        who = f"{self.question}: " if self.question else ""
        return f"{who}{self.kind}: {self.text}"


@dataclass
class Draft:
    """One question package, ready to be written."""

    name: str  # the name in the source file (for the report)
    category: str  # "Python/Loops" ("" when the file gave none)
    data: dict[str, Any]  # the contents of question.toml
    files: dict[str, str] = field(default_factory=dict)  # text files beside question.toml
    # Images the prompt shows, written beside question.toml (questions.images).
    images: dict[str, bytes] = field(default_factory=dict)
    # Files the prompt refers to that a package cannot show (another image type, or
    # too large): written outside the package, under ATTACHMENTS_DIR, for the TA.
    attachments: dict[str, bytes] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def note(self, kind: str, text: str) -> None:
        self.notes.append(Note(self.name, kind, text))


@dataclass
class Skipped:
    """A question that was not converted, with its original text kept for the TA."""

    name: str
    reason: str
    original: str  # the question as it was in the file (an XML element or GIFT text)
    suffix: str  # ".xml" or ".gift"


@dataclass
class Conversion:
    """Everything read from one file."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # about the file, not one question

    def skip(self, name: str, reason: str, original: str, suffix: str) -> None:
        self.skipped.append(Skipped(name, reason, original, suffix))

    def all_notes(self) -> list[Note]:
        notes = list(self.notes)
        notes += [Note(s.name, SKIPPED, s.reason) for s in self.skipped]
        for d in self.drafts:
            notes += d.notes
        order = {k: i for i, k in enumerate(NOTE_KINDS)}
        return sorted(notes, key=lambda n: order.get(n.kind, len(order)))
