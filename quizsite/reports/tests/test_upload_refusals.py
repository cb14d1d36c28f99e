import html

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports.models import ReportSubmission
from quizsite.reports.tests.conftest import NOW, upload_url
from quizsite.reports.tests.pdfs import pdf_of_pages

HTML = b"<!DOCTYPE html>\n<html><body><h1>My report</h1><script>alert(1)</script></body></html>\n"


def _refusal(client, milestone, name, content):
    response = client.post(upload_url(milestone), {"report": SimpleUploadedFile(name, content)})
    return response.status_code, html.unescape(response.content.decode())


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_pdf_renamed_md_and_names_what_it_is(client_for, student, milestone):
    status, page = _refusal(client_for(student), milestone, "report.md", pdf_of_pages(0.5))
    assert status == 400
    assert "report.md is named like a Markdown file, but its content is a PDF document." in page
    assert not ReportSubmission.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_html_file_renamed_pdf(client_for, student, milestone):
    status, page = _refusal(client_for(student), milestone, "report.pdf", HTML)
    assert status == 400
    assert "report.pdf is named like a PDF file, but its content is an HTML page." in page
    assert not ReportSubmission.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_oversized_file_from_its_declared_length(client_for, student, make_milestone):
    milestone = make_milestone(max_bytes=100 * 1024)
    big = pdf_of_pages(0.5) + b"%" + b"x" * (300 * 1024)
    status, page = _refusal(client_for(student), milestone, "report.pdf", big)
    assert status == 413
    assert "The file is larger than this milestone&#x27;s limit" not in page
    assert "The file is larger than this milestone's limit of 100 KB." in page
    assert not ReportSubmission.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_stops_reading_an_oversized_file_part_way(client_for, student, make_milestone):
    # Small enough that the declared request length passes, so the running count refuses it.
    milestone = make_milestone(max_bytes=4 * 1024)
    big = pdf_of_pages(0.5) + b"%" + b"x" * (20 * 1024)
    status, page = _refusal(client_for(student), milestone, "report.pdf", big)
    assert status == 413
    assert "The file is larger than this milestone's limit of 4 KB." in page
    assert not ReportSubmission.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_pdf_that_does_not_parse(client_for, student, milestone):
    status, page = _refusal(
        client_for(student), milestone, "report.pdf", b"%PDF-1.7\nnot really a pdf\n"
    )
    assert status == 400
    assert "report.pdf starts like a PDF but could not be read" in page


@time_machine.travel(NOW, tick=False)
def test_it_refuses_staff_and_strangers_as_uploaders(client_for, ta, stranger, milestone):
    status, page = _refusal(client_for(ta), milestone, "r.md", b"# hi\n")
    assert status == 400 and "Only students of this course can hand in reports." in page
    response = client_for(stranger).post(
        upload_url(milestone), {"report": SimpleUploadedFile("r.md", b"# hi\n")}
    )
    assert response.status_code == 404
    assert not ReportSubmission.objects.exists()
