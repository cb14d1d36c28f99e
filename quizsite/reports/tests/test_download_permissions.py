"""Who may download a report by id: its owner (or the owner's team) and the course's
staff. Everyone else gets 404, the same as for an id that does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.accounts.models import Membership
from quizsite.reports import actions
from quizsite.reports.models import Team, TeamMembership
from quizsite.reports.tests.conftest import NOW
from quizsite.reports.tests.pdfs import pdf_of_pages

EXPECTED_INDIVIDUAL = {
    "student": 200,
    "other_student": 404,
    "ta": 200,
    "instructor": 200,
    "stranger": 404,
    "other_course_student": 404,
    "anonymous": 302,
}


@pytest.fixture
def everyone(personas, other_course, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="x")
    Membership.objects.create(user=outsider, course=other_course, role="student")
    return {**personas, "other_course_student": outsider}


@pytest.mark.parametrize(("persona", "status"), sorted(EXPECTED_INDIVIDUAL.items()))
def test_it_lets_only_the_owner_and_staff_download_a_report(
    everyone, client_for, milestone, submit, persona, status
):
    version = submit(milestone, everyone["student"], "mine.pdf", pdf_of_pages(0.5))
    response = client_for(everyone[persona]).get(f"/reports/{version.pk}/download/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="student_v1.pdf"' in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


EXPECTED_TEAM = {"student": 200, "teammate": 200, "other_student": 404, "ta": 200, "stranger": 404}


@pytest.mark.parametrize(("persona", "status"), sorted(EXPECTED_TEAM.items()))
def test_it_lets_only_the_team_and_staff_download_a_team_report(
    everyone, client_for, course, make_milestone, submit, django_user_model, persona, status
):
    teammate = django_user_model.objects.create_user("teammate", password="x")
    Membership.objects.create(user=teammate, course=course, role="student")
    red, blue = (Team.objects.create(course=course, name=n) for n in ("Red", "Blue"))
    for user, team in (
        (everyone["student"], red),
        (teammate, red),
        (everyone["other_student"], blue),
    ):
        TeamMembership.objects.create(course=course, team=team, user=user)
    milestone = make_milestone(is_team=True)
    version = submit(milestone, everyone["student"], "ours.md", b"# Team report\n")
    people = {**everyone, "teammate": teammate}
    response = client_for(people[persona]).get(f"/reports/{version.pk}/download/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        assert 'filename="red_v1.md"' in response["Content-Disposition"]


def test_it_answers_404_for_an_id_that_does_not_exist(client_for, student, milestone, submit):
    version = submit(milestone, student)
    assert client_for(student).get(f"/reports/{version.pk + 1000}/download/").status_code == 404


def test_it_lets_nobody_but_the_uploader_see_an_unconfirmed_upload(
    client_for, student, ta, milestone
):
    pending = actions.receive_upload(
        milestone, student, SimpleUploadedFile("r.md", b"# draft\n"), now=NOW
    )
    url = f"/reports/{pending.pk}/download/"
    assert client_for(student).get(url).status_code == 200
    assert client_for(ta).get(url).status_code == 404
    confirm_url = f"/courses/cs107/milestones/{milestone.pk}/uploads/{pending.token}/"
    assert client_for(ta).get(confirm_url).status_code == 404


@pytest.mark.parametrize("persona", ["student", "other_student", "stranger"])
@pytest.mark.parametrize(
    "page", ["submissions/", "submissions.zip", "grades.csv", "grade/student/{sid}/"]
)
def test_it_hides_staff_pages_from_non_staff(personas, client_for, milestone, persona, page):
    url = f"/courses/cs107/milestones/{milestone.pk}/" + page.format(sid=personas["student"].pk)
    assert client_for(personas[persona]).get(url).status_code == 404
    assert client_for(personas["ta"]).get(url).status_code == 200
