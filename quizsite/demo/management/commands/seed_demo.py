"""``manage.py seed_demo``: sample data for a local site (see ``quizsite.demo.seed``)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizsite.demo import seed


class Command(BaseCommand):
    help = "Load the sample bank and demo accounts, course, quiz and milestone (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(f"sample bank: {seed.load_sample_bank()}")
        course, created = seed.seed_course(now=timezone.now())
        self.stdout.write(
            f"demo course {course.code} ready" + (" (created)" if created else " (kept)")
        )
