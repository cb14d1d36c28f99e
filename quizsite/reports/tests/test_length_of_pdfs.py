from decimal import Decimal

import pytest

from quizsite.reports.length import LengthLimit, Unreadable, check_length, measure
from quizsite.reports.tests.pdfs import blank_pdf, pdf_of_pages

HALF_PAGE = LengthLimit(max_pages=Decimal("0.5"))


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_passes_a_half_page_pdf(size):
    measurement = measure(pdf_of_pages(0.5, size=size), "pdf")
    ok, sentence = check_length(measurement, HALF_PAGE)
    assert measurement.sheets == 1
    assert 0.45 <= measurement.pages <= 0.5
    assert ok, sentence
    assert sentence.endswith("(limit: 0.5 page)")


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_it_flags_a_page_and_a_half_pdf_with_its_measured_length(size):
    measurement = measure(pdf_of_pages(1.5, size=size), "pdf")
    ok, sentence = check_length(measurement, HALF_PAGE)
    assert not ok
    assert measurement.sheets == 2
    assert 1.45 <= measurement.pages <= 1.5
    assert 0.45 <= measurement.fill_fraction <= 0.5
    assert sentence == f"{measurement.pages:g} pages (limit: 0.5 page)"


def test_it_counts_every_page_before_the_last_as_full():
    measurement = measure(pdf_of_pages(2.25), "pdf")
    assert measurement.sheets == 3
    assert 2.2 <= measurement.pages <= 2.25


def test_it_measures_a_blank_pdf_as_no_pages():
    measurement = measure(blank_pdf(), "pdf")
    assert measurement.pages == 0
    assert check_length(measurement, HALF_PAGE) == (
        True,
        "0 pages of text (image-only or scanned PDF?) (limit: 0.5 page)",
    )


def test_it_says_a_broken_pdf_is_unreadable():
    with pytest.raises(Unreadable):
        measure(b"%PDF-1.7\nthis is not really a pdf at all\n", "pdf")


def test_it_reports_the_length_without_a_limit():
    ok, sentence = check_length(measure(pdf_of_pages(1.5), "pdf"), LengthLimit())
    assert ok
    assert sentence.endswith("pages")


def test_it_ignores_blank_pages_after_the_text():
    measurement = measure(pdf_of_pages(1.5, blank_after=2), "pdf")
    assert measurement.sheets == 4
    assert 1.45 <= measurement.pages <= 1.5


def test_it_counts_words_only_when_every_page_was_laid_out():
    assert measure(pdf_of_pages(0.5), "pdf").words > 300
    assert measure(pdf_of_pages(1.5), "pdf").words is None
