import pytest

from quizsite.reports.sniff import Refused, identify
from quizsite.reports.tests.pdfs import pdf_of_pages

ALL = ("pdf", "md", "txt")
HTML = b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body><p>Hi</p></body></html>\n"


def test_it_accepts_a_pdf_named_pdf():
    assert identify(pdf_of_pages(0.5), "report.pdf", ALL).kind == "pdf"


def test_it_accepts_markdown_and_text():
    assert identify(b"# Report\n\nDone.\n", "report.md", ALL).kind == "md"
    assert identify("Fertig, schön.\n".encode(), "notes.TXT", ALL).kind == "txt"


def test_it_refuses_a_pdf_renamed_md_and_says_it_is_a_pdf():
    with pytest.raises(Refused) as caught:
        identify(pdf_of_pages(0.5), "report.md", ALL)
    message = str(caught.value)
    assert "report.md is named like a Markdown file, but its content is a PDF document" in message
    assert "Rename it to .pdf" in message


def test_it_refuses_an_html_page_renamed_pdf():
    with pytest.raises(Refused) as caught:
        identify(HTML, "report.pdf", ALL)
    assert "report.pdf is named like a PDF file, but its content is an HTML page" in str(
        caught.value
    )


def test_it_refuses_html_renamed_md():
    with pytest.raises(Refused, match="an HTML page"):
        identify(HTML, "report.md", ALL)


def test_it_refuses_binary_named_text():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(
        Refused, match="report.txt is named like a plain text file, but its content is"
    ):
        identify(png, "report.txt", ALL)


def test_it_refuses_text_renamed_pdf():
    with pytest.raises(Refused, match="its content is plain text"):
        identify(b"just words\n", "report.pdf", ALL)


def test_it_refuses_unknown_extensions_and_empty_files():
    with pytest.raises(Refused, match="only PDF or Markdown or plain text files"):
        identify(b"hello", "report.docx", ALL)
    with pytest.raises(Refused, match="is empty"):
        identify(b"", "report.md", ALL)


def test_it_refuses_a_format_the_milestone_does_not_accept():
    with pytest.raises(Refused, match="this milestone accepts PDF"):
        identify(b"# Report\n", "report.md", ("pdf",))


def test_it_accepts_markdown_that_mentions_html_tags_in_prose():
    text = b"# Report\n\nWe stopped using inline <script> tags in the web app.\n"
    assert identify(text, "report.md", ALL).kind == "md"


def test_it_refuses_markup_that_libmagic_calls_html():
    with pytest.raises(Refused, match="an HTML page"):
        identify(b"<p>My report</p>\n<script>alert(1)</script>\n", "report.txt", ALL)
