"""The one place that answers "is this person a student or staff of this course?".

Every view and action that shows or changes course data asks here. Superusers count
as staff of every course, so the admin can always help."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from quizsite.accounts.models import STAFF_ROLES, Course, Membership, Role, User


def role_in(user: User, course: Course) -> Role | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.INSTRUCTOR
    # Cache per request-scoped user object: views often ask several times.
    cache = user.__dict__.setdefault("_course_roles", {})
    if course.pk not in cache:
        row = (
            Membership.objects.filter(user=user, course=course)
            .values_list("role", flat=True)
            .first()
        )
        cache[course.pk] = Role(row) if row else None
    return cache[course.pk]


def is_student(user: User, course: Course) -> bool:
    return role_in(user, course) == Role.STUDENT


def is_staff(user: User, course: Course) -> bool:
    return role_in(user, course) in STAFF_ROLES


def is_instructor(user: User, course: Course) -> bool:
    return role_in(user, course) == Role.INSTRUCTOR


def is_member(user: User, course: Course) -> bool:
    return role_in(user, course) is not None


def require_staff(user: User, course: Course) -> None:
    if not is_staff(user, course):
        raise PermissionDenied("Only the course's staff may do this.")


def require_member(user: User, course: Course) -> None:
    if not is_member(user, course):
        raise PermissionDenied("You are not enrolled in this course.")


NOT_FOUND = "No such page."


def course_for_member(user: User, code: str) -> Course:
    """The course with this code, for its members; a 404 for anyone else, the same as
    for a code that does not exist (so the answer tells no one which courses exist)."""
    course = Course.objects.filter(code=code).first()
    if course is None or not is_member(user, course):
        raise Http404(NOT_FOUND)
    return course


def course_for_staff(user: User, code: str) -> Course:
    """The course with this code, for its staff; a 404 for anyone else (as above)."""
    course = Course.objects.filter(code=code).first()
    if course is None or not is_staff(user, course):
        raise Http404(NOT_FOUND)
    return course


def is_staff_anywhere(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def require_staff_anywhere(user: User) -> None:
    if not is_staff_anywhere(user):
        raise PermissionDenied("Only course staff may do this.")


def courses_for(user: User) -> QuerySet[Course]:
    if not user.is_authenticated:
        return Course.objects.none()
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(memberships__user=user).distinct()


def staff_courses_for(user: User) -> QuerySet[Course]:
    if not user.is_authenticated:
        return Course.objects.none()
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(
        memberships__user=user, memberships__role__in=STAFF_ROLES
    ).distinct()
