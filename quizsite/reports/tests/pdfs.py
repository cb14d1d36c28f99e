"""Test documents of known length, generated with reportlab."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen import canvas

LEADING = 14.0
MARGIN = 72.0
SENTENCE = "We measured the fill of each page and compared it with the milestone limit today."

PAGE_SIZES = {"letter": letter, "a4": A4}


def pdf_of_pages(pages: float, *, size: str = "letter", blank_after: int = 0) -> bytes:
    """A PDF whose text fills `pages` pages of the area between one-inch margins:
    2.5 is two full pages and half of a third. `blank_after` blank pages follow."""
    width, height = PAGE_SIZES[size]
    area = height - 2 * MARGIN
    lines_per_page = int(area // LEADING)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    remaining = pages
    while remaining > 0:
        fraction = min(1.0, remaining)
        lines = max(1, round(lines_per_page * fraction))
        y = height - MARGIN - 10  # baseline of an 11 pt line whose top sits at the margin
        c.setFont("Helvetica", 11)
        for _ in range(lines):
            c.drawString(MARGIN, y, SENTENCE)
            y -= LEADING
        c.showPage()
        remaining -= fraction
    for _ in range(blank_after):
        c.showPage()
    c.save()
    return buffer.getvalue()


def blank_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.showPage()
    c.save()
    return buffer.getvalue()
