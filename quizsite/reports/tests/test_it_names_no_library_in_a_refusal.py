"""A PDF that does not parse is refused in plain words: the refusal used to end with
the parser's exception name, "(PdfminerException)", which tells a student nothing
and the world which library reads their file. The name goes to the log instead."""

from __future__ import annotations

import html
import logging
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports.tests.conftest import NOW, upload_url

# A parenthesised CamelCase name: "(PdfminerException)", "(PSSyntaxError)".
EXCEPTION_NAME = re.compile(r"\(\s*[A-Z][A-Za-z]*(Exception|Error)\s*\)")


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\nnot really a pdf\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF\n"],
    ids=["garbage after the header", "a catalog and no pages"],
)
@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_unreadable_pdf_in_plain_words(
    client_for, student, milestone, caplog, content
) -> None:
    with caplog.at_level(logging.INFO, logger="quizsite.reports.actions"):
        response = client_for(student).post(
            upload_url(milestone), {"report": SimpleUploadedFile("report.pdf", content)}
        )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "report.pdf starts like a PDF but could not be read: the PDF" in page
    assert not EXCEPTION_NAME.search(page), EXCEPTION_NAME.search(page)
    assert "pdfminer" not in page.lower()
    logged = [r.getMessage() for r in caplog.records if "refused as unreadable" in r.getMessage()]
    assert logged and EXCEPTION_NAME.search(logged[0])
