"""Through the roster import, only an instructor of the course gives a staff role or
changes a staff member's role; a TA imports students, and nothing at all when any row
would change a staff role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizsite.accounts.models import Membership, User
from quizsite.accounts.roster import import_roster

HEADER = "username,email,role\n"


def _role(user: User, course) -> str:
    return Membership.objects.get(user=user, course=course).role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "who"),
    [
        ("instructor,instructor@example.edu,student\n", "instructor"),  # demote
        ("student,student@example.edu,ta\n", "student"),  # promote
        ("student,student@example.edu,instructor\n", "student"),  # promote
        ("ta,ta@example.edu,student\n", "ta"),  # demote oneself
        ("newcomer,newcomer@example.edu,ta\n", None),  # a new TA
    ],
)
def test_it_refuses_a_ta_s_import_that_changes_staff_roles(
    course, student, ta, instructor, row, who
) -> None:
    before = dict(Membership.objects.values_list("user__username", "role"))
    text = HEADER + "other,other@example.edu,student\n" + row
    report = import_roster(course, text, by=ta)
    assert len(report.errors) == 1
    assert report.errors[0].startswith("line 3: only an instructor of the course can change")
    assert dict(Membership.objects.values_list("user__username", "role")) == before
    assert not User.objects.filter(username__in=["other", "newcomer"]).exists()


@pytest.mark.django_db
def test_it_lets_a_ta_import_students_and_list_staff_unchanged(
    course, student, ta, instructor
) -> None:
    text = (
        HEADER
        + "newcomer,newcomer@example.edu,student\n"
        + "ta,ta@example.edu,ta\n"
        + "instructor,instructor@example.edu,instructor\n"
    )
    report = import_roster(course, text, by=ta)
    assert report.ok, report.errors
    assert _role(User.objects.get(username="newcomer"), course) == "student"
    assert _role(instructor, course) == "instructor"


@pytest.mark.django_db
def test_it_lets_an_instructor_change_staff_roles(course, student, ta, instructor) -> None:
    text = HEADER + "student,student@example.edu,ta\nta,ta@example.edu,student\n"
    assert import_roster(course, text, by=instructor).ok
    assert _role(student, course) == "ta"
    assert _role(ta, course) == "student"


@pytest.mark.django_db
def test_it_says_so_on_the_roster_page(client_for, course, ta, instructor) -> None:
    upload = SimpleUploadedFile(
        "roster.csv", (HEADER + "instructor,instructor@example.edu,student\n").encode()
    )
    page = client_for(ta).post(f"/courses/{course.code}/roster/", {"csv_file": upload})
    assert "only an instructor of the course can change staff roles" in page.content.decode()
    assert _role(instructor, course) == "instructor"
