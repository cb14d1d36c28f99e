import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.accounts.models import Membership
from quizsite.reports import actions
from quizsite.reports.models import Team, TeamMembership
from quizsite.reports.tests.conftest import NOW, detail_url


@pytest.fixture
def team_setup(course, student, other_student, django_user_model, make_milestone):
    teammate = django_user_model.objects.create_user("teammate", password="x")
    Membership.objects.create(user=teammate, course=course, role="student")
    red = Team.objects.create(course=course, name="Red")
    blue = Team.objects.create(course=course, name="Blue")
    TeamMembership.objects.create(course=course, team=red, user=student)
    TeamMembership.objects.create(course=course, team=red, user=teammate)
    TeamMembership.objects.create(course=course, team=blue, user=other_student)
    return make_milestone(is_team=True), red, teammate


def test_it_lets_any_member_submit_for_the_team_and_numbers_versions_per_team(
    team_setup, student, other_student, submit
):
    milestone, red, teammate = team_setup
    first = submit(milestone, student, "a.md", b"# one\n")
    second = submit(milestone, teammate, "b.md", b"# two\n")
    blue_first = submit(milestone, other_student, "c.md", b"# blue\n")
    assert (first.team, first.version, first.uploaded_by) == (red, 1, student)
    assert (second.team, second.version, second.uploaded_by) == (red, 2, teammate)
    assert (blue_first.team.name, blue_first.version) == ("Blue", 1)
    assert first.student is None


def test_it_shows_every_member_the_teams_versions_and_no_other_teams(
    team_setup, student, other_student, client_for, submit
):
    milestone, red, teammate = team_setup
    submit(milestone, student, "from-student.md", b"# one\n")
    submit(milestone, other_student, "from-blue.md", b"# blue\n")
    page = client_for(teammate).get(detail_url(milestone)).content.decode()
    assert "from-student.md" in page
    assert "from-blue.md" not in page
    assert "Your team: <strong>Red</strong>" in page


def test_it_refuses_a_student_with_no_team(course, make_milestone, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x")
    Membership.objects.create(user=loner, course=course, role="student")
    milestone = make_milestone(is_team=True)
    with pytest.raises(actions.UploadRefused, match="not in a team"):
        actions.receive_upload(milestone, loner, SimpleUploadedFile("r.md", b"# x\n"), now=NOW)
