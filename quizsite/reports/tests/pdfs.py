"""Test documents of known length, generated with reportlab."""

from __future__ import annotations

import io
import zlib

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen import canvas

LEADING = 14.0
MARGIN = 72.0
SENTENCE = "We measured the fill of each page and compared it with the milestone limit today."

PAGE_SIZES = {"letter": letter, "a4": A4}


def pdf_of_pages(
    pages: float,
    *,
    size: str = "letter",
    blank_after: int = 0,
    margin: float = MARGIN,
    header: str | None = None,
    footer: str | None = None,
    running_from_edge: float = 36.0,
) -> bytes:
    """A PDF whose text fills `pages` pages of the area between `margin` (one inch)
    margins: 2.5 is two full pages and half of a third. `blank_after` blank pages follow.

    `header` and `footer` are printed on every sheet, blank ones too, like a template's
    running header and footer, with "{page}" and "{pages}" filled in: the header's top
    and the footer's baseline `running_from_edge` points (half an inch, as Word puts
    them) from the edge of the sheet."""
    width, height = PAGE_SIZES[size]
    area = height - 2 * margin
    lines_per_page = int(area // LEADING)
    fractions = []
    remaining = pages
    while remaining > 0:
        fractions.append(min(1.0, remaining))
        remaining -= fractions[-1]
    fractions += [0.0] * blank_after
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    for number, fraction in enumerate(fractions, start=1):
        c.setFont("Helvetica", 11)
        if fraction:
            lines = max(1, round(lines_per_page * fraction))
            y = height - margin - 10  # baseline of an 11 pt line whose top sits at the margin
            for _ in range(lines):
                c.drawString(margin, y, SENTENCE)
                y -= LEADING
        fields = {"page": number, "pages": len(fractions)}
        if header is not None:
            c.drawString(MARGIN, height - running_from_edge - 10, header.format(**fields))
        if footer is not None:
            c.drawCentredString(width / 2, running_from_edge, footer.format(**fields))
        c.showPage()
    c.save()
    return buffer.getvalue()


def page_of_lines(
    first_top: float, lines: int, *, tail: tuple[str, ...] = (), size: str = "letter"
) -> bytes:
    """One page of `lines` lines of text, the first with its top `first_top` points below
    the top of the sheet, spaced as a paragraph; the last ones are `tail` (short lines,
    as a paragraph or a list ends)."""
    width, height = PAGE_SIZES[size]
    texts = [SENTENCE] * (lines - len(tail)) + list(tail)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    c.setFont("Helvetica", 11)
    y = height - first_top - 10
    for text in texts:
        c.drawString(MARGIN, y, text)
        y -= LEADING
    c.showPage()
    c.save()
    return buffer.getvalue()


def blank_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _grey_image(width_px: int = 120, height_px: int = 160):
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    return ImageReader(Image.new("L", (width_px, height_px), 180))


def scanned_pdf(pages: int = 1, *, size: str = "letter") -> bytes:
    """Pages that are each one image covering the whole sheet, with no text: a scan."""
    width, height = PAGE_SIZES[size]
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    for _ in range(pages):
        c.drawImage(_grey_image(), 0, 0, width=width, height=height)
        c.showPage()
    c.save()
    return buffer.getvalue()


def pdf_with_figure(
    fraction: float, *, figure: str = "image", caption: bool = True, size: str = "letter"
) -> bytes:
    """One page: a line of text at the top of the text area (unless caption=False), then
    a figure below it reaching down to `fraction` of the area between one-inch margins.
    figure="image" is a raster image; "plot" is a vector chart (a frame, bars and a line)."""
    width, height = PAGE_SIZES[size]
    area = height - 2 * MARGIN
    figure_top = height - MARGIN - (LEADING if caption else 0)  # PDF y grows upwards
    figure_bottom = height - MARGIN - area * fraction
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    if caption:
        c.setFont("Helvetica", 11)
        c.drawString(MARGIN, height - MARGIN - 10, "Figure 1: throughput per week.")
    figure_height = figure_top - figure_bottom
    if figure == "image":
        c.drawImage(_grey_image(), MARGIN, figure_bottom, width=300, height=figure_height)
    else:
        c.rect(MARGIN, figure_bottom, 300, figure_height, stroke=1, fill=0)
        for i, share in enumerate((0.3, 0.8, 0.5, 0.9)):
            c.rect(MARGIN + 20 + i * 60, figure_bottom, 40, figure_height * share, fill=1)
        path = c.beginPath()
        path.moveTo(MARGIN, figure_bottom + 5)
        for i in range(1, 11):
            path.lineTo(MARGIN + i * 30, figure_bottom + figure_height * (i % 3 + 1) / 4)
        c.drawPath(path, stroke=1, fill=0)
    c.showPage()
    c.save()
    return buffer.getvalue()


def decorated_pdf(pages: float, *, blank_after: int = 0, size: str = "letter") -> bytes:
    """Like pdf_of_pages, but every sheet (blank ones too) has the decoration of a
    house style: a page border, a full-page background, a header rule and a footer rule,
    a logo in the header and a coloured band in the footer."""
    width, height = PAGE_SIZES[size]
    plain = pdf_of_pages(pages, size=size, blank_after=blank_after)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(plain)) as pdf:
        texts = [
            [(w["x0"], height - w["bottom"] + 3, w["text"]) for w in page.extract_words()]
            for page in pdf.pages
        ]
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    for words in texts:
        c.setFillGray(0.97)
        c.rect(0, 0, width, height, stroke=0, fill=1)  # background
        c.setFillGray(0)
        c.rect(36, 36, width - 72, height - 72, stroke=1, fill=0)  # border, 0.5 in inside
        c.line(MARGIN, height - 60, width - MARGIN, height - 60)  # header rule
        c.line(MARGIN, 60, width - MARGIN, 60)  # footer rule
        c.drawImage(_grey_image(40, 40), width - MARGIN - 40, height - 58, width=40, height=40)
        c.rect(0, 0, width, 20, stroke=0, fill=1)  # footer band
        c.setFont("Helvetica", 11)
        for x, y, text in words:
            c.drawString(x, y, text)
        c.showPage()
    c.save()
    return buffer.getvalue()


def pdf_with_content(stream: bytes, *, deflated: bool = False) -> bytes:
    """A one-page PDF, written by hand, whose page content stream is `stream` as stored
    (already FlateDecode-compressed if `deflated`): for content no PDF library writes."""
    filter_entry = b" /Filter /FlateDecode" if deflated else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), filter_entry) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def inflating_pdf(megabytes: int = 256) -> bytes:
    """A small PDF whose page content inflates to `megabytes` MB of spaces: a
    decompression bomb (256 MB is about 250 KB compressed)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return pdf_with_content(data, deflated=True)
