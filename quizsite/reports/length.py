"""How long is a report? Bytes in, a measurement out; no Django, no storage.

PDF length is measured in pages of content, not in sheets: a page's *fill* is the
distance from the top of its first piece of content to the bottom of its last, divided
by the height of the page's text area (the page minus one-inch top and bottom margins,
widened to take in any content that sits inside a margin). A report's length is the
number of pages before its last page with content (each counted as full) plus the fill
of that last page. So half a page of text on US Letter or A4 measures about 0.5, and
a full page followed by half a page measures about 1.5.

Content is text (every word) and figures: images and vector drawings (rectangles,
lines, curves), each by its box clipped to the page, except

- images and drawings thinner than MIN_GRAPHIC_PT either way: rules, underlines, table
  lines and hairlines are not figures;
- images and drawings lying wholly inside the top or the bottom margin: running
  headers and footers, logos, coloured bands;
- images and drawings reaching into both margins: page borders, backgrounds and
  letterheads, which would otherwise make every page full. The one exception is an
  image on a page with no text, which is what a scanned page looks like: it counts, so
  a scanned page measures as about a full page.

So a half-page figure measures about 0.5 like half a page of text. When the page that
ends the length has figures but no text, the measurement says so (`no_text`): the PDF
may be a scan, and staff should look at it.

Text is every word, except running headers and footers: page numbers, "Page 1 of 2", a
date, the course's name, printed by most Word and LaTeX templates above or below the
body on every page. Left in, a page number alone makes half a page measure as a full
one. A run of text lines at the top (or the bottom) of a page is a running header (or
footer) when all of these hold (`running_lines`):

- every one of its lines lies wholly within RUNNING_BAND_PT of that edge of the page.
  The band is wider than the one-inch margin because LaTeX's default article layout
  prints its page number about 1.25 in above the bottom edge and its running head
  about 1.3 in below the top; Word and Google Docs put theirs 0.5 in from the edge;
- it is at most MAX_RUNNING_LINES lines, each at most MAX_RUNNING_WORDS words and
  MAX_RUNNING_CHARS characters: a header or a footer is a line or two of a few words,
  a line of body text is 70-100 characters;
- a clear gap of at least RUNNING_GAP_PT separates it from everything else on the
  page: a header or a footer is set apart from the body, while the lines of a
  paragraph, even double-spaced, follow each other more closely.

So body text that runs into a margin still counts (its lines follow each other, and
there are more than two of them or they are long), and a page whose body fills the
margins measures as a full page. A page with nothing but a header or a footer, such as
a blank last page with its page number, is a page without content. Running text still
counts as text when telling a scan from a background image (see above), and its words
are not in the word count.

Markdown and plain text have no pages: they are measured in words (runs of
non-space characters containing at least one letter or digit, so Markdown syntax
such as "#", "-" or "|" is not counted). A page limit is turned into a word limit
at WORDS_PER_PAGE words a page.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# One inch, in PDF points: the margin assumed at the top and at the bottom of a page.
MARGIN_PT = 72.0
# A page of prose at 11-12 pt is 450-550 words; the house figure for text uploads.
WORDS_PER_PAGE = 500
# At most this many trailing pages are laid out looking for the last page with content.
MAX_MEASURED_PAGES = 20
# Images and drawings thinner than this (in points) either way are rules, not figures.
MIN_GRAPHIC_PT = 3.0
# Running headers and footers (see the module docstring). The band is 1.5 in: LaTeX's
# default layout sets the page number's baseline about 88 pt above the bottom edge.
RUNNING_BAND_PT = 108.0
# A quarter inch: more than the space between two lines of a paragraph double-spaced at
# 12 pt (about 15 pt), less than Word and LaTeX leave between the body and a header or a
# footer at the closest (about 22 pt).
RUNNING_GAP_PT = 18.0
# A header or footer of two lines ("CS107 - Team Red" over "Page 1 of 2") is common;
# each of its lines is far shorter than a line of body text (70-100 characters, 12-17
# words at 10-12 pt on Letter or A4 with one-inch margins).
MAX_RUNNING_LINES = 2
MAX_RUNNING_WORDS = 10
MAX_RUNNING_CHARS = 60

KINDS = ("pdf", "md", "txt")

# A word is a run of non-space characters with a letter or digit in it. Matched as "a run
# that starts after a space and, looking ahead, holds a letter or digit": the obvious
# pattern \S*[^\W_]\S* backtracks quadratically on a long run of punctuation ("-----"),
# which a hostile upload could use to hang the request.
_WORD = re.compile(r"(?<!\S)(?=\S*?[^\W_])\S+")


class Unreadable(ValueError):
    """The content cannot be measured (a PDF that does not parse). Its text says what
    is wrong in words a student can read; ``cause`` names the parser's exception, for
    the log only (a library's exception names mean nothing to a student)."""

    def __init__(self, problem: str, cause: str = "") -> None:
        super().__init__(problem)
        self.cause = cause


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
    # PDF: the page that ends the length has images or drawings but no text, or nothing
    # was found at all. It may be a scan; staff should look at it.
    no_text: bool = False

    @property
    def is_pdf(self) -> bool:
        return self.kind == "pdf"


@dataclass(frozen=True)
class TextLine:
    """One line of text on a page: its words' extent from the top of the page, in points."""

    top: float
    bottom: float
    text: str

    @property
    def is_short(self) -> bool:
        return len(self.text) <= MAX_RUNNING_CHARS and count_words(self.text) <= MAX_RUNNING_WORDS


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
    return sum(1 for _ in _WORD.finditer(text))


def page_fill(top: float, bottom: float, page_height: float) -> float:
    """Fill of one page from the top of its first content to the bottom of its last,
    both measured from the top of the page in points."""
    area_top = min(MARGIN_PT, top)
    area_bottom = max(page_height - MARGIN_PT, bottom)
    area = area_bottom - area_top
    if area <= 0:
        return 1.0
    return max(0.0, min(1.0, (bottom - top) / area))


def figure_extent(
    box: tuple[float, float, float, float],
    page_size: tuple[float, float],
    *,
    is_image: bool,
    page_has_text: bool,
) -> tuple[float, float] | None:
    """(top, bottom) of an image or drawing that counts as content, clipped to the page,
    or None if it does not count (see the module docstring for the rule).

    `box` is (x0, top, x1, bottom) in points from the page's top-left corner."""
    width, height = page_size
    x0, top, x1, bottom = box
    x0, x1 = max(0.0, x0), min(width, x1)
    top, bottom = max(0.0, top), min(height, bottom)
    if min(x1 - x0, bottom - top) < MIN_GRAPHIC_PT:
        return None
    if bottom <= MARGIN_PT or top >= height - MARGIN_PT:
        return None  # a header or footer
    if top < MARGIN_PT and bottom > height - MARGIN_PT:
        # A border, a background or a letterhead; or, alone on a page, a scan.
        if not (is_image and not page_has_text):
            return None
    return top, bottom


def text_lines(words: Iterable[dict]) -> list[TextLine]:
    """pdfplumber's words grouped into lines, top to bottom: a word joins a line when
    more than half of the shorter of the two overlaps it vertically (words of one line
    set in different sizes, or in the columns of a header, still make one line)."""
    lines: list[list] = []  # [top, bottom, [words]]
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        top, bottom = float(word["top"]), float(word["bottom"])
        if lines:
            line = lines[-1]
            overlap = min(bottom, line[1]) - max(top, line[0])
            if overlap > min(bottom - top, line[1] - line[0]) / 2:
                line[0], line[1] = min(top, line[0]), max(bottom, line[1])
                line[2].append(word)
                continue
        lines.append([top, bottom, [word]])
    return [
        TextLine(
            top=top,
            bottom=bottom,
            text=" ".join(w["text"] for w in sorted(ws, key=lambda w: float(w["x0"]))),
        )
        for top, bottom, ws in lines
    ]


def running_lines(
    lines: Sequence[TextLine],
    figures: Sequence[tuple[float, float]],
    page_height: float,
) -> set[int]:
    """Indexes into `lines` of the page's running header and footer (see the module
    docstring for the rule). `figures` are the (top, bottom) of the images and drawings
    that count: a header or footer must be set apart from them too."""
    running: set[int] = set()
    for at_top in (True, False):
        # Lines from this edge of the page inwards.
        order = sorted(
            (i for i in range(len(lines)) if i not in running),
            key=lambda i: lines[i].top if at_top else -lines[i].bottom,
        )
        for count in range(1, min(MAX_RUNNING_LINES, len(order)) + 1):
            block = order[:count]
            newest = lines[block[-1]]
            inside = (
                newest.bottom <= RUNNING_BAND_PT
                if at_top
                else newest.top >= page_height - RUNNING_BAND_PT
            )
            if not (inside and newest.is_short):
                break  # every larger block holds this line too
            rest = [(lines[i].top, lines[i].bottom) for i in order[count:]] + list(figures)
            if at_top:
                gap = min((t for t, _ in rest), default=page_height) - max(
                    lines[i].bottom for i in block
                )
            else:
                gap = min(lines[i].top for i in block) - max((b for _, b in rest), default=0.0)
            if gap >= RUNNING_GAP_PT:
                running.update(block)
                break
    return running


def _measure_pdf(content: bytes) -> Measurement:
    import pdfplumber

    # pdfminer reports every oddity of a real-world PDF as a warning; they are not ours.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(content))
    except Exception as exc:  # pdfminer raises many private exception types on bad input
        raise _unreadable(exc, "the PDF could not be read") from exc
    with pdf:
        try:
            sheets = len(pdf.pages)
        except Exception as exc:
            raise _unreadable(exc, "the PDF has no readable pages") from exc
        if sheets == 0:
            raise Unreadable("the PDF has no pages")
        # Laying out a page costs a noticeable fraction of a second, and only the last page
        # with content needs it: every page before that one counts as full. So walk back
        # from the end and stop at the first page that has content.
        words = 0
        for index in range(sheets - 1, max(-1, sheets - 1 - MAX_MEASURED_PAGES), -1):
            page = pdf.pages[index]
            fill, page_words, has_text = _page_fill(page)
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
                    no_text=not has_text,
                )
        if sheets > MAX_MEASURED_PAGES:
            # Dozens of blank trailing pages: count the unmeasured ones as full rather than
            # lay out the whole file. Such a file is over any report limit either way.
            unmeasured = sheets - MAX_MEASURED_PAGES
            return Measurement(
                kind="pdf", sheets=sheets, pages=float(unmeasured), fill_fraction=1.0, words=None
            )
    return Measurement(
        kind="pdf", sheets=sheets, pages=0.0, fill_fraction=0.0, words=0, no_text=True
    )


