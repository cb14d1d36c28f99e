import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports.models import ReportSubmission
from quizsite.reports.tests.conftest import NOW, detail_url, upload_url
from quizsite.reports.tests.pdfs import pdf_of_pages


def _upload(client, milestone, name, content):
    return client.post(upload_url(milestone), {"report": SimpleUploadedFile(name, content)})


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_measured_length_before_confirming_and_keeps_the_version(
    client_for, student, milestone
):
    client = client_for(student)
    response = _upload(client, milestone, "progress.pdf", pdf_of_pages(0.5))
    assert response.status_code == 302
    pending_page = client.get(response["Location"])
    assert "This report is 0.49 page (limit: 0.5 page)." in pending_page.content.decode()
    assert "over the length limit" not in pending_page.content.decode()
    assert not ReportSubmission.objects.filter(confirmed_at__isnull=False).exists()

    confirmed = client.post(response["Location"], {"action": "confirm"}, follow=True)
    page = confirmed.content.decode()
    assert "Handed in as version 1." in page
    assert "progress.pdf" in page
    version = ReportSubmission.objects.get()
    assert (version.version, version.uploaded_by, version.student) == (1, student, student)
    assert version.received_at == NOW and not version.over_limit and not version.is_late
    # Stored under an unguessable name of ours, not the student's.
    assert "progress" not in version.file.name
    assert default_storage.exists(version.file.name)


@time_machine.travel(NOW, tick=False)
def test_it_flags_a_page_and_a_half_pdf_and_says_so_before_confirming(
    client_for, student, milestone
):
    client = client_for(student)
    response = _upload(client, milestone, "long.pdf", pdf_of_pages(1.5))
    page = client.get(response["Location"]).content.decode()
    assert "This report is 1.49 pages (limit: 0.5 page)." in page
    assert "it will be handed in and flagged as over the limit" in page
    client.post(response["Location"], {"action": "confirm"})
    version = ReportSubmission.objects.get()
    assert version.over_limit
    assert version.length_text == "1.49 pages (limit: 0.5 page)"
    assert version.sheets == 2


@time_machine.travel(NOW, tick=False)
def test_it_keeps_every_version(client_for, student, milestone):
    client = client_for(student)
    for content in (pdf_of_pages(0.5), b"# Progress\n\nAll good.\n"):
        name = "r.pdf" if content.startswith(b"%PDF") else "r.md"
        pending = _upload(client, milestone, name, content)["Location"]
        client.post(pending, {"action": "confirm"})
    versions = list(ReportSubmission.objects.order_by("version"))
    assert [(v.version, v.kind) for v in versions] == [(1, "pdf"), (2, "md")]
    assert all(default_storage.exists(v.file.name) for v in versions)
    assert len({v.file.name for v in versions}) == 2
    page = client.get(detail_url(milestone)).content.decode()
    assert "v1" in page and "v2" in page


@time_machine.travel(NOW, tick=False)
def test_it_hands_nothing_in_when_the_upload_is_discarded(client_for, student, milestone):
    client = client_for(student)
    pending = _upload(client, milestone, "r.pdf", pdf_of_pages(0.5))["Location"]
    name = ReportSubmission.objects.get().file.name
    client.post(pending, {"action": "discard"})
    assert not ReportSubmission.objects.exists()
    assert not default_storage.exists(name)


def test_it_tells_the_student_which_version_will_be_graded(client_for, student, milestone, submit):
    from datetime import timedelta

    submit(milestone, student, now=NOW)
    submit(milestone, student, "late.md", b"# late\n", now=milestone.due_at + timedelta(seconds=1))
    page = client_for(student).get(detail_url(milestone)).content.decode()
    assert "Version 1 is the one that will be graded" in page
