import io
import zipfile
from datetime import timedelta

from quizsite.accounts.models import Membership
from quizsite.reports.selectors import milestone_overview
from quizsite.reports.tests.conftest import NOW
from quizsite.reports.tests.pdfs import pdf_of_pages

DUE = NOW + timedelta(days=7)


def test_it_lists_every_student_as_on_time_late_or_missing(
    course, student, other_student, django_user_model, milestone, submit
):
    absent = django_user_model.objects.create_user("absent", password="x")
    Membership.objects.create(user=absent, course=course, role="student")
    submit(milestone, student, "a.pdf", pdf_of_pages(1.5), now=DUE)
    submit(milestone, other_student, "b.md", b"# late\n", now=DUE + timedelta(seconds=1))
    rows = {row.owner.label: row for row in milestone_overview(milestone)}
    assert {name: row.status for name, row in rows.items()} == {
        "absent": "missing",
        "other_student": "late",
        "student": "on time",
    }
    assert rows["student"].graded.over_limit


def test_it_shows_the_staff_page_with_length_flags(client_for, ta, student, milestone, submit):
    submit(milestone, student, "a.pdf", pdf_of_pages(1.5))
    page = client_for(ta).get(f"/courses/cs107/milestones/{milestone.pk}/submissions/")
    text = page.content.decode()
    assert "1.49 pages (limit: 0.5 page)" in text
    assert "over the limit" in text
    assert "1 on time" in text


def test_it_zips_the_graded_version_of_everyone(
    client_for, ta, student, other_student, milestone, submit
):
    submit(milestone, student, "a.pdf", pdf_of_pages(0.5), now=DUE - timedelta(hours=1))
    submit(milestone, student, "b.md", b"# after the deadline\n", now=DUE + timedelta(hours=1))
    submit(milestone, other_student, "c.md", b"# only late\n", now=DUE + timedelta(hours=2))
    response = client_for(ta).get(f"/courses/cs107/milestones/{milestone.pk}/submissions.zip")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["other_student_late_v1.md", "student_v1.pdf"]
    assert archive.read("student_v1.pdf").startswith(b"%PDF-")
    assert archive.read("other_student_late_v1.md") == b"# only late\n"
