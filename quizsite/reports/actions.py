"""Everything that changes report data: receive an upload, confirm it, grade, release.

Views call these and turn UploadRefused into the sentence the student reads."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from quizsite.accounts import access
from quizsite.accounts.models import User
from quizsite.lib.locks import for_update
from quizsite.reports import length, measuring, messages, sniff
from quizsite.reports.deadline import Timing, classify
from quizsite.reports.models import (
    CriterionScore,
    Grade,
    LengthCheck,
    Milestone,
    ReportSubmission,
    RubricCriterion,
)
from quizsite.reports.selectors import Owner, graded_version, owner_for

# How long an upload waits for its uploader to confirm it before it is thrown away.
PENDING_LIFETIME = timedelta(hours=1)

logger = logging.getLogger(__name__)


class UploadRefused(Exception):
    """str(exc) is a sentence for the student."""


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def too_large_message(milestone: Milestone) -> str:
    return (
        f"The file is larger than this milestone's limit of {human_size(milestone.max_bytes)}. "
        "Make it smaller (for a PDF, export it again without large images) and upload it again."
    )


def timing_at(milestone: Milestone, now: datetime) -> Timing:
    decision = classify(
        now,
        due=milestone.due_at,
        late_until=milestone.late_until,
        late_penalty_percent=milestone.late_penalty_percent,
    )
    return decision.timing


def read_capped(upload, cap: int) -> bytes:
    """The upload's bytes, read in chunks, refusing as soon as there are more than `cap`."""
    chunks = []
    total = 0
    upload.seek(0)
    for chunk in upload.chunks(64 * 1024):
        total += len(chunk)
        if total > cap:
            raise UploadRefused("")
        chunks.append(chunk)
    return b"".join(chunks)


def receive_upload(milestone: Milestone, user: User, upload, *, now: datetime) -> ReportSubmission:
    """Check and measure an uploaded file and keep it as an unconfirmed version."""
    owner = owner_for(milestone, user)
    if owner is None:
        if milestone.is_team and access.is_student(user, milestone.course):
            raise UploadRefused(
                "You are not in a team for this course yet; ask the course staff to add you."
            )
        raise UploadRefused("Only students of this course can hand in reports.")
    timing = timing_at(milestone, now)
    if timing is Timing.CLOSED:
        raise UploadRefused(
            "This milestone is closed: the deadline"
            + (" and the late cut-off have" if milestone.late_until else " has")
            + " passed, so no more reports are accepted."
        )
    if upload.size is not None and upload.size > milestone.max_bytes:
        raise UploadRefused(too_large_message(milestone))
    try:
        content = read_capped(upload, milestone.max_bytes)
    except UploadRefused:
        raise UploadRefused(too_large_message(milestone)) from None
    try:
        sniffed = sniff.identify(content, upload.name, milestone.formats)
    except sniff.Refused as exc:
        raise UploadRefused(str(exc)) from None
    measured = _length_fields(milestone, user, upload.name, content, sniffed.kind)
    submission = ReportSubmission(
        milestone=milestone,
        uploaded_by=user,
        received_at=now,
        original_name=(upload.name or "report")[:255],
        kind=sniffed.kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        is_late=timing is Timing.LATE,
        **measured,
        **owner.filter(),
    )
    # The storage name comes from report_upload_to; the student's name is kept only as data.
    submission.file.save("report", ContentFile(content), save=False)
    try:
        submission.save()
    except Exception:
        submission.file.delete(save=False)
        raise
    return submission


def _length_fields(milestone: Milestone, user: User, name: str, content: bytes, kind: str) -> dict:
    """A new version's length fields: measured, or flagged for staff as not measurable.
    A PDF that does not parse is refused."""
    try:
        measurement = measuring.measure_within_limits(
            content,
            kind,
            seconds=settings.REPORT_MEASURE_TIMEOUT_SECONDS,
            memory_mb=settings.REPORT_MEASURE_MEMORY_MB,
        )
    except length.Unreadable as exc:
        logger.info(
            "report upload to milestone %s by user %s refused as unreadable: %s (%s)",
            milestone.pk,
            user.pk,
            exc,
            exc.cause,
        )
        raise UploadRefused(messages.UNREADABLE_PDF.format(name=name, problem=exc)) from None
    except measuring.NotMeasured as exc:
        # The file may be fine and merely heavy (or hostile): keep it, unmeasured, for
        # staff to look at, rather than lose a student's hand-in to our limits.
        logger.warning(
            "report upload to milestone %s by user %s (%s bytes) not measured: %s",
            milestone.pk,
            user.pk,
            len(content),
            exc,
        )
        return {
            "length_text": messages.NOT_MEASURED_LENGTH[exc.reason],
            "over_limit": False,
            "length_check": LengthCheck.UNMEASURED,
        }
    ok, length_text = length.check_length(measurement, milestone.limit)
    return {
        "sheets": measurement.sheets,
        "pages": Decimal(str(measurement.pages)) if measurement.pages is not None else None,
        "fill_fraction": Decimal(str(measurement.fill_fraction))
        if measurement.fill_fraction is not None
        else None,
        "words": measurement.words,
        "length_text": length_text,
        "over_limit": not ok,
        "length_check": LengthCheck.NO_TEXT if measurement.no_text else LengthCheck.NONE,
    }


