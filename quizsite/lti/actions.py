"""The write side of the LTI integration: who a launch is, which course it lands in,
the grade-book columns and the scores sent to them, and roster syncs."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from quizsite.accounts.models import Course, Membership, Role, User
from quizsite.accounts.roster import RosterReport, check_rows, import_rows
from quizsite.lti import messages, services
from quizsite.lti.http import PlatformError
from quizsite.lti.launch import Launch, LaunchError
from quizsite.lti.models import Context, Identity, LineItem, Passback, PassbackStatus
from quizsite.quizzes import actions as quiz_actions
from quizsite.quizzes import gradebook
from quizsite.quizzes.models import Attempt, Quiz
from quizsite.reports.models import Grade, Milestone

log = logging.getLogger("quizsite.lti")

# LIS role vocabularies (LTI 1.3 core, appendix A.2); the short names are deprecated
# but still sent by some platforms. A teaching assistant is a sub-role of Instructor,
# so it is looked for first.
_TA = (
    "membership/Instructor#TeachingAssistant",
    "membership#TeachingAssistant",
    "TeachingAssistant",
)
_INSTRUCTOR = ("membership#Instructor", "membership#ContentDeveloper", "Instructor")
_LEARNER = ("membership#Learner", "Learner")


def role_from(roles: list[str]) -> Role | None:
    def has(names: tuple[str, ...]) -> bool:
        return any(r == n or r.endswith("/" + n) for r in roles for n in names)

    if has(_TA):
        return Role.TA
    if has(_INSTRUCTOR):
        return Role.INSTRUCTOR
    if has(_LEARNER):
        return Role.STUDENT
    return None


def _free_username(wanted: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "lti-user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def link_user(issuer: str, claims: dict, now: datetime) -> User:
    """The account of the platform's user ``sub``: linked before, or an account with
    the same email that is linked to no one of this issuer yet (the CSV roster made
    it), or a new account that signs in only through the LMS."""
    sub = claims["sub"]
    identity = Identity.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if identity:
        return identity.user
    email = claims.get("email") or ""
    user = None
    if email:
        same = list(
            User.objects.filter(email__iexact=email, is_superuser=False, is_staff=False).exclude(
                lti_identities__issuer=issuer
            )[:2]
        )
        user = same[0] if len(same) == 1 else None
    with transaction.atomic():
        if user is None:
            user = User(
                username=_free_username(email or f"lti-{sub}"),
                email=email,
                first_name=(claims.get("given_name") or "")[:150],
                last_name=(claims.get("family_name") or "")[:150],
            )
            user.set_unusable_password()
            user.save()
        try:
            with transaction.atomic():
                Identity.objects.create(issuer=issuer, sub=sub, user=user, linked_at=now)
        except IntegrityError:
            # Two first launches at once: the other one linked it.
            return Identity.objects.select_related("user").get(issuer=issuer, sub=sub).user
    log.info("LTI user %s of %s linked to %s", sub, issuer, user.username)
    return user


def _new_course(launch: Launch) -> Course:
    ctx = launch.context
    base = slugify(ctx.get("label") or ctx.get("title") or "lms-course")[:30] or "lms-course"
    code, n = base, 1
    while Course.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return Course.objects.create(code=code, title=(ctx.get("title") or code)[:200])


def link_context(launch: Launch, role: Role) -> Context:
    """The LMS course linked to one of ours. An instructor's first launch makes the
    course; a student arriving first is told to wait for the instructor."""
    ctx = launch.context
    if not ctx.get("id"):
        raise LaunchError(messages.BAD_TOKEN, "launch without a context")
    ags, nrps = launch.ags, launch.nrps
    values = {
        "deployment": launch.deployment,
        "title": (ctx.get("title") or "")[:255],
        "lineitems_url": ags.get("lineitems", "") if isinstance(ags.get("lineitems"), str) else "",
        "ags_scopes": [s for s in ags.get("scope", []) if isinstance(s, str)],
        "memberships_url": nrps.get("context_memberships_url", "") or "",
    }
    with transaction.atomic():
        context = (
            Context.objects.select_for_update()
            .filter(registration=launch.registration, context_id=ctx["id"])
            .first()
        )
        if context is None:
            if role != Role.INSTRUCTOR:
                raise LaunchError(messages.NO_COURSE_YET, f"context {ctx['id']!r} not linked yet")
            context = Context.objects.create(
                registration=launch.registration,
                context_id=ctx["id"],
                course=_new_course(launch),
                **values,
            )
            log.info("LTI context %s linked to new course %s", ctx["id"], context.course.code)
        else:
            for name, value in values.items():
                if value or name in ("deployment",):
                    setattr(context, name, value)
            context.save()
    return context


def enrol(user: User, course: Course, role: Role) -> None:
    """The LMS is the source of the role in its course."""
    membership, created = Membership.objects.get_or_create(
        user=user, course=course, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])


@dataclass
class Target:
    quiz: Quiz | None = None
    milestone: Milestone | None = None


def target_of(launch: Launch, course: Course) -> Target:
    """What a resource link opens: the quiz or milestone named in its custom parameters
    (set by deep linking), else the course."""
    custom = launch.custom
    try:
        if custom.get("quizsite_quiz"):
            return Target(quiz=Quiz.objects.get(pk=int(custom["quizsite_quiz"]), course=course))
        if custom.get("quizsite_milestone"):
            return Target(
                milestone=Milestone.objects.get(pk=int(custom["quizsite_milestone"]), course=course)
            )
    except (ValueError, Quiz.DoesNotExist, Milestone.DoesNotExist):
        raise LaunchError(
            messages.UNKNOWN_TARGET, f"custom target {custom!r} not in {course.code}"
        ) from None
    return Target()


def accept_launch(launch: Launch, now: datetime) -> tuple[User, Context, Role, Target]:
    role = role_from(launch.roles)
    if role is None:
        raise LaunchError(
            messages.NOT_A_MEMBER_ROLE, f"roles {launch.roles!r} map to no course role"
        )
    context = link_context(launch, role)
    user = link_user(launch.registration.issuer, launch.claims, now)
    enrol(user, context.course, role)
    target = Target()
    if launch.message_type == "LtiResourceLinkRequest":
        target = target_of(launch, context.course)
        if (target.quiz or target.milestone) and context.lineitems_url:
            LineItem.objects.get_or_create(
                context=context,
                quiz=target.quiz,
                milestone=target.milestone,
                defaults={"resource_link_id": launch.resource_link.get("id", "")},
            )
    return user, context, role, target


# ------------------------------------------------------------------- line items


def quiz_maximum(quiz: Quiz) -> float:
    """Points a quiz is out of: an attempt knows exactly; before any, the pools say."""
    drawn = Attempt.objects.filter(quiz=quiz).values_list("max_score", flat=True).first()
    if drawn:
        return drawn
    total = 0.0
    for pool in quiz.pools.all():
        total += pool.count * (pool.points or 1.0)
    return total or 1.0


def _label_and_maximum(item: LineItem) -> tuple[str, float]:
    if item.quiz_id:
        return item.quiz.title, quiz_maximum(item.quiz)
    return item.milestone.title, float(item.milestone.max_points) or 1.0


def ensure_line_item(item: LineItem, now: datetime) -> str:
    """The platform's column for this item, made once. Under a lock on the row, a
    column that the platform already has (placed by deep linking, or made by a try
    whose answer was lost) is found by its resourceId before one is made."""
    if item.url:
        return item.url
    with transaction.atomic():
        locked = (
            LineItem.objects.select_for_update(of=("self",))
            .select_related("context__registration", "quiz", "milestone")
            .get(pk=item.pk)
        )
        if not locked.url:
            context = locked.context
            found = services.find_line_item(
                context.registration, context.lineitems_url, locked.resource_id, now
            )
            if found is None:
                label, maximum = _label_and_maximum(locked)
                found = services.create_line_item(
                    context.registration,
                    context.lineitems_url,
                    label=label,
                    maximum=maximum,
                    resource_id=locked.resource_id,
                    resource_link_id=locked.resource_link_id,
                    now=now,
                )
            locked.url = found
            locked.save(update_fields=["url"])
    item.url = locked.url
    return item.url


# ------------------------------------------------------------------ score passback


@dataclass(frozen=True)
class Standing:
    score: float | None
    maximum: float
    activity: str
    grading: str
    started_at: datetime | None
    submitted_at: datetime | None


def _quiz_standings(quiz: Quiz, user_ids: set[int], now: datetime) -> dict[int, Standing]:
    """Scores that the students may see now, by the grade book's rule (best attempt)."""
    attempts = list(Attempt.objects.filter(quiz=quiz, user_id__in=user_ids).select_related("quiz"))
    mine: dict[int, list[Attempt]] = {}
    for a in attempts:
        mine.setdefault(a.user_id, []).append(a)
    found = {}
    for user_id, theirs in mine.items():
        status, best = gradebook.standing(sorted(theirs, key=lambda a: a.number))
        if best is None or not quiz_actions.results_visible(best, now=now):
            continue
        found[user_id] = Standing(
            score=best.score,
            maximum=best.max_score,
            activity="Completed" if status == gradebook.GRADED else "Submitted",
            grading="FullyGraded" if status == gradebook.GRADED else "Pending",
            started_at=best.started_at,
            submitted_at=best.submitted_at,
        )
    return found


