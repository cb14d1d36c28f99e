from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Zurich.") from None


class User(AbstractUser):
    # Empty: show times in the course's time zone.
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])


class Course(models.Model):
    code = models.SlugField(
        max_length=40, unique=True, help_text="Short name used in URLs, e.g. cs107"
    )
    title = models.CharField(max_length=200)
    # Staff enter "9:00" meaning 9:00 here; every time is stored in UTC.
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TA = "ta", "Teaching assistant"
    INSTRUCTOR = "instructor", "Instructor"


STAFF_ROLES = (Role.TA, Role.INSTRUCTOR)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_role_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()} in {self.course.code}"


class CourseGroup(models.Model):
    """A set of students (a section, students with accommodations...) that overrides
    and teams can refer to."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(User, related_name="course_groups", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="unique_group_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.course.code}/{self.name}"