def confirm_upload(submission: ReportSubmission, user: User, *, now: datetime) -> ReportSubmission:
    """Turn an unconfirmed upload into the owner's next version."""
    if submission.confirmed:
        return submission
    if submission.uploaded_by_id != user.pk:
        raise UploadRefused("Only the person who uploaded this file can confirm it.")
    if now > submission.received_at + PENDING_LIFETIME:
        raise UploadRefused(
            "This upload waited too long for confirmation and has expired; upload it again."
        )
    with transaction.atomic():
        # Serialise version numbering per milestone; the unique constraints back this up.
        for_update(Milestone.objects.filter(pk=submission.milestone_id)).first()
        owner_filter = (
            {"team_id": submission.team_id}
            if submission.team_id
            else {"student_id": submission.student_id}
        )
        last = ReportSubmission.objects.filter(
            milestone_id=submission.milestone_id, **owner_filter
        ).aggregate(m=Max("version"))["m"]
        submission.version = (last or 0) + 1
        submission.confirmed_at = now
        submission.save(update_fields=["version", "confirmed_at"])
    return submission


def discard_upload(submission: ReportSubmission, user: User) -> None:
    """The uploader changed their mind before confirming."""
    if submission.confirmed or submission.uploaded_by_id != user.pk:
        return
    _delete_pending(submission)


def discard_expired_uploads(*, now: datetime) -> int:
    """Delete unconfirmed uploads older than PENDING_LIFETIME and their files."""
    count = 0
    expired = ReportSubmission.objects.filter(
        confirmed_at__isnull=True, received_at__lt=now - PENDING_LIFETIME
    )
    for submission in expired.iterator():
        _delete_pending(submission)
        count += 1
    return count


def _delete_pending(submission: ReportSubmission) -> None:
    # Guard again at the lowest level: a confirmed version is never deleted here.
    deleted, _ = ReportSubmission.objects.filter(
        pk=submission.pk, confirmed_at__isnull=True
    ).delete()
    if deleted:
        submission.file.delete(save=False)


class GradingError(ValueError):
    pass


def grade(
    milestone: Milestone,
    owner: Owner,
    grader: User,
    *,
    points: dict[int, Decimal],
    comments: dict[int, str] | None = None,
    feedback: str,
    chosen_submission: ReportSubmission | None,
    now: datetime,
) -> Grade:
    """Record a rubric grade. `points` maps criterion id -> points awarded."""
    access.require_staff(grader, milestone.course)
    criteria = list(milestone.criteria.all())
    problems = []
    for criterion in criteria:
        value = points.get(criterion.pk)
        if value is None:
            problems.append(f"{criterion.title}: enter the points.")
        elif value < 0 or value > criterion.max_points:
            problems.append(
                f"{criterion.title}: points must be between 0 and {criterion.max_points}."
            )
    if problems:
        raise GradingError(" ".join(problems))
    versions = list(
        ReportSubmission.objects.filter(
            milestone=milestone, confirmed_at__isnull=False, **owner.filter()
        )
    )
    if chosen_submission is not None and chosen_submission.pk not in {v.pk for v in versions}:
        raise GradingError("The chosen version does not belong to this student or team.")
    with transaction.atomic():
        record, _ = Grade.objects.get_or_create(milestone=milestone, **owner.filter())
        record.chosen_submission = chosen_submission
        graded = graded_version(milestone, versions, record)
        raw = sum((points[c.pk] for c in criteria), Decimal(0))
        penalty = milestone.late_penalty_percent if graded is not None and graded.is_late else 0
        record.graded_submission = graded
        record.raw_points = raw
        record.penalty_percent = penalty
        record.total_points = (raw * (Decimal(100) - penalty) / Decimal(100)).quantize(
            Decimal("0.01")
        )
        record.feedback = feedback
        record.graded_by = grader
        record.graded_at = now
        record.save()
        for criterion in criteria:
            CriterionScore.objects.update_or_create(
                grade=record,
                criterion=criterion,
                defaults={
                    "points": points[criterion.pk],
                    "comment": (comments or {}).get(criterion.pk, "")[:500],
                },
            )
    return record


def save_milestone(
    milestone: Milestone, criteria: list[tuple[Decimal, str]], *, is_new: bool
) -> Milestone:
    """Save a milestone (from its staff form) and its rubric, in one transaction. The
    rubric is fixed once someone has been graded against it: then ``criteria`` is
    ignored (the form refuses a change before it gets here)."""
    with transaction.atomic():
        milestone.save()
        if is_new or not milestone.grades.exists():
            milestone.criteria.all().delete()
            RubricCriterion.objects.bulk_create(
                RubricCriterion(milestone=milestone, title=title, max_points=points, position=i)
                for i, (points, title) in enumerate(criteria)
            )
    return milestone


def release_grades(milestone: Milestone, user: User, *, now: datetime) -> None:
    access.require_staff(user, milestone.course)
    milestone.grades_released_at = now
    milestone.save(update_fields=["grades_released_at"])


def withhold_grades(milestone: Milestone, user: User) -> None:
    access.require_staff(user, milestone.course)
    milestone.grades_released_at = None
    milestone.save(update_fields=["grades_released_at"])