def _milestone_standings(milestone: Milestone, user_ids: set[int]) -> dict[int, Standing]:
    if not milestone.grades_released:
        return {}
    maximum = float(milestone.max_points) or 1.0
    found = {}
    grades = (
        Grade.objects.filter(milestone=milestone, graded_at__isnull=False)
        .select_related("graded_submission", "team")
        .prefetch_related("team__members")
    )
    for grade in grades:
        owners = (
            [grade.student_id] if grade.student_id else [m.pk for m in grade.team.members.all()]
        )
        submitted = grade.graded_submission.confirmed_at if grade.graded_submission else None
        for user_id in owners:
            if user_id in user_ids:
                found[user_id] = Standing(
                    float(grade.total_points), maximum, "Completed", "FullyGraded", None, submitted
                )
    return found


def refresh_passbacks(
    items: list[LineItem], now: datetime, user_ids: set[int] | None = None
) -> list[int]:
    """Bring the passback rows of these line items up to the scores students may see:
    a changed score makes its row pending again. Returns the ids to send."""
    to_send: list[int] = []
    for item in items:
        linked = dict(
            Identity.objects.filter(
                issuer=item.context.registration.issuer,
                user__memberships__course=item.context.course_id,
                user__memberships__role=Role.STUDENT,
                **({"user_id__in": user_ids} if user_ids is not None else {}),
            ).values_list("user_id", "sub")
        )
        if not linked:
            continue
        if item.quiz_id:
            standings = _quiz_standings(item.quiz, set(linked), now)
        else:
            standings = _milestone_standings(item.milestone, set(linked))
        existing = {
            p.user_id: p for p in Passback.objects.filter(line_item=item, user_id__in=standings)
        }
        for user_id, s in standings.items():
            values = {
                "sub": linked[user_id],
                "score_given": s.score,
                "score_maximum": s.maximum,
                "activity_progress": s.activity,
                "grading_progress": s.grading,
                "started_at": s.started_at,
                "submitted_at": s.submitted_at,
            }
            row = existing.get(user_id)
            if row is not None and all(getattr(row, k) == v for k, v in values.items()):
                continue
            if row is None:
                try:
                    with transaction.atomic():
                        row = Passback.objects.create(
                            line_item=item, user_id=user_id, timestamp=now, **values
                        )
                except IntegrityError:
                    continue  # a refresh running at the same time made it and sends it
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                row.timestamp, row.status, row.tries, row.last_error = (
                    now,
                    PassbackStatus.PENDING,
                    0,
                    "",
                )
                row.version += 1
                row.save()
            to_send.append(row.pk)
    return to_send


