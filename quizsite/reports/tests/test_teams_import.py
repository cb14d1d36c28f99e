from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.reports.models import Team, TeamMembership
from quizsite.reports.teams import import_teams


def test_it_imports_teams_from_csv(course, student, other_student):
    report = import_teams(course, "team,username\nRed,student\nBlue,OTHER_STUDENT\n")
    assert report.ok, report.errors
    assert (report.teams_created, report.members_added) == (2, 2)
    assert {(tm.team.name, tm.user.username) for tm in TeamMembership.objects.all()} == {
        ("Red", "student"),
        ("Blue", "other_student"),
    }


def test_it_reports_every_bad_row_with_its_line_and_imports_nothing(course, student, ta, stranger):
    text = "team,username\nRed,student\n,student\nBlue,ta\nGreen,stranger\nGold,\n"
    report = import_teams(course, text)
    assert report.errors == [
        "line 3: team is empty",
        "line 3: username 'student' already appears on line 2",
        "line 4: 'ta' is not a student of cs107",
        "line 5: 'stranger' is not a student of cs107",
        "line 6: username is empty",
    ]
    assert not Team.objects.exists()


def test_it_names_missing_columns(course):
    assert import_teams(course, "group,user\nRed,student\n").errors == [
        "line 1: missing column(s) team, username; expected team, username"
    ]


def test_it_moves_a_student_to_their_new_team(course, student):
    import_teams(course, "team,username\nRed,student\n")
    report = import_teams(course, "team,username\nBlue,student\n")
    assert report.members_moved == 1
    assert TeamMembership.objects.get(user=student).team.name == "Blue"


def test_it_imports_through_the_staff_page(client_for, course, ta, student):
    response = client_for(ta).post(
        "/courses/cs107/teams/",
        {"csv_file": SimpleUploadedFile("teams.csv", b"team,username\nRed,student\n")},
        follow=True,
    )
    assert "Imported: 1 new team(s), 1 member(s) added, 0 moved." in response.content.decode()
    assert client_for(student).get("/courses/cs107/teams/").status_code == 404
