"""The LMS's roster (Names and Role Provisioning) enrolled under the CSV import's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from quizsite.accounts.models import User
from quizsite.accounts.roster import RosterReport, check_rows, import_rows
from quizsite.lti import messages, services
from quizsite.lti.actions import role_from
from quizsite.lti.http import PlatformError
from quizsite.lti.models import Context, Identity


@dataclass
class RosterSync:
    report: RosterReport
    left_out: list[str] = field(default_factory=list)


def sync_roster(context: Context, now: datetime) -> RosterSync:
    """Enrol the platform's roster under the CSV import's rules: every bad member is
    reported and nothing is written unless all are good. Members with a role Quizsite
    has no place for (mentors, observers) or who are inactive are left out."""
    if not context.memberships_url:
        return RosterSync(RosterReport(errors=[messages.NO_ROSTER_SERVICE]))
    try:
        members = services.members(context.registration, context.memberships_url, now)
    except PlatformError as exc:
        return RosterSync(RosterReport(errors=[messages.ROSTER_FAILED.format(error=exc)]))
    issuer = context.registration.issuer
    linked = dict(Identity.objects.filter(issuer=issuer).values_list("sub", "user__username"))
    raw_rows, names, left_out = [], {}, []
    for number, m in enumerate(members, start=1):
        sub, label = str(m.get("user_id", "")), m.get("name") or m.get("email") or m.get("user_id")
        names[number] = f"member {number} ({label})"
        role = role_from([r for r in m.get("roles", []) if isinstance(r, str)])
        if m.get("status", "Active") != "Active" or role is None:
            left_out.append(
                f"{names[number]}: {m.get('status', 'Active').lower()}, roles {m.get('roles')}"
            )
            continue
        email = m.get("email") or ""
        raw_rows.append(
            (
                number,
                {
                    "username": linked.get(sub) or email,
                    "email": email,
                    "role": role.value,
                    "first_name": m.get("given_name") or "",
                    "last_name": m.get("family_name") or "",
                    "sub": sub,
                },
            )
        )

    def where(number: int) -> str:
        return names[number]

    rows, errors = check_rows(raw_rows, [], where)
    subs = {n: v["sub"] for n, v in raw_rows}
    with transaction.atomic():
        report = import_rows(context.course, rows, errors, where)
        if report.ok:
            users = {
                u.username.lower(): u
                for u in User.objects.filter(username__in=[r.username for r in rows])
            }
            for row in rows:
                Identity.objects.get_or_create(
                    issuer=issuer,
                    sub=subs[row.line],
                    defaults={"user": users[row.username.lower()], "linked_at": now},
                )
            Context.objects.filter(pk=context.pk).update(roster_synced_at=now)
    return RosterSync(report, left_out)