def score_body(p: Passback) -> dict:
    body = {
        "userId": p.sub,
        "scoreMaximum": p.score_maximum,
        "activityProgress": p.activity_progress,
        "gradingProgress": p.grading_progress,
        "timestamp": p.timestamp.isoformat(timespec="milliseconds"),
    }
    if p.score_given is not None:
        body["scoreGiven"] = p.score_given
    submission = {}
    if p.started_at:
        submission["startedAt"] = p.started_at.isoformat(timespec="seconds")
    if p.submitted_at:
        submission["submittedAt"] = p.submitted_at.isoformat(timespec="seconds")
    if submission:
        body["submission"] = submission
    return body


@dataclass
class Outcome:
    sent: bool
    error: str = ""
    retry_in: int | None = None  # seconds, when another try may succeed


def backoff(tries: int) -> int:
    return min(settings.LTI_PASSBACK_BACKOFF_SECONDS * 2 ** max(tries - 1, 0), 3600)


def deliver(p: Passback, now: datetime) -> Outcome:
    """Send one passback's score (making the line item first if needed)."""
    try:
        url = ensure_line_item(p.line_item, now)
        services.post_score(p.line_item.context.registration, url, score_body(p), now)
    except PlatformError as exc:
        tries = p.tries + 1
        can_retry = exc.retryable and tries < settings.LTI_PASSBACK_MAX_TRIES
        return Outcome(
            sent=False, error=str(exc)[:2000], retry_in=backoff(tries) if can_retry else None
        )
    return Outcome(sent=True)


