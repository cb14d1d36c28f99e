from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from quizsite.reports import actions
from quizsite.reports.models import ReportSubmission
from quizsite.reports.tests.conftest import NOW


def _pending(milestone, user, now=NOW):
    return actions.receive_upload(milestone, user, SimpleUploadedFile("r.md", b"# x\n"), now=now)


def test_it_discards_expired_unconfirmed_uploads_and_their_files(student, milestone, submit):
    kept = submit(milestone, student, now=NOW - timedelta(days=1))
    stale = _pending(milestone, student, now=NOW - actions.PENDING_LIFETIME - timedelta(seconds=1))
    fresh = _pending(milestone, student, now=NOW - actions.PENDING_LIFETIME)
    assert actions.discard_expired_uploads(now=NOW) == 1
    assert set(ReportSubmission.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
    assert not default_storage.exists(stale.file.name)
    assert default_storage.exists(kept.file.name)


def test_it_refuses_to_confirm_an_expired_upload(student, milestone):
    pending = _pending(milestone, student)
    with pytest.raises(actions.UploadRefused, match="expired"):
        actions.confirm_upload(
            pending, student, now=NOW + actions.PENDING_LIFETIME + timedelta(seconds=1)
        )


def test_it_never_lets_an_unconfirmed_upload_replace_a_version(student, milestone, submit):
    first = submit(milestone, student)
    _pending(milestone, student)
    assert list(ReportSubmission.objects.filter(version__isnull=False)) == [first]
    second = actions.confirm_upload(_pending(milestone, student), student, now=NOW)
    assert second.version == 2
    first.refresh_from_db()
    assert first.version == 1 and default_storage.exists(first.file.name)


def test_it_lets_only_the_uploader_confirm(student, other_student, milestone):
    pending = _pending(milestone, student)
    with pytest.raises(actions.UploadRefused, match="Only the person who uploaded"):
        actions.confirm_upload(pending, other_student, now=NOW)


def test_it_runs_the_sweep_as_a_command(student, milestone, capsys):
    _pending(milestone, student, now=NOW - timedelta(days=2))
    call_command("discard_expired_uploads")
    assert "Discarded 1 unconfirmed upload(s)." in capsys.readouterr().out
    assert not ReportSubmission.objects.exists()
