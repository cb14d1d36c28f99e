from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quizsite.reports import actions
from quizsite.reports.models import ReportSubmission
from quizsite.reports.tests.conftest import NOW, upload_url

SECOND = timedelta(seconds=1)
DUE = NOW + timedelta(days=7)
CUTOFF = NOW + timedelta(days=9)


@pytest.mark.parametrize(
    ("moment", "late"),
    [(DUE - SECOND, False), (DUE, False), (DUE + SECOND, True), (CUTOFF, True)],
)
def test_it_marks_uploads_a_second_either_side_of_the_due_date(
    client_for, student, milestone, moment, late
):
    client = client_for(student)
    with time_machine.travel(moment, tick=False):
        response = client.post(
            upload_url(milestone), {"report": SimpleUploadedFile("r.md", b"# Done\n")}
        )
        client.post(response["Location"], {"action": "confirm"})
    version = ReportSubmission.objects.get()
    assert version.confirmed and version.received_at == moment
    assert version.is_late is late


def test_it_refuses_uploads_a_second_after_the_cut_off(client_for, student, milestone):
    with time_machine.travel(CUTOFF + SECOND, tick=False):
        response = client_for(student).post(
            upload_url(milestone), {"report": SimpleUploadedFile("r.md", b"# Done\n")}
        )
    assert response.status_code == 400
    assert "This milestone is closed" in response.content.decode()
    assert not ReportSubmission.objects.exists()


def test_it_refuses_uploads_a_second_after_due_without_a_cut_off(student, make_milestone):
    milestone = make_milestone(late_until=None)
    with pytest.raises(actions.UploadRefused, match="the deadline has passed"):
        actions.receive_upload(
            milestone, student, SimpleUploadedFile("r.md", b"# x\n"), now=DUE + SECOND
        )


def test_it_times_a_report_by_when_it_arrived_not_when_it_was_confirmed(student, milestone):
    pending = actions.receive_upload(
        milestone, student, SimpleUploadedFile("r.md", b"# x\n"), now=DUE - SECOND
    )
    confirmed = actions.confirm_upload(pending, student, now=DUE + 5 * 60 * SECOND)
    assert not confirmed.is_late
    assert confirmed.received_at == DUE - SECOND
    assert confirmed.confirmed_at > confirmed.received_at
    assert timezone.is_aware(confirmed.confirmed_at)
