"""Names and Role Provisioning: the LMS's roster is enrolled under the CSV import's
rules (each bad member reported, nothing half imported), on demand from the staff
page and at an instructor's launch; accounts are linked by the platform's sub."""

from __future__ import annotations

import pytest

from quizsite.accounts.models import Membership, User
from quizsite.lti.models import Context, Identity
from quizsite.lti.tests.conftest import launch
from quizsite.lti.tests.platform import INSTRUCTOR, LEARNER, TA

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def member(
    sub: str, name: str, email: str | None, roles: list[str], status: str = "Active"
) -> dict:
    given, _, family = name.partition(" ")
    m = {"user_id": sub, "name": name, "given_name": given, "family_name": family}
    m.update({"roles": roles, "status": status})
    if email is not None:
        m["email"] = email
    return m


ROSTER = [
    member("lms-ivy", "Ivy Stone", "ivy@school.edu", [INSTRUCTOR]),
    member("lms-ann", "Ann Lee", "ann@school.edu", [LEARNER]),
    member("lms-tom", "Tom Ng", "tom@school.edu", [TA]),
    member("lms-bo", "Bo Park", "bo@school.edu", [LEARNER]),
    member("lms-mo", "Mo Guide", "mo@school.edu", [MENTOR]),
    member("lms-gone", "Gus Gone", "gus@school.edu", [LEARNER], status="Inactive"),
]


def _sync(client_for, course):
    ivy = Identity.objects.get(sub="lms-ivy").user
    context = Context.objects.get(course=course)
    return client_for(ivy).post(f"/lti/courses/{course.code}/", {"sync": context.pk})


def test_it_reports_bad_members_and_imports_nothing(linked_course, platform, client_for):
    platform.members = [
        *ROSTER,
        member("lms-x", "No Mail", None, [LEARNER]),
        member("lms-y", "Ann Again", "ann@school.edu", [LEARNER]),
    ]
    before = (User.objects.count(), Membership.objects.count())
    page = _sync(client_for, linked_course).content.decode()
    assert "Nothing was imported" in page
    assert "member 7 (No Mail): email &#x27;&#x27; is not an email address" in page
    assert (
        "member 8 (Ann Again): username &#x27;ann@school.edu&#x27; already appears on member 2"
        in page
    )
    assert (User.objects.count(), Membership.objects.count()) == before
    assert not Identity.objects.filter(sub="lms-bo").exists()


def test_it_enrols_the_roster_and_links_each_member(linked_course, platform, client_for):
    platform.members = ROSTER
    response = _sync(client_for, linked_course)
    page = response.content.decode()
    assert "Roster synced: 3 new account(s), 3 enrolment(s), 0 role change(s)." in page
    assert "Mo Guide" in page and "Gus Gone" in page  # left out, and said so
    roles = dict(Membership.objects.filter(course=linked_course).values_list("user__email", "role"))
    assert roles == {
        "ivy@school.edu": "instructor",
        "ann@school.edu": "student",
        "tom@school.edu": "ta",
        "bo@school.edu": "student",
    }
    bo = Identity.objects.get(issuer=platform.issuer, sub="lms-bo").user
    assert (bo.username, bo.first_name, bo.last_name) == ("bo@school.edu", "Bo", "Park")
    assert Context.objects.get().roster_synced_at is not None


def test_it_syncs_the_roster_at_an_instructor_s_launch(
    registered, platform, client, celery_eager, django_capture_on_commit_callbacks
):
    platform.members = ROSTER
    with django_capture_on_commit_callbacks(execute=True):
        assert launch(client, platform, "lms-ivy").status_code == 302
    assert Identity.objects.filter(sub="lms-bo").exists()
    assert Membership.objects.filter(user__email="bo@school.edu", role="student").exists()
