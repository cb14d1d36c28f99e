"""Page numbers, "Page 1 of 2" and running headers do not make a short report measure a
full page; body text that runs into a margin still counts."""

from decimal import Decimal

import pytest

from quizsite.reports.length import (
    LengthLimit,
    TextLine,
    check_length,
    measure,
    running_lines,
    text_lines,
)
from quizsite.reports.tests.pdfs import page_of_lines, pdf_of_pages

HALF_PAGE = LengthLimit(max_pages=Decimal("0.5"))
HEADER = "CS107 Systems Development - Milestone 2B - Team Red"
LETTER_HEIGHT = 792.0


@pytest.mark.parametrize("size", ["letter", "a4"])
@pytest.mark.parametrize(
    ("header", "footer"),
    [
        (None, "{page}"),
        (None, "Page {page} of {pages}"),
        (HEADER, "Page {page} of {pages}"),
        (HEADER, None),
        ("2 March 2026", "CS107 - Team Red - page {page}"),
    ],
)
def test_it_measures_half_a_page_with_a_header_or_footer_as_half_a_page(size, header, footer):
    plain = measure(pdf_of_pages(0.5, size=size), "pdf")
    measurement = measure(pdf_of_pages(0.5, size=size, header=header, footer=footer), "pdf")
    assert measurement.pages == plain.pages
    assert 0.45 <= measurement.pages <= 0.5
    assert check_length(measurement, HALF_PAGE)[0]
    assert measurement.words == plain.words  # the page number is not a word of the report


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_ignores_a_page_number_where_latex_puts_it(size):
    # The default article layout sets the page number's baseline about 88 pt above the
    # bottom edge, outside a one-inch margin.
    latex = pdf_of_pages(0.5, size=size, footer="{page}", running_from_edge=88)
    assert measure(latex, "pdf").pages == measure(pdf_of_pages(0.5, size=size), "pdf").pages


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_measures_a_page_and_a_half_with_footers_as_a_page_and_a_half(size):
    measurement = measure(pdf_of_pages(1.5, size=size, footer="Page {page} of {pages}"), "pdf")
    assert measurement.sheets == 2
    assert 1.45 <= measurement.pages <= 1.5


def test_it_ignores_a_blank_last_page_that_has_only_a_header_and_a_page_number():
    measurement = measure(
        pdf_of_pages(0.5, blank_after=1, header=HEADER, footer="Page {page} of {pages}"), "pdf"
    )
    assert measurement.sheets == 2
    assert measurement.pages == measure(pdf_of_pages(0.5), "pdf").pages


def test_it_says_a_pdf_with_nothing_but_page_numbers_has_no_text():
    measurement = measure(pdf_of_pages(0, blank_after=2, footer="Page {page}"), "pdf")
    assert (measurement.pages, measurement.no_text) == (0, True)


def test_it_still_measures_a_full_page_of_text_in_tiny_margins_as_full():
    # A quarter-inch margin: the body fills both margin bands; the footer is beside it.
    measurement = measure(pdf_of_pages(1, margin=18, footer="Page {page} of {pages}"), "pdf")
    assert measurement.pages == 1.0
    longer = measure(pdf_of_pages(1.5, margin=18, footer="Page {page} of {pages}"), "pdf")
    assert longer.pages >= 1.5


def test_it_does_not_let_tiny_margins_pass_a_longer_report_as_half_a_page():
    # Half of the area between quarter-inch margins is more than half a page of text.
    measurement = measure(pdf_of_pages(0.5, margin=18, footer="{page}"), "pdf")
    assert measurement.pages > 0.5
    assert not check_length(measurement, HALF_PAGE)[0]


def test_it_counts_the_short_last_lines_of_a_paragraph_that_runs_into_the_bottom_margin():
    # From mid-page down into the bottom margin; the last two lines are short, like the
    # end of a list, and lie in the band where footers sit.
    ending = page_of_lines(400, 27, tail=("Next steps:", "- finish the parser."))
    full_lines = page_of_lines(400, 27)
    measurement = measure(ending, "pdf")
    assert measurement.pages == measure(full_lines, "pdf").pages
    assert measurement.pages >= 0.53


def _line(top: float, text: str = "Page 1", height: float = 11.0) -> TextLine:
    return TextLine(top=top, bottom=top + height, text=text)


BODY = "We measured the fill of each page and compared it with the milestone limit today."
# Half a page of body text from the top of the text area, 14 pt apart.
HALF = [_line(72 + 14 * i, BODY) for i in range(23)]


@pytest.mark.parametrize(
    ("lines", "figures", "expected"),
    [
        # A page number at the bottom, a header at the top.
        ([*HALF, _line(745)], [], {23}),
        ([_line(36, "Team Red"), *HALF], [], {0}),
        ([_line(36, "Team Red"), *HALF, _line(745)], [], {0, 24}),
        # Two lines make a footer; three are body text.
        ([*HALF, _line(731, "CS107 - Team Red"), _line(745)], [], {23, 24}),
        ([*HALF, _line(717, "a"), _line(731, "b"), _line(745)], [], set()),
        # Only a header and a footer on the page (a blank last page).
        ([_line(36, "Team Red"), _line(745)], [], {0, 1}),
        ([_line(745)], [], {0}),
        # LaTeX's page number, 1.25 in above the bottom edge.
        ([*HALF, _line(697)], [], {23}),
        # Not wholly inside the band (it starts 1.5 in above the edge): body text.
        ([*HALF, _line(680)], [], set()),
        # A long line is body text, wherever it is.
        ([*HALF, _line(745, BODY)], [], set()),
        ([*HALF, _line(745, " ".join(["word"] * 11))], [], set()),
        # Body text running into the margin: lines that follow each other closely, even
        # double-spaced at 12 pt, are a paragraph, not a footer.
        ([_line(600 + 14 * i, BODY) for i in range(9)] + [_line(726, "the end.")], [], set()),
        (
            [_line(560 + 27 * i, BODY, 12) for i in range(6)] + [_line(722, "the end.", 12)],
            [],
            set(),
        ),
        # Close to a figure: part of the page's content.
        ([*HALF, _line(745)], [(400.0, 735.0)], set()),
        ([*HALF, _line(745)], [(400.0, 700.0)], {23}),
    ],
)
def test_it_decides_which_lines_are_running_headers_and_footers(lines, figures, expected):
    assert running_lines(lines, figures, LETTER_HEIGHT) == expected


def test_it_groups_words_into_lines_across_columns_and_sizes():
    words = [
        {"text": "Page", "x0": 500.0, "top": 745.0, "bottom": 756.0},
        {"text": "Team", "x0": 72.0, "top": 745.5, "bottom": 755.5},
        {"text": "Red", "x0": 100.0, "top": 744.0, "bottom": 757.0},
        {"text": "1", "x0": 530.0, "top": 745.0, "bottom": 756.0},
        {"text": "Next", "x0": 72.0, "top": 700.0, "bottom": 711.0},
    ]
    assert [(line.text, line.top, line.bottom) for line in text_lines(words)] == [
        ("Next", 700.0, 711.0),
        ("Team Red Page 1", 744.0, 757.0),
    ]
