"""Submit every attempt whose time plus grace is up, once: the same sweep Celery beat
runs every 15 s, for a deployment or an incident without a beat process."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizsite.quizzes.actions.attempts import expire_due
from quizsite.quizzes.actions.code_results import reconcile_code_results


class Command(BaseCommand):
    help = "Submit and grade every quiz attempt whose deadline plus grace has passed."

    def handle(self, *args, **options) -> None:
        expired = expire_due(now=timezone.now())
        applied = reconcile_code_results()
        self.stdout.write(f"{expired} attempt(s) submitted; {applied} code result(s) applied")
