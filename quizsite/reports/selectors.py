"""Read-side questions: whose report is this, who may see it, what is each student's
or team's status. Every permission answer starts from quizsite.accounts.access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from quizsite.accounts import access
from quizsite.accounts.models import Course, Membership, Role, User
from quizsite.reports import gradebook
from quizsite.reports.deadline import grade_is_stale, pick_graded
from quizsite.reports.models import Grade, Milestone, ReportSubmission, Team, TeamMembership


@dataclass(frozen=True)
class Owner:
    """Who a report belongs to: a team (team milestones) or one student."""

    team: Team | None = None
    student: User | None = None

    @property
    def label(self) -> str:
        return self.team.name if self.team else self.person.get_username()

    @property
    def kind(self) -> str:
        return "team" if self.team else "student"

    @property
    def pk(self) -> int:
        return self.team.pk if self.team else self.person.pk

    @property
    def person(self) -> User:
        """The student of a one-person owner; an owner without a team always has one."""
        if self.student is None:
            raise ValueError("an owner is a team or a student")
        return self.student

    def filter(self) -> dict:
        return {"team": self.team} if self.team else {"student": self.student}


def team_of(user: User, course: Course) -> Team | None:
    membership = (
        TeamMembership.objects.filter(user=user, course=course).select_related("team").first()
    )
    return membership.team if membership else None


def owner_for(milestone: Milestone, user: User) -> Owner | None:
    """The owner `user` submits for, or None if they cannot submit to this milestone."""
    if not access.is_student(user, milestone.course):
        return None
    if milestone.is_team:
        team = team_of(user, milestone.course)
        return Owner(team=team) if team else None
    return Owner(student=user)


def owner_by_key(milestone: Milestone, kind: str, pk: int) -> Owner:
    """Staff pages address a student or team by kind and id; 404 if not of this course."""
    if kind == "team" and milestone.is_team:
        team = Team.objects.filter(course=milestone.course, pk=pk).first()
        if team:
            return Owner(team=team)
    if kind == "student" and not milestone.is_team:
        membership = (
            Membership.objects.filter(course=milestone.course, user_id=pk, role=Role.STUDENT)
            .select_related("user")
            .first()
        )
        if membership:
            return Owner(student=membership.user)
    raise Http404("No such student or team in this course.")


def confirmed_versions(milestone: Milestone, owner: Owner) -> QuerySet[ReportSubmission]:
    return ReportSubmission.objects.filter(
        milestone=milestone, confirmed_at__isnull=False, **owner.filter()
    ).select_related("uploaded_by", "team", "student")


def milestone_for(user: User, course_code: str, milestone_pk: int) -> Milestone:
    """A milestone the user may see (a member of its course), else 404."""
    milestone = (
        Milestone.objects.select_related("course")
        .filter(pk=milestone_pk, course__code=course_code)
        .first()
    )
    if milestone is None or not access.is_member(user, milestone.course):
        raise Http404("No such milestone.")
    return milestone


def may_read(user: User, submission: ReportSubmission) -> bool:
    course = submission.milestone.course
    if access.is_staff(user, course):
        return submission.confirmed
    if not access.is_student(user, course):
        return False
    if not submission.confirmed:
        # An unconfirmed upload is its uploader's alone until they confirm it.
        return submission.uploaded_by_id == user.pk
    if submission.team_id:
        return TeamMembership.objects.filter(team_id=submission.team_id, user=user).exists()
    return submission.student_id == user.pk


def readable_submission(user: User, pk: int) -> ReportSubmission:
    """The submission if `user` may read it; otherwise 404, the same answer as for an id
    that does not exist, so ids reveal nothing."""
    submission = (
        ReportSubmission.objects.select_related("milestone__course", "team", "student")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not may_read(user, submission):
        raise Http404("No such report.")
    return submission


def pending_for(user: User, milestone: Milestone, token) -> ReportSubmission:
    submission = ReportSubmission.objects.filter(
        milestone=milestone, token=token, confirmed_at__isnull=True, uploaded_by=user
    ).first()
    if submission is None:
        raise Http404("No such upload waiting for confirmation.")
    return submission


def owners_of(milestone: Milestone) -> list[Owner]:
    if milestone.is_team:
        return [Owner(team=t) for t in Team.objects.filter(course=milestone.course)]
    memberships = (
        Membership.objects.filter(course=milestone.course, role=Role.STUDENT)
        .select_related("user")
        .order_by("user__username")
    )
    return [Owner(student=m.user) for m in memberships]


def students_without_team(course: Course) -> list[User]:
    return list(
        User.objects.filter(memberships__course=course, memberships__role=Role.STUDENT)
        .exclude(team_memberships__course=course)
        .order_by("username")
    )


def grade_for(milestone: Milestone, owner: Owner) -> Grade | None:
    return (
        Grade.objects.filter(milestone=milestone, **owner.filter())
        .select_related("graded_submission")
        .prefetch_related("scores__criterion")
        .first()
    )


def graded_version(
    milestone: Milestone, versions: list[ReportSubmission], grade: Grade | None
) -> ReportSubmission | None:
    chosen = grade.chosen_submission_id if grade else None
    return pick_graded(versions, due=milestone.due_at, chosen_pk=chosen)


@dataclass(frozen=True)
class StaleGrade:
    """A grade given to a version other than the one that counts now (see
    deadline.grade_is_stale): its score, and its late penalty, belong to `given`."""

    given: ReportSubmission | None
    counts: ReportSubmission | None

    @property
    def summary(self) -> str:
        """For staff, e.g. "graded v2; v3 counts now"."""
        given = f"graded v{self.given.version}" if self.given else "graded before any hand-in"
        counts = f"v{self.counts.version} counts now" if self.counts else "none counts now"
        return f"{given}; {counts}"


def stale_grade(grade: Grade | None, counts: ReportSubmission | None) -> StaleGrade | None:
    """The stale grade's two versions, or None when the grade (if any) is up to date.
    Reads `grade.graded_submission`: load grades with select_related("graded_submission")
    so that this costs no query."""
    if grade is None:
        return None
    if not grade_is_stale(grade.graded_submission_id, counts.pk if counts else None):
        return None
    return StaleGrade(given=grade.graded_submission, counts=counts)


@dataclass
class OverviewRow:
    owner: Owner
    versions: list[ReportSubmission]
    graded: ReportSubmission | None
    grade: Grade | None
    members: list[User] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.graded is None:
            return "missing"
        return "late" if self.graded.is_late else "on time"

    @property
    def status_class(self) -> str:
        return {"missing": "bad", "late": "warn", "on time": "ok"}[self.status]

    @property
    def stale(self) -> StaleGrade | None:
        return stale_grade(self.grade, self.graded)


def milestone_overview(milestone: Milestone) -> list[OverviewRow]:
    """One row per student (or team) of the course, whether they handed in or not."""
    owners = owners_of(milestone)
    submissions = list(
        ReportSubmission.objects.filter(milestone=milestone, confirmed_at__isnull=False)
        .select_related("uploaded_by")
        .order_by("received_at", "pk")
    )
    grades = {
        (g.team_id, g.student_id): g
        for g in Grade.objects.filter(milestone=milestone)
        # The version each grade was given to, in the same query: stale grades are flagged.
        .select_related("graded_submission")
        .prefetch_related("scores")
    }
    members: dict[int, list[User]] = {}
    if milestone.is_team:
        for tm in TeamMembership.objects.filter(course=milestone.course).select_related("user"):
            members.setdefault(tm.team_id, []).append(tm.user)
    rows = []
    for owner in owners:
        key: tuple[int | None, int | None]
        if owner.team:
            versions = [s for s in submissions if s.team_id == owner.team.pk]
            key = (owner.team.pk, None)
        else:
            versions = [s for s in submissions if s.student_id == owner.person.pk]
            key = (None, owner.person.pk)
        grade = grades.get(key)
        rows.append(
            OverviewRow(
                owner=owner,
                versions=versions,
                graded=graded_version(milestone, versions, grade),
                grade=grade,
                members=members.get(owner.pk, []) if owner.team else [],
            )
        )
    return rows


def gradebook_rows(user: User, milestone: Milestone) -> list[list]:
    """The milestone's grade book table (see ``gradebook``), for its course's staff:
    every enrolled student, in username order; the same few queries whatever the class
    size."""
    if not access.is_staff(user, milestone.course):
        raise Http404("No such milestone.")
    students = User.objects.filter(
        memberships__course=milestone.course, memberships__role=Role.STUDENT
    ).order_by("username")
    return gradebook.grade_rows(
        students,
        milestone_overview(milestone),
        max_score=milestone.max_points,
        released=milestone.grades_released,
        tz=milestone.course.tz,
    )


def milestones_for(course: Course) -> QuerySet[Milestone]:
    return Milestone.objects.filter(course=course).order_by("due_at", "pk")


def local(value: datetime | None, course: Course) -> datetime | None:
    return value.astimezone(course.tz) if value else None
