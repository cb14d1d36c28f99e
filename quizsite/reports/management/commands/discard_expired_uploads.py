from django.core.management.base import BaseCommand
from django.utils import timezone

from quizsite.reports.actions import PENDING_LIFETIME, discard_expired_uploads


class Command(BaseCommand):
    help = f"Delete report uploads left unconfirmed for more than {PENDING_LIFETIME}."

    def handle(self, *args, **options):
        count = discard_expired_uploads(now=timezone.now())
        self.stdout.write(f"Discarded {count} unconfirmed upload(s).")