def record_outcome(p: Passback, outcome: Outcome, now: datetime) -> None:
    """Save what a send did, unless a newer score replaced the row meanwhile (its own
    send is queued)."""
    rows = Passback.objects.filter(pk=p.pk, version=p.version)
    if outcome.sent:
        rows.update(status=PassbackStatus.SENT, sent_at=now, tries=p.tries + 1, last_error="")
        return
    status = PassbackStatus.PENDING if outcome.retry_in is not None else PassbackStatus.FAILED
    rows.update(status=status, tries=p.tries + 1, last_error=outcome.error)
    log.warning("LTI score %s for %s not sent (%s): %s", p.pk, p.sub, status, outcome.error)


def send_again(p: Passback) -> None:
    Passback.objects.filter(pk=p.pk).update(status=PassbackStatus.PENDING, tries=0, last_error="")


# ------------------------------------------------------------------------ roster


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


# ------------------------------------------------------------------ deep linking


def deep_link_response(
    request_claims: dict, client_id: str, items: list[dict], now: datetime
) -> str:
    """The signed LtiDeepLinkingResponse carrying the chosen items, answering the
    deep-linking request whose claims are ``request_claims``."""
    stamp = int(now.timestamp())
    lti = "https://purl.imsglobal.org/spec/lti/claim/"
    dl_settings = (
        request_claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
        or {}
    )
    claims = {
        "iss": client_id,
        "aud": request_claims["iss"],
        "iat": stamp,
        "exp": stamp + 600,
        "nonce": secrets.token_urlsafe(16),
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingResponse",
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": request_claims[
            lti + "deployment_id"
        ],
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": items,
    }
    if dl_settings.get("data"):
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = dl_settings["data"]
    return services.sign(claims, now)


def content_item(kind: str, obj: Quiz | Milestone, launch_url: str) -> dict:
    maximum = quiz_maximum(obj) if kind == "quiz" else float(obj.max_points) or 1.0
    return {
        "type": "ltiResourceLink",
        "title": obj.title,
        "url": launch_url,
        "custom": {f"quizsite_{kind}": str(obj.pk)},
        "lineItem": {
            "label": obj.title,
            "scoreMaximum": maximum,
            "resourceId": f"{kind}-{obj.pk}",
            "tag": "quizsite",
        },
    }
