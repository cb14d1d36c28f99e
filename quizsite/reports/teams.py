"""Team import from CSV (columns: team, username). Like the roster import: every row
is checked first, each problem is reported with its line number, and nothing is
written unless the whole file is good."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from quizsite.accounts.csvrows import read_rows
from quizsite.accounts.models import Course, Membership, Role, User
from quizsite.reports.models import Team, TeamMembership

REQUIRED_COLUMNS = ("team", "username")


@dataclass
class TeamsReport:
    errors: list[str] = field(default_factory=list)
    teams_created: int = 0
    members_added: int = 0
    members_moved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_teams(course: Course, text: str) -> TeamsReport:
    report = TeamsReport()
    raw_rows, report.errors = read_rows(text, required=REQUIRED_COLUMNS, allow_extra=True)
    if report.errors:
        return report
    students = {
        m.user.username.lower(): m.user
        for m in Membership.objects.filter(course=course, role=Role.STUDENT).select_related("user")
    }
    rows: list[tuple[int, str, User]] = []
    seen: dict[str, int] = {}
    for number, values in raw_rows:
        team, username = values.get("team", ""), values.get("username", "")
        problems = []
        if not team:
            problems.append("team is empty")
        elif len(team) > 100:
            problems.append("team name is longer than 100 characters")
        user = students.get(username.lower())
        if not username:
            problems.append("username is empty")
        elif username.lower() in seen:
            problems.append(
                f"username {username!r} already appears on line {seen[username.lower()]}"
            )
        elif user is None:
            problems.append(f"{username!r} is not a student of {course.code}")
        # A missing student is always one of the problems; the second test tells mypy.
        if problems or user is None:
            report.errors.extend(f"line {number}: {p}" for p in problems)
            continue
        seen[username.lower()] = number
        rows.append((number, team, user))
    if report.errors:
        return report
    with transaction.atomic():
        teams = {t.name: t for t in Team.objects.filter(course=course)}
        current = {
            tm.user_id: tm for tm in TeamMembership.objects.filter(course=course).select_related()
        }
        for _number, name, member in rows:
            the_team = teams.get(name)
            if the_team is None:
                the_team = teams[name] = Team.objects.create(course=course, name=name)
                report.teams_created += 1
            existing = current.get(member.pk)
            if existing is None:
                TeamMembership.objects.create(course=course, team=the_team, user=member)
                report.members_added += 1
            elif existing.team_id != the_team.pk:
                existing.team = the_team
                existing.save(update_fields=["team"])
                report.members_moved += 1
    return report
