"""A page's fill takes in images and drawings, not only text; page decoration does not."""

from decimal import Decimal

import pytest

from quizsite.reports.length import (
    MARGIN_PT,
    LengthLimit,
    check_length,
    figure_extent,
    measure,
)
from quizsite.reports.tests.pdfs import decorated_pdf, pdf_of_pages, pdf_with_figure, scanned_pdf

HALF_PAGE = LengthLimit(max_pages=Decimal("0.5"))
LETTER = (612.0, 792.0)


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_measures_a_scanned_page_as_a_full_page_and_says_it_has_no_text(size):
    measurement = measure(scanned_pdf(1, size=size), "pdf")
    assert measurement.pages == 1.0
    assert measurement.no_text
    ok, sentence = check_length(measurement, HALF_PAGE)
    assert not ok
    assert sentence == "1 page (no text: image-only or scanned PDF?) (limit: 0.5 page)"


def test_it_counts_every_scanned_page():
    measurement = measure(scanned_pdf(3), "pdf")
    assert (measurement.sheets, measurement.pages, measurement.no_text) == (3, 3.0, True)


@pytest.mark.parametrize("figure", ["image", "plot"])
def test_it_measures_a_caption_and_a_half_page_figure_as_half_a_page(figure):
    measurement = measure(pdf_with_figure(0.5, figure=figure), "pdf")
    assert 0.48 <= measurement.pages <= 0.52
    assert not measurement.no_text
    assert check_length(measurement, HALF_PAGE)[0]


@pytest.mark.parametrize("figure", ["image", "plot"])
def test_it_measures_a_figure_without_text_by_its_size_and_says_it_has_no_text(figure):
    measurement = measure(pdf_with_figure(0.75, figure=figure, caption=False), "pdf")
    assert 0.73 <= measurement.pages <= 0.77
    assert measurement.no_text


def test_it_measures_a_page_ending_in_a_figure_to_the_bottom_of_the_figure():
    # Mostly figure: measured by its text alone, this page would be one caption line.
    measurement = measure(pdf_with_figure(0.9), "pdf")
    assert 0.88 <= measurement.pages <= 0.92


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_ignores_borders_backgrounds_rules_and_header_graphics(size):
    plain = measure(pdf_of_pages(0.5, size=size), "pdf")
    decorated = measure(decorated_pdf(0.5, size=size), "pdf")
    assert decorated.pages == plain.pages
    assert not decorated.no_text


def test_it_ignores_blank_pages_that_have_only_decoration():
    measurement = measure(decorated_pdf(1.5, blank_after=2), "pdf")
    assert measurement.sheets == 4
    assert 1.45 <= measurement.pages <= 1.5


@pytest.mark.parametrize(
    ("box", "is_image", "page_has_text", "expected"),
    [
        # A figure in the text area counts, clipped to the page.
        ((72, 100, 372, 400), False, True, (100, 400)),
        ((-50, 300, 700, 500), True, True, (300, 500)),
        # Rules and hairlines are not figures, however long.
        ((72, 300, 540, 301), False, True, None),
        ((306, 80, 306.5, 700), False, True, None),
        # Wholly in the top or the bottom margin: a header or a footer.
        ((450, 20, 540, 70), True, True, None),
        ((0, 772, 612, 792), False, False, None),
        # Reaching into both margins: a border or a background...
        ((36, 36, 576, 756), False, True, None),
        ((0, 0, 612, 792), False, False, None),
        ((0, 0, 612, 792), True, True, None),
        # ...except an image alone on a page: a scan.
        ((0, 0, 612, 792), True, False, (0, 792)),
        ((10, 5, 600, 800), True, False, (5, 792)),
    ],
)
def test_it_decides_which_images_and_drawings_count(box, is_image, page_has_text, expected):
    extent = figure_extent(box, LETTER, is_image=is_image, page_has_text=page_has_text)
    assert extent == expected


def test_it_counts_a_figure_that_only_reaches_into_one_margin():
    assert figure_extent((72, MARGIN_PT - 20, 300, 300), LETTER, is_image=False, page_has_text=True)
