"""manage.py import_bank FILE --to DIR: a Moodle XML or GIFT file as question packages.

The same as ``python -m grader import``, with the workers' sandbox for the
self-check (``GRADER_SANDBOX``). It writes files only; ``sync_bank`` imports them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions import interchange
from quizsite.grader_sandbox import configured_sandbox


class Command(BaseCommand):
    help = "Convert a Moodle XML (CodeRunner included) or GIFT file into question packages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--to", required=True, help="the bank folder to write into")
        parser.add_argument("--no-check", action="store_true", help="skip the self-check")

    def handle(self, *args: Any, **options: Any) -> None:
        from grader.authoring import import_bank

        run = None if options["no_check"] else configured_sandbox()
        try:
            outcome = import_bank(options["file"], options["to"], run)
        except interchange.BadFile as e:
            raise CommandError(str(e)) from e
        for line in outcome.lines():
            self.stdout.write(line)
        if outcome.problems:
            raise CommandError(
                f"{outcome.summary()}; fix them before sync_bank (the packages are written)"
            )
        self.stdout.write(self.style.SUCCESS(outcome.summary()))
