from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizsite.accounts.models import Course
from quizsite.accounts.roster import import_roster


class Command(BaseCommand):
    help = "Enrol people in a course from a CSV file (username,email,role[,first_name,last_name,group])."

    def add_arguments(self, parser):
        parser.add_argument("course", help="the course code")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, course, csv_file, **options):
        try:
            course_obj = Course.objects.get(code=course)
        except Course.DoesNotExist:
            raise CommandError(f"No course with code {course!r}.") from None
        try:
            text = csv_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{csv_file}: {exc}") from None
        report = import_roster(course_obj, text)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{csv_file}: {error}")
            raise CommandError("Nothing was imported.")
        self.stdout.write(
            f"{report.created_users} new account(s), {report.enrolled} enrolment(s), "
            f"{report.updated} role change(s)."
        )
