"""manage.py export_bank DIR --to FILE.xml: a bank folder as Moodle XML."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions import interchange
from questions.format import FormatError


class Command(BaseCommand):
    help = "Write a bank folder as Moodle XML, listing what Moodle cannot hold."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--to", required=True, help="the .xml file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = interchange.export_bank(options["path"], options["to"])
        except FormatError as e:
            raise CommandError(f"bank refused: {len(e.problems)} problem(s)\n{e}") from e
        for line in report.lines():
            self.stdout.write(f"note {line}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(report.exported)} question(s) exported to {options['to']}")
        )
