"""python manage.py sync_bank PATH [--dry-run] [--bank NAME] [--no-check]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizsite.bank.sync import SyncError, sync_bank


class Command(BaseCommand):
    help = (
        "Validate a question bank folder, check that every code question's reference "
        "earns full marks, and import it in one transaction (changed questions get a "
        "new version; nothing is written if anything is wrong)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the bank folder, e.g. questions/bank")
        parser.add_argument("--bank", default="sample", help="the bank's name (default: sample)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and check only; write nothing"
        )
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="skip grading the references (validation and atomic import still happen)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = sync_bank(
                options["path"],
                bank=options["bank"],
                dry_run=options["dry_run"],
                check=not options["no_check"],
            )
        except SyncError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"bank refused: {len(e.problems)} problem(s); nothing was imported"
            ) from e
        for label, ids in (
            ("created", report.created),
            ("updated", report.updated),
            ("retired", report.retired),
        ):
            for qid in ids:
                self.stdout.write(f"{label}: {qid}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
