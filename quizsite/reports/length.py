"""How long is a report? Bytes in, a measurement out; no Django, no storage.

PDF length is measured in pages of text, not in sheets: a page's *fill* is the
distance from the top of its first text line to the bottom of its last, divided by
the height of the page's text area (the page minus one-inch top and bottom margins,
widened to take in any text that sits inside a margin). A report's length is the
number of text pages before its last one (each counted as full) plus the fill of
the last page that has text. So half a page of text on US Letter or A4 measures
about 0.5, and a full page followed by half a page measures about 1.5.

Markdown and plain text have no pages: they are measured in words (runs of
non-space characters containing at least one letter or digit, so Markdown syntax
such as "#", "-" or "|" is not counted). A page limit is turned into a word limit
at WORDS_PER_PAGE words a page.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

# One inch, in PDF points: the margin assumed at the top and at the bottom of a page.
MARGIN_PT = 72.0
# A page of prose at 11-12 pt is 450-550 words; the house figure for text uploads.
WORDS_PER_PAGE = 500
# At most this many trailing pages are laid out looking for the last page with text.
MAX_MEASURED_PAGES = 20

KINDS = ("pdf", "md", "txt")

_WORD = re.compile(r"\S*[^\W_]\S*")


class Unreadable(ValueError):
    """The content cannot be measured (a PDF that does not parse)."""


@dataclass(frozen=True)
class Measurement:
    kind: str
    # PDF: sheets in the file; text: None.
    sheets: int | None
    # PDF: pages of text as defined above; text: None.
    pages: float | None
    # PDF: fill of the last page with text, 0..1; text: None.
    fill_fraction: float | None
    # Text: the word count that is checked. PDF: for information, and None when only
    # the last pages were laid out.
    words: int | None

    @property
    def is_pdf(self) -> bool:
        return self.kind == "pdf"


@dataclass(frozen=True)
class LengthLimit:
    max_pages: Decimal | float | None = None
    max_words: int | None = None

    @property
    def word_limit(self) -> int | None:
        """The limit that applies to text uploads."""
        if self.max_words is not None:
            return self.max_words
        if self.max_pages is not None:
            return int(round(float(self.max_pages) * WORDS_PER_PAGE))
        return None


def measure(content: bytes, kind: str) -> Measurement:
    if kind == "pdf":
        return _measure_pdf(content)
    if kind in ("md", "txt"):
        text = content.decode("utf-8-sig")
        return Measurement(
            kind=kind, sheets=None, pages=None, fill_fraction=None, words=count_words(text)
        )
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def page_fill(top: float, bottom: float, page_height: float) -> float:
    """Fill of one page from the top of its first line to the bottom of its last,
    both measured from the top of the page in points."""
    area_top = min(MARGIN_PT, top)
    area_bottom = max(page_height - MARGIN_PT, bottom)
    area = area_bottom - area_top
    if area <= 0:
        return 1.0
    return max(0.0, min(1.0, (bottom - top) / area))


def _measure_pdf(content: bytes) -> Measurement:
    import pdfplumber

    # pdfminer reports every oddity of a real-world PDF as a warning; they are not ours.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(content))
    except Exception as exc:  # pdfminer raises many private exception types on bad input
        raise Unreadable(f"the PDF could not be read ({exc.__class__.__name__})") from exc
    with pdf:
        try:
            sheets = len(pdf.pages)
        except Exception as exc:
            raise Unreadable(f"the PDF has no readable pages ({exc.__class__.__name__})") from exc
        if sheets == 0:
            raise Unreadable("the PDF has no pages")
        # Laying out a page of text costs a noticeable fraction of a second, and only the
        # last page with text needs it: every page before that one counts as full. So walk
        # back from the end and stop at the first page that has text.
        words = 0
        for index in range(sheets - 1, max(-1, sheets - 1 - MAX_MEASURED_PAGES), -1):
            page = pdf.pages[index]
            fill, page_words = _page_fill_and_words(page)
            page.close()
            words += page_words
            if fill > 0:
                measured_all = index == 0
                return Measurement(
                    kind="pdf",
                    sheets=sheets,
                    pages=round(index + fill, 2),
                    fill_fraction=round(fill, 2),
                    words=words if measured_all else None,
                )
        if sheets > MAX_MEASURED_PAGES:
            # Dozens of blank trailing pages: count the unmeasured ones as full rather than
            # lay out the whole file. Such a file is over any report limit either way.
            unmeasured = sheets - MAX_MEASURED_PAGES
            return Measurement(
                kind="pdf", sheets=sheets, pages=float(unmeasured), fill_fraction=1.0, words=None
            )
    return Measurement(kind="pdf", sheets=sheets, pages=0.0, fill_fraction=0.0, words=0)


def _page_fill_and_words(page) -> tuple[float, int]:
    try:
        page_words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
    except Exception as exc:
        raise Unreadable(f"a page could not be read ({exc.__class__.__name__})") from exc
    if not page_words:
        return 0.0, 0
    top = min(float(w["top"]) for w in page_words)
    bottom = max(float(w["bottom"]) for w in page_words)
    count = sum(count_words(w["text"]) for w in page_words)
    return page_fill(top, bottom, float(page.height)), count


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def describe_pages(value: float) -> str:
    return f"{_number(value)} {'page' if value <= 1 else 'pages'}"


def describe_words(value: int) -> str:
    return f"{value} {'word' if value == 1 else 'words'}"


def describe(measurement: Measurement) -> str:
    if measurement.is_pdf:
        assert measurement.pages is not None
        if measurement.pages == 0:
            # Staff should look: the length of an image-only PDF cannot be measured.
            return "0 pages of text (image-only or scanned PDF?)"
        return describe_pages(measurement.pages)
    return describe_words(measurement.words)


def check_length(measurement: Measurement, limit: LengthLimit) -> tuple[bool, str]:
    """(within the limit?, a sentence such as "1.5 pages (limit: 0.5 page)")."""
    if measurement.is_pdf:
        assert measurement.pages is not None
        if limit.max_pages is None:
            return True, describe(measurement)
        cap = float(limit.max_pages)
        # Compare at the precision we report, so "0.5 page" is never over a 0.5 limit.
        ok = round(measurement.pages, 2) <= round(cap, 2)
        return ok, f"{describe(measurement)} (limit: {describe_pages(cap)})"
    cap_words = limit.word_limit
    if cap_words is None:
        return True, describe(measurement)
    ok = measurement.words <= cap_words
    return ok, f"{describe(measurement)} (limit: {describe_words(cap_words)})"
