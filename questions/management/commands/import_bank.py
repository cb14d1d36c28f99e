"""manage.py import_bank FILE --to DIR: a Moodle XML or GIFT file as question packages.

The same as ``python -m grader import``, with the workers' sandbox for the
self-check (``GRADER_SANDBOX``). It writes files only; ``sync_bank`` imports them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions import bankcheck, interchange
from questions.sync import default_sandbox


class Command(BaseCommand):
    help = "Convert a Moodle XML (CodeRunner included) or GIFT file into question packages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--to", required=True, help="the bank folder to write into")
        parser.add_argument("--no-check", action="store_true", help="skip the self-check")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            conversion = interchange.convert_file(options["file"])
        except interchange.BadFile as e:
            raise CommandError(str(e)) from e
        report = interchange.write_bank(conversion, options["to"])
        for qid, name in report.written:
            self.stdout.write(f"wrote {qid} ({name})")
        for line in report.lines():
            self.stdout.write(f"note {line}")
        if options["no_check"]:
            self.stdout.write(f"{len(report.written)} question(s) written; not validated")
            return
        checked, problems = bankcheck.check_folder(
            options["to"], default_sandbox(), only=[qid for qid, _ in report.written]
        )
        for p in problems:
            self.stderr.write(str(p))
        summary = (
            f"{len(report.written)} question(s) written, {len(conversion.skipped)} not "
            f"imported, {len(report.notes)} note(s); {len(checked)} reference(s) self-checked"
        )
        if problems:
            raise CommandError(f"{summary}; {len(problems)} problem(s) to fix before sync_bank")
        self.stdout.write(self.style.SUCCESS(summary))
