"""What is this upload really? Decided from its bytes, never from its name alone.

A PDF must start with "%PDF-". Markdown and plain text must be UTF-8 text with no
control characters, and must not look like HTML, XML or SVG (a browser would run
those). The file's extension must then agree with what the content is, so a PDF
renamed .md or an HTML page renamed .pdf is refused with a message that says what
the file really is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Extension -> the kind it claims. Kinds are the accepted formats of a milestone.
EXTENSIONS = {".pdf": "pdf", ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt"}
KIND_NAMES = {"pdf": "PDF", "md": "Markdown", "txt": "plain text"}
# What the content can be: the accepted kinds' families plus what we name when refusing.
_CONTENT_NAMES = {
    "pdf": "a PDF document",
    "text": "plain text",
    "html": "an HTML page",
    "xml": "an XML document",
    "svg": "an SVG image",
}
_SNIFF_BYTES = 64 * 1024
_ALLOWED_CONTROL = {"\t", "\n", "\r", "\f"}


class Refused(ValueError):
    """The upload is not acceptable; str(exc) is the sentence shown to the student."""


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "pdf", "md" or "txt"
    content_type: str  # what downloads are served as


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def content_family(content: bytes) -> tuple[str, str]:
    """(family, a human name) where family is pdf, text, html, xml, svg or other."""
    if content.startswith(b"%PDF-"):
        return "pdf", _CONTENT_NAMES["pdf"]
    head = content[:_SNIFF_BYTES]
    mime, description = _magic(head)
    if mime == "application/pdf":
        # %PDF after some junk: readers accept it, but it is not a clean PDF upload.
        return "other", "a PDF with extra bytes before its header"
    # libmagic says HTML for any text with a "<script" in it, even a report that mentions
    # the tag in prose; an HTML page is text that starts with markup.
    if _looks_like_html(head) or (mime == "text/html" and _starts_with_markup(head)):
        return "html", _CONTENT_NAMES["html"]
    if mime == "image/svg+xml":
        return "svg", _CONTENT_NAMES["svg"]
    if mime in ("text/xml", "application/xml"):
        return "xml", _CONTENT_NAMES["xml"]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "other", _article(description) if description else "a binary file"
    if any(ch < " " and ch not in _ALLOWED_CONTROL for ch in text) or "\x7f" in text:
        return "other", _article(description) if description != "data" else "a binary file"
    return "text", _CONTENT_NAMES["text"]


def identify(content: bytes, filename: str, accepted: tuple[str, ...] | list[str]) -> Sniffed:
    """The kind of an upload, or Refused with a sentence naming the problem."""
    name = os.path.basename(filename or "") or "The file"
    if not content:
        raise Refused(f"{name} is empty.")
    extension = os.path.splitext(name)[1].lower()
    claimed = EXTENSIONS.get(extension)
    accepted_names = " or ".join(KIND_NAMES[k] for k in accepted)
    if claimed is None:
        raise Refused(
            f"{name}: only {accepted_names} files are accepted here "
            f"({', '.join(_extensions_for(accepted))})."
        )
    family, real = content_family(content)
    actual: str | None
    if family == "pdf":
        actual = "pdf"
    elif family == "text":
        actual = claimed if claimed in ("md", "txt") else None
    else:
        actual = None
    if actual is None or (family == "pdf") != (claimed == "pdf"):
        raise Refused(
            f"{name} is named like a {KIND_NAMES[claimed]} file, but its content is {real}. "
            + _advice(family, accepted)
        )
    if actual not in accepted:
        raise Refused(
            f"{name} is a {KIND_NAMES[actual]} file; this milestone accepts {accepted_names}."
        )
    return Sniffed(kind=actual, content_type=CONTENT_TYPES[actual])


def _advice(family: str, accepted) -> str:
    if family == "pdf" and "pdf" in accepted:
        return "Rename it to .pdf and upload it again."
    if family == "text" and ("md" in accepted or "txt" in accepted):
        return "Give it a .md or .txt name and upload it again."
    if "pdf" in accepted:
        return "Export your report as a PDF (for example Print, then Save as PDF) and upload that."
    return "Save your report as plain text or Markdown and upload that."


def _extensions_for(accepted) -> list[str]:
    return [ext for ext, kind in EXTENSIONS.items() if kind in accepted]


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()[:200]
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script"))


def _starts_with_markup(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _magic(head: bytes) -> tuple[str, str]:
    import magic

    try:
        return magic.from_buffer(head, mime=True), magic.from_buffer(head)
    except magic.MagicException:
        return "application/octet-stream", "data"


def _article(description: str) -> str:
    # libmagic says "Zip archive data, at least v2.0 to extract": keep the first clause.
    short = description.split(",")[0].strip()
    if short in ("", "data"):
        return "a binary file"
    return f"{'an' if short[:1].lower() in 'aeiou' else 'a'} {short}"
