"""Sample data for a local site: the sample question bank, a course with a demo
student, TA and admin, an open quiz and a milestone. Safe to run again: what exists
is kept (answers and attempts included)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from quizsite.accounts.models import Course, Membership, Role, User

DEMO_PEOPLE = [
    ("demo-student", "demo-student-pw", Role.STUDENT, "Dana", "Student"),
    ("demo-student2", "demo-student2-pw", Role.STUDENT, "Sam", "Second"),
    ("demo-ta", "demo-ta-pw", Role.TA, "Tara", "Assistant"),
    ("demo-instructor", "demo-instructor-pw", Role.INSTRUCTOR, "Ivo", "Instructor"),
]


class Command(BaseCommand):
    help = "Load the sample bank and demo accounts, course, quiz and milestone (idempotent)."

    def handle(self, *args, **options):
        from quizsite.bank.sync import sync_bank

        bank = Path(settings.BASE_DIR) / "questions" / "bank"
        # The sample bank's references are self-checked by the test suite; skipping the
        # check here keeps start-up quick. The import itself is still all-or-nothing.
        report = sync_bank(bank, bank="sample", check=False)
        self.stdout.write(f"sample bank: {report.summary()}")

        now = timezone.now()
        with transaction.atomic():
            course, created = Course.objects.get_or_create(
                code="cs107",
                defaults={
                    "title": "Systems Development for Computational Science",
                    "timezone": "America/New_York",
                },
            )
            for username, password, role, first, last in DEMO_PEOPLE:
                user, made = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "email": f"{username}@example.edu",
                        "first_name": first,
                        "last_name": last,
                    },
                )
                if made:
                    user.set_password(password)
                    user.save()
                Membership.objects.get_or_create(user=user, course=course, defaults={"role": role})
            admin, made = User.objects.get_or_create(
                username="demo-admin",
                defaults={
                    "email": "demo-admin@example.edu",
                    "is_staff": True,
                    "is_superuser": True,
                },
            )
            if made:
                admin.set_password("demo-admin-pw")
                admin.save()
            if created:
                from quizsite.quizzes.demo import create_demo_quiz
                from quizsite.reports.demo import create_demo_milestone

                create_demo_quiz(course, now=now)
                create_demo_milestone(course, now=now)
        self.stdout.write("demo course cs107 ready" + (" (created)" if created else " (kept)"))
