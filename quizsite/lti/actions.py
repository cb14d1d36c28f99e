"""The write side of a launch: who it is, which course it lands in, with what role,
and what it opens."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from quizsite.accounts.models import Course, Membership, Role, User
from quizsite.lib.locks import for_update
from quizsite.lti import messages
from quizsite.lti.launch import Launch, LaunchError
from quizsite.lti.models import Context, Identity, LineItem
from quizsite.quizzes.models import Quiz
from quizsite.reports.models import Milestone

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
            for_update(Context.objects.all())
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
