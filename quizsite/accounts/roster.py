"""Roster import from CSV: every row is checked first, each problem is reported with
its row number, and nothing is written unless the whole file is good."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from quizsite.accounts import access
from quizsite.accounts.csvrows import read_rows
from quizsite.accounts.models import STAFF_ROLES, Course, CourseGroup, Membership, Role, User

REQUIRED_COLUMNS = ("username", "email", "role")
OPTIONAL_COLUMNS = ("first_name", "last_name", "group")


@dataclass
class RosterRow:
    line: int
    username: str
    email: str
    role: Role
    first_name: str = ""
    last_name: str = ""
    group: str = ""


@dataclass
class RosterReport:
    errors: list[str] = field(default_factory=list)
    created_users: int = 0
    enrolled: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _line(number: int) -> str:
    return f"line {number}"


def parse_roster(text: str) -> tuple[list[RosterRow], list[str]]:
    raw_rows, errors = read_rows(text, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    return check_rows(raw_rows, errors)


def check_rows(
    raw_rows: list[tuple[int, dict[str, str]]],
    errors: list[str],
    where: Callable[[int], str] = _line,
) -> tuple[list[RosterRow], list[str]]:
    """The roster rules for rows from any source (a CSV file, an LMS's roster); ``where``
    names a row in an error ("line 3")."""
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, values in raw_rows:
        username, email, role = (
            values.get("username", ""),
            values.get("email", ""),
            values.get("role", "").lower(),
        )
        problems = []
        if not username:
            problems.append("username is empty")
        elif username.lower() in seen:
            problems.append(
                f"username {username!r} already appears on {where(seen[username.lower()])}"
            )
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"email {email!r} is not an email address")
        if role not in Role.values:
            problems.append(f"role {role!r} must be one of {', '.join(Role.values)}")
        if problems:
            errors.extend(f"{where(number)}: {p}" for p in problems)
            continue
        seen[username.lower()] = number
        rows.append(
            RosterRow(
                line=number,
                username=username,
                email=email,
                role=Role(role),
                first_name=values.get("first_name", ""),
                last_name=values.get("last_name", ""),
                group=values.get("group", ""),
            )
        )
    return rows, errors


def _staff_role_changes(
    course: Course, rows: list[RosterRow], existing: dict
) -> list[tuple[int, str]]:
    """The rows that would give someone a staff role, or change a staff member's role:
    only an instructor of the course may import those."""
    roles = dict(
        Membership.objects.filter(course=course, user__in=list(existing.values())).values_list(
            "user_id", "role"
        )
    )
    errors = []
    for row in rows:
        user = existing.get(row.username.lower())
        current = roles.get(user.pk) if user else None
        if current == row.role:
            continue
        if row.role in STAFF_ROLES or current in STAFF_ROLES:
            errors.append(
                (
                    row.line,
                    "only an instructor of the course can change staff roles "
                    f"({row.username!r} would become {row.role.label.lower()})",
                )
            )
    return errors


def import_roster(course: Course, text: str, *, by: User | None = None) -> RosterReport:
    """Import a roster; ``by`` is the person importing on the site (None: the command
    line, run by whoever administers the server)."""
    return import_rows(course, *parse_roster(text), by=by)


def import_rows(
    course: Course,
    rows: list[RosterRow],
    errors: list[str],
    where: Callable[[int], str] = _line,
    *,
    by: User | None = None,
) -> RosterReport:
    """Write checked rows (``check_rows``) unless there is any error: all or nothing.
    ``by`` limits staff-role changes to the course's instructors (None: the server's
    administrator, or the LMS, whose roster is authoritative)."""
    report = RosterReport(errors=errors)
    if errors:
        return report
    existing = {
        u.username.lower(): u for u in User.objects.filter(username__in=[r.username for r in rows])
    }
    problems: list[tuple[int, str]] = []
    if by is not None and not access.is_instructor(by, course):
        problems.extend(_staff_role_changes(course, rows, existing))
    # A username that exists with another email is more likely a typo than the same
    # person. The stored address is not shown: the account may be another course's.
    for row in rows:
        user = existing.get(row.username.lower())
        if user and user.email and user.email.lower() != row.email.lower():
            problems.append(
                (
                    row.line,
                    f"user {row.username!r} already exists with another "
                    "email address; check the username and the email",
                )
            )
    if problems:
        report.errors.extend(f"{where(line)}: {text}" for line, text in sorted(problems))
        return report
    with transaction.atomic():
        groups: dict[str, CourseGroup] = {}
        for row in rows:
            user = existing.get(row.username.lower())
            if user is None:
                user = User(
                    username=row.username,
                    email=row.email,
                    first_name=row.first_name,
                    last_name=row.last_name,
                )
                user.set_unusable_password()  # they choose one through "forgot password"
                user.save()
                report.created_users += 1
            membership, created = Membership.objects.get_or_create(
                user=user, course=course, defaults={"role": row.role}
            )
            if created:
                report.enrolled += 1
            elif membership.role != row.role:
                membership.role = row.role
                membership.save(update_fields=["role"])
                report.updated += 1
            if row.group:
                if row.group not in groups:
                    groups[row.group], _ = CourseGroup.objects.get_or_create(
                        course=course, name=row.group
                    )
                groups[row.group].members.add(user)
    return report
