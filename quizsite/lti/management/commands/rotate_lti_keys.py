from django.core.management.base import BaseCommand
from django.utils import timezone

from quizsite.lti import keys


class Command(BaseCommand):
    help = "Make a new LTI signing key; the old one stays in the JWKS for LTI_KEY_GRACE_HOURS."

    def handle(self, *args, **options) -> None:
        new, deleted = keys.rotate(timezone.now())
        self.stdout.write(f"New signing key {new.kid}.")
        for kid in deleted:
            self.stdout.write(f"Removed key {kid} (retired longer than the grace period).")
