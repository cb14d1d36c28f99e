"""Milestones, teams, report versions and their grades.

Every upload is a ReportSubmission row: unconfirmed while the student looks at its
measured length, then confirmed with the next version number. Versions are never
overwritten or deleted by the application; unconfirmed ones expire."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from quizsite.accounts.models import Course
from quizsite.lib.constraints import exactly_one_of, one_per
from quizsite.reports.length import LengthLimit

FORMAT_CHOICES = [("pdf", "PDF"), ("md", "Markdown"), ("txt", "Plain text")]
EXTENSION_FOR_KIND = {"pdf": "pdf", "md": "md", "txt": "txt"}


def validate_formats(value: str) -> None:
    kinds = [k for k in value.split(",") if k]
    known = {k for k, _ in FORMAT_CHOICES}
    if not kinds or any(k not in known for k in kinds):
        raise ValidationError(f"Formats must be a comma-separated subset of {', '.join(known)}.")


class Milestone(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    due_at = models.DateTimeField(help_text="Stored in UTC; entered in the course's time zone.")
    late_until = models.DateTimeField(
        null=True, blank=True, help_text="Late reports are accepted until then; empty: none."
    )
    late_penalty_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    accepted_formats = models.CharField(
        max_length=40, default="pdf,md,txt", validators=[validate_formats]
    )
    max_bytes = models.PositiveIntegerField(
        default=5 * 1024 * 1024,
        validators=[MinValueValidator(1024), MaxValueValidator(50 * 1024 * 1024)],
    )
    max_pages = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Pages of text, e.g. 0.5 for half a page; empty: no page limit.",
    )
    max_words = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For Markdown and text; empty: derived from the page limit.",
    )
    is_team = models.BooleanField(default=False, help_text="Teams hand in one report together.")
    grades_released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course.code}: {self.title}"

    def clean(self) -> None:
        if self.late_until and self.due_at and self.late_until < self.due_at:
            raise ValidationError({"late_until": "The late cut-off must be after the due date."})

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(k for k in self.accepted_formats.split(",") if k)

    @property
    def limit(self) -> LengthLimit:
        return LengthLimit(max_pages=self.max_pages, max_words=self.max_words)

    @property
    def grades_released(self) -> bool:
        return self.grades_released_at is not None

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))


class RubricCriterion(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    max_points = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.max_points} points)"


class Team(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    # The course is repeated here so the database can hold "one team per student per course".
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_team_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def report_upload_to(instance: ReportSubmission, filename: str) -> str:
    # Never the student's file name: names are unguessable and carry no personal data.
    extension = EXTENSION_FOR_KIND.get(instance.kind, "bin")
    return f"reports/{instance.milestone_id}/{secrets.token_urlsafe(24)}.{extension}"


class LengthCheck(models.TextChoices):
    NONE = "", "none"
    # A PDF whose length came from images or drawings with no text: maybe a scan.
    NO_TEXT = "no_text", "no text, maybe a scan"
    # Measuring ran out of time or memory (or failed): the file is kept unmeasured.
    UNMEASURED = "unmeasured", "could not be measured"


class ReportSubmission(models.Model):
    """One version of a student's or a team's report."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="submissions")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_submissions",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The link a student confirms through; not guessable from the id.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(help_text="When the file arrived; the deadline uses this.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=report_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=FORMAT_CHOICES)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sheets = models.PositiveIntegerField(null=True, blank=True)
    pages = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    fill_fraction = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    words = models.PositiveIntegerField(null=True, blank=True)
    length_text = models.CharField(max_length=200)
    over_limit = models.BooleanField(default=False)
    # Why staff should check the length by hand; empty when the measurement can be trusted.
    length_check = models.CharField(
        max_length=12, choices=LengthCheck.choices, blank=True, default=LengthCheck.NONE
    )
    is_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            exactly_one_of("student", "team", name="submission_has_one_owner"),
            models.UniqueConstraint(
                fields=["milestone", "team", "version"],
                condition=Q(team__isnull=False, version__isnull=False),
                name="unique_team_version",
            ),
            models.UniqueConstraint(
                fields=["milestone", "student", "version"],
                condition=Q(student__isnull=False, version__isnull=False),
                name="unique_student_version",
            ),
        ]
        # Named as when the model was called Submission, so the rename keeps the index.
        indexes = [
            models.Index(
                fields=["milestone", "confirmed_at"], name="reports_sub_milesto_89b3c8_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} v{self.version or '?'} of {self.milestone}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def owner_label(self) -> str:
        # A team's report, or else one student's (the form and the actions set one of them).
        if self.team is not None:
            return self.team.name
        if self.student is None:
            raise ValueError("a report is a team's or a student's")
        return self.student.get_username()

    def download_name(self, *, mark_late: bool = False) -> str:
        from django.utils.text import slugify

        owner = slugify(self.owner_label) or "report"
        late = "_late" if mark_late and self.is_late else ""
        return f"{owner}{late}_v{self.version or 0}.{EXTENSION_FOR_KIND[self.kind]}"


class Grade(models.Model):
    """Staff's grade for one student (individual milestone) or one team."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="grades")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="grades"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_grades",
    )
    # Staff's pick of the version to grade; empty: the rule in deadline.pick_graded.
    chosen_submission = models.ForeignKey(
        ReportSubmission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_submission = models.ForeignKey(
        ReportSubmission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback = models.TextField(blank=True)
    raw_points = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    penalty_percent = models.PositiveSmallIntegerField(default=0)
    total_points = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            exactly_one_of("student", "team", name="grade_has_one_owner"),
            one_per("milestone", "team", name="one_grade_per_team"),
            one_per("milestone", "student", name="one_grade_per_student"),
        ]

    def __str__(self) -> str:
        return f"Grade for {self.team or self.student} on {self.milestone}"


class CriterionScore(models.Model):
    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.title}: {self.points}"