def _page_fill(page) -> tuple[float, int, bool]:
    """(fill, words, whether the page has text) of one page; running headers and
    footers are neither content, nor words, nor text here."""
    try:
        page_words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
        size = (float(page.width), float(page.height))
        figures = []
        for kind in ("image", "rect", "line", "curve"):
            for obj in page.objects.get(kind, ()):
                extent = figure_extent(
                    (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])),
                    size,
                    # Any text, a page number too, tells a background from a scan: a
                    # template's full-page image behind a page number is not a scan.
                    is_image=kind == "image",
                    page_has_text=bool(page_words),
                )
                if extent is not None:
                    figures.append(extent)
    except Exception as exc:
        raise _unreadable(exc, "a page could not be read") from exc
    lines = text_lines(page_words)
    running = running_lines(lines, figures, size[1])
    body = [line for i, line in enumerate(lines) if i not in running]
    extents = [(line.top, line.bottom) for line in body] + figures
    if not extents:
        return 0.0, 0, False
    top = min(t for t, _ in extents)
    bottom = max(b for _, b in extents)
    count = sum(count_words(line.text) for line in body)
    return page_fill(top, bottom, size[1]), count, bool(body)


def _unreadable(exc: Exception, problem: str) -> Exception:
    """What to raise for a parser's exception: the MemoryError or RecursionError behind
    it, if any (pdfplumber wraps what pdfminer raises, and running out of memory or
    stack is a limit the caller handles, not a broken file), else Unreadable."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, MemoryError | RecursionError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return Unreadable(problem, cause=exc.__class__.__name__)


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def describe_pages(value: float) -> str:
    return f"{_number(value)} {'page' if value <= 1 else 'pages'}"


def describe_words(value: int) -> str:
    return f"{value} {'word' if value == 1 else 'words'}"


def describe(measurement: Measurement) -> str:
    if measurement.is_pdf:
        if measurement.pages is None:  # an invariant, kept under python -O
            raise RuntimeError("expected measurement.pages is not None")
        if measurement.pages == 0:
            # Staff should look: nothing on any page could be measured.
            return "0 pages of text (image-only or scanned PDF?)"
        if measurement.no_text:
            # Measured from images or drawings alone: staff should look.
            return f"{describe_pages(measurement.pages)} (no text: image-only or scanned PDF?)"
        return describe_pages(measurement.pages)
    if measurement.words is None:  # an invariant, kept under python -O
        raise RuntimeError("expected measurement.words is not None")
    return describe_words(measurement.words)


def check_length(measurement: Measurement, limit: LengthLimit) -> tuple[bool, str]:
    """(within the limit?, a sentence such as "1.5 pages (limit: 0.5 page)")."""
    if measurement.is_pdf:
        if measurement.pages is None:  # an invariant, kept under python -O
            raise RuntimeError("expected measurement.pages is not None")
        if limit.max_pages is None:
            return True, describe(measurement)
        cap = float(limit.max_pages)
        # Compare at the precision we report, so "0.5 page" is never over a 0.5 limit.
        ok = round(measurement.pages, 2) <= round(cap, 2)
        return ok, f"{describe(measurement)} (limit: {describe_pages(cap)})"
    cap_words = limit.word_limit
    if cap_words is None:
        return True, describe(measurement)
    if measurement.words is None:  # an invariant, kept under python -O
        raise RuntimeError("expected measurement.words is not None")
    ok = measurement.words <= cap_words
    return ok, f"{describe(measurement)} (limit: {describe_words(cap_words)})"
