"""A launch from the LMS signs the person in: the account is linked by the platform's
sub, the LMS course by its context id, the LMS role becomes the course role, and a
resource link opens its quiz. Launching again creates nothing new."""

from __future__ import annotations

import pytest

from quizsite.accounts.models import Course, Membership, User
from quizsite.lti.models import Identity
from quizsite.lti.tests.conftest import launch

pytestmark = pytest.mark.django_db


def test_it_makes_the_course_at_the_instructor_s_first_launch(registered, platform, client):
    response = launch(client, platform, "lms-ivy")
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lti/courses/{course.code}/"
    assert (course.code, course.title) == ("py101", "Python Internals")
    ivy = Identity.objects.get(sub="lms-ivy").user
    assert Membership.objects.get(user=ivy, course=course).role == "instructor"


def test_it_launches_a_student_into_a_quiz_and_links_the_account_once(
    linked_course, platform, client, make_quiz
):
    quiz = make_quiz(course=linked_course)
    response = launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(quiz.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{linked_course.code}/quizzes/{quiz.pk}/"
    ann = Identity.objects.get(issuer=platform.issuer, sub="lms-ann").user
    assert (ann.username, ann.email, ann.first_name) == ("ann@school.edu", "ann@school.edu", "Ann")
    assert not ann.has_usable_password()
    assert Membership.objects.get(user=ann, course=linked_course).role == "student"
    assert client.get(response["Location"]).status_code == 200  # signed in

    users = User.objects.count()
    again = launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(quiz.pk)})
    assert again.status_code == 302
    assert User.objects.count() == users
    assert Identity.objects.filter(sub="lms-ann").count() == 1


def test_it_links_the_account_the_csv_roster_made(linked_course, platform, client):
    made = User.objects.create_user(username="annlee", email="ANN@school.edu")
    launch(client, platform, "lms-ann")
    assert Identity.objects.get(sub="lms-ann").user == made


@pytest.mark.parametrize(
    ("sub", "role"), [("lms-ann", "student"), ("lms-tom", "ta"), ("lms-ivy", "instructor")]
)
def test_it_maps_lms_roles_onto_course_roles(linked_course, platform, client, sub, role):
    launch(client, platform, sub)
    user = Identity.objects.get(sub=sub).user
    assert Membership.objects.get(user=user, course=linked_course).role == role


def test_it_tells_a_student_who_comes_before_the_instructor_to_wait(registered, platform, client):
    response = launch(client, platform, "lms-ann")
    assert response.status_code == 403
    assert b"has not been set up in Quizsite yet" in response.content
    assert not Course.objects.exists()


def test_it_refuses_a_role_with_no_place_in_a_course(linked_course, platform, client):
    mentor = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
    platform.add_user("lms-mo", roles=[mentor], name="Mo Guide", email="mo@school.edu")
    response = launch(client, platform, "lms-mo")
    assert response.status_code == 403
    assert "does not give access to Quizsite" in response.content.decode()
    assert not Identity.objects.filter(sub="lms-mo").exists()
