"""A PDF is measured in a limited child process; one that runs out of time or memory
is kept unmeasured and flagged for staff, never lost."""

import textwrap

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports import measuring, messages
from quizsite.reports.length import Unreadable, measure
from quizsite.reports.models import LengthCheck, ReportSubmission
from quizsite.reports.tests.conftest import NOW, upload_url
from quizsite.reports.tests.pdfs import inflating_pdf, pdf_of_pages, scanned_pdf


def _upload(client, milestone, name, content):
    response = client.post(upload_url(milestone), {"report": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def _submissions_page(client_for, ta, milestone) -> str:
    url = f"/courses/{milestone.course.code}/milestones/{milestone.pk}/submissions/"
    return client_for(ta).get(url).content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_keeps_a_pdf_that_takes_too_long_to_measure_and_flags_it(
    client_for, student, ta, milestone, settings
):
    # Shorter than the measuring process needs to load its PDF library: killed every time.
    settings.REPORT_MEASURE_TIMEOUT_SECONDS = 0.01
    client = client_for(student)
    pending = _upload(client, milestone, "heavy.pdf", pdf_of_pages(3))
    page = client.get(pending).content.decode()
    assert messages.NOT_MEASURED in page
    assert "This report is" not in page

    confirmed = client.post(pending, {"action": "confirm"}, follow=True).content.decode()
    assert "Handed in as version 1." + messages.NOT_MEASURED_CONFIRMED in confirmed
    version = ReportSubmission.objects.get()
    assert version.version == 1
    assert version.length_check == LengthCheck.UNMEASURED
    assert (version.pages, version.sheets, version.over_limit) == (None, None, False)
    assert version.length_text == "not measured (took too long)"
    assert default_storage.open(version.file.name).read() == pdf_of_pages(3)
    staff_page = _submissions_page(client_for, ta, milestone)
    assert "check the length: could not be measured" in staff_page


@time_machine.travel(NOW, tick=False)
def test_it_keeps_a_decompression_bomb_unmeasured_at_the_memory_limit(
    client_for, student, milestone, settings
):
    settings.REPORT_MEASURE_MEMORY_MB = 64
    bomb = inflating_pdf(256)  # 256 KB that inflate to 256 MB
    pending = _upload(client_for(student), milestone, "bomb.pdf", bomb)
    version = ReportSubmission.objects.get()
    assert version.length_check == LengthCheck.UNMEASURED
    assert version.length_text == "not measured (needed too much memory)"
    assert pending.endswith(f"/{version.token}/")


@time_machine.travel(NOW, tick=False)
def test_it_measures_a_normal_pdf_in_the_child_as_it_would_in_process(
    client_for, student, milestone
):
    content = pdf_of_pages(1.5)
    _upload(client_for(student), milestone, "r.pdf", content)
    version = ReportSubmission.objects.get()
    expected = measure(content, "pdf")
    assert float(version.pages) == expected.pages
    assert float(version.fill_fraction) == expected.fill_fraction
    assert version.sheets == expected.sheets
    assert version.length_check == LengthCheck.NONE
    assert version.length_text == "1.49 pages (limit: 0.5 page)"


@time_machine.travel(NOW, tick=False)
def test_it_flags_a_scan_for_staff_and_tells_the_student(client_for, student, ta, milestone):
    client = client_for(student)
    pending = _upload(client, milestone, "scan.pdf", scanned_pdf(2))
    page = client.get(pending).content.decode()
    assert "This report is 2 pages (no text: image-only or scanned PDF?)" in page
    assert messages.NO_TEXT in page
    client.post(pending, {"action": "confirm"})
    version = ReportSubmission.objects.get()
    assert (version.length_check, version.over_limit) == (LengthCheck.NO_TEXT, True)
    assert "check the length: no text, maybe a scan" in _submissions_page(client_for, ta, milestone)


def test_it_still_refuses_a_pdf_that_does_not_parse():
    with pytest.raises(Unreadable):
        measuring.measure_within_limits(
            b"%PDF-1.7\nthis is not really a pdf at all\n", "pdf", seconds=30, memory_mb=256
        )


def test_it_says_not_measured_when_the_measuring_process_dies(tmp_path, monkeypatch):
    worker = tmp_path / "dying_worker.py"
    worker.write_text(
        textwrap.dedent(
            """
            import os, signal, sys
            sys.stdin.buffer.read()
            os.kill(os.getpid(), signal.SIGSEGV)
            """
        )
    )
    monkeypatch.setattr(measuring, "WORKER", worker)
    with pytest.raises(measuring.NotMeasured) as stopped:
        measuring.measure_within_limits(pdf_of_pages(0.5), "pdf", seconds=30, memory_mb=256)
    assert stopped.value.reason == measuring.FAILED


def test_it_gives_the_child_none_of_our_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/quizsite")
    worker = tmp_path / "env_worker.py"
    worker.write_text(
        "import json, os, sys\n"
        "sys.stdin.buffer.read()\n"
        "print(json.dumps({'outcome': 'failed', 'detail': ','.join(sorted(os.environ))}))\n"
    )
    monkeypatch.setattr(measuring, "WORKER", worker)
    with pytest.raises(measuring.NotMeasured) as stopped:
        measuring.measure_within_limits(b"%PDF-1.7\n", "pdf", seconds=30, memory_mb=256)
    assert "DATABASE_URL" not in stopped.value.detail


def test_it_measures_text_uploads_without_a_child(monkeypatch):
    monkeypatch.setattr(measuring, "WORKER", "/nonexistent/worker.py")
    assert (
        measuring.measure_within_limits(b"one two three", "md", seconds=1, memory_mb=64).words == 3
    )
