import pytest
from django.contrib.auth.models import AnonymousUser

from quizsite.accounts import access

TABLE = [
    # persona, is_student, is_staff, is_instructor, is_member
    ("student", True, False, False, True),
    ("other_student", True, False, False, True),
    ("ta", False, True, False, True),
    ("instructor", False, True, True, True),
    ("stranger", False, False, False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "as_student", "as_staff", "as_instructor", "as_member"), TABLE)
def test_it_answers_from_memberships(
    personas, course, persona, as_student, as_staff, as_instructor, as_member
):
    user = personas[persona]
    assert access.is_student(user, course) is as_student
    assert access.is_staff(user, course) is as_staff
    assert access.is_instructor(user, course) is as_instructor
    assert access.is_member(user, course) is as_member


@pytest.mark.django_db
def test_it_knows_nobody_anonymous(course):
    assert access.role_in(AnonymousUser(), course) is None
    assert not access.courses_for(AnonymousUser()).exists()


@pytest.mark.django_db
def test_it_treats_superusers_as_staff_everywhere(course, other_course, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.edu", "pw")
    assert access.is_staff(admin, course) and access.is_staff(admin, other_course)


@pytest.mark.django_db
def test_it_scopes_roles_to_one_course(ta, other_course):
    assert access.role_in(ta, other_course) is None
    assert list(access.staff_courses_for(ta)) == [ta.memberships.get().course]
