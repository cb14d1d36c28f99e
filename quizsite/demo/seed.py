"""The sample question bank, a course with a demo student, TA and admin, an open quiz
and a milestone. Safe to run again: what exists is kept (answers and attempts
included)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from quizsite.accounts.models import Course, Membership, Role, User
from quizsite.bank.sync import sync_bank
from quizsite.quizzes.demo import create_demo_quiz
from quizsite.reports.demo import create_demo_milestone

DEMO_COURSE = "cs107"
DEMO_PEOPLE = [
    ("demo-student", "demo-student-pw", Role.STUDENT, "Dana", "Student"),
    ("demo-student2", "demo-student2-pw", Role.STUDENT, "Sam", "Second"),
    ("demo-ta", "demo-ta-pw", Role.TA, "Tara", "Assistant"),
    ("demo-instructor", "demo-instructor-pw", Role.INSTRUCTOR, "Ivo", "Instructor"),
]


def load_sample_bank() -> str:
    """Import the sample bank; returns the import's summary."""
    bank = Path(settings.BASE_DIR) / "questions" / "bank"
    # The sample bank's references are self-checked by the test suite; skipping the
    # check here keeps start-up quick. The import itself is still all-or-nothing.
    return sync_bank(bank, bank="sample", check=False).summary()


def _account(username: str, password: str, **defaults: object) -> User:
    user, made = User.objects.get_or_create(username=username, defaults=defaults)
    if made:
        user.set_password(password)
        user.save()
    return user


def seed_course(*, now: datetime) -> tuple[Course, bool]:
    """The demo course with its people; its quiz and milestone only when the course is
    new. Returns (course, created)."""
    with transaction.atomic():
        course, created = Course.objects.get_or_create(
            code=DEMO_COURSE,
            defaults={
                "title": "Systems Development for Computational Science",
                "timezone": "America/New_York",
            },
        )
        for username, password, role, first, last in DEMO_PEOPLE:
            user = _account(
                username,
                password,
                email=f"{username}@example.edu",
                first_name=first,
                last_name=last,
            )
            Membership.objects.get_or_create(user=user, course=course, defaults={"role": role})
        _account(
            "demo-admin",
            "demo-admin-pw",
            email="demo-admin@example.edu",
            is_staff=True,
            is_superuser=True,
        )
        if created:
            create_demo_quiz(course, now=now)
            create_demo_milestone(course, now=now)
    return course, created
