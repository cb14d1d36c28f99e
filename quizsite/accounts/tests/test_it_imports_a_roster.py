import pytest

from quizsite.accounts.models import CourseGroup, Membership, User
from quizsite.accounts.roster import import_roster

GOOD = """username,email,role,first_name,last_name,group
ada,ada@example.edu,student,Ada,Lovelace,Section A
bob,bob@example.edu,ta,Bob,Builder,
cyd,cyd@example.edu,student,,,Section A
"""


@pytest.mark.django_db
def test_it_imports_every_row_of_a_good_file(course):
    report = import_roster(course, GOOD)
    assert report.ok, report.errors
    assert report.created_users == 3 and report.enrolled == 3
    assert Membership.objects.get(user__username="bob", course=course).role == "ta"
    group = CourseGroup.objects.get(course=course, name="Section A")
    assert sorted(group.members.values_list("username", flat=True)) == ["ada", "cyd"]
    assert not User.objects.get(username="ada").has_usable_password()


@pytest.mark.django_db
def test_it_imports_nothing_when_any_row_is_bad(course):
    text = (
        GOOD
        + "dan,not-an-email,student,,,\neve,eve@example.edu,professor,,,\nada,ada2@example.edu,student,,,\n"
    )
    report = import_roster(course, text)
    assert not report.ok
    assert report.errors == [
        "line 5: email 'not-an-email' is not an email address",
        "line 6: role 'professor' must be one of student, ta, instructor",
        "line 7: username 'ada' already appears on line 2",
    ]
    assert not User.objects.exists() and not Membership.objects.exists()


@pytest.mark.django_db
def test_it_names_missing_columns(course):
    report = import_roster(course, "user,mail\nada,ada@example.edu\n")
    assert report.errors == [
        "line 1: missing column(s) username, email, role; expected username, email, role, first_name, last_name, group"
    ]


@pytest.mark.django_db
def test_it_updates_roles_on_a_second_import_without_duplicates(course):
    assert import_roster(course, GOOD).ok
    report = import_roster(
        course, GOOD.replace("bob,bob@example.edu,ta", "bob,bob@example.edu,instructor")
    )
    assert report.ok and report.created_users == 0 and report.updated == 1
    assert Membership.objects.filter(course=course).count() == 3


@pytest.mark.django_db
def test_it_refuses_an_existing_username_with_another_email(course):
    User.objects.create_user("ada", "someone-else@example.edu")
    report = import_roster(course, GOOD)
    assert report.errors == [
        "line 2: user 'ada' already exists with another email address; "
        "check the username and the email"
    ]
    # The stored address may belong to another course's account: it is not shown.
    assert "someone-else" not in " ".join(report.errors)
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_it_shows_row_errors_on_the_roster_page(client_for, instructor, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(instructor)
    upload = SimpleUploadedFile("roster.csv", b"username,email,role\nzed,zed,student\n", "text/csv")
    response = client.post(f"/courses/{course.code}/roster/", {"csv_file": upload})
    assert response.status_code == 200
    assert "line 2: email &#x27;zed&#x27; is not an email address" in response.content.decode()
    assert not User.objects.filter(username="zed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("username,email,role\nzoë,z@example.edu,student\n".encode("latin-1"), "not UTF-8 text"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_it_refuses_a_file_it_cannot_read(client_for, instructor, course, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.csv", content, "text/csv")
    response = client_for(instructor).post(f"/courses/{course.code}/roster/", {"csv_file": upload})
    assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.exclude(username="instructor").exists()
