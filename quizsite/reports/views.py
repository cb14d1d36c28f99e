"""Pages for milestone reports. Views check who is asking (via selectors and
quizsite.accounts.access), call an action, and render; the rules live elsewhere.

Anyone who may not see a thing gets 404, never a hint that the id exists."""

from __future__ import annotations

import functools
import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as django_render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from quizsite.accounts import access, csvrows
from quizsite.accounts.models import User
from quizsite.accounts.requests import AuthenticatedRequest
from quizsite.accounts.timezones import display_zone
from quizsite.reports import actions, gradebook, selectors
from quizsite.reports import messages as report_messages
from quizsite.reports.forms import GradeForm, MilestoneForm, TeamsUploadForm, UploadForm
from quizsite.reports.length import WORDS_PER_PAGE, describe_pages
from quizsite.reports.models import (
    LengthCheck,
    Milestone,
    ReportSubmission,
    TeamMembership,
)
from quizsite.reports.sniff import CONTENT_TYPES
from quizsite.reports.teams import import_teams
from quizsite.reports.uploads import CappedUploadHandler, declared_too_large

# Zips are built in memory up to this size, then spill to a temporary file.
ZIP_SPOOL_BYTES = 16 * 1024 * 1024

# What the pending page says about a length that could not be trusted (by length_check).
LENGTH_NOTES: dict[str, str] = {
    LengthCheck.UNMEASURED: report_messages.NOT_MEASURED,
    LengthCheck.NO_TEXT: report_messages.NO_TEXT,
}


def render(
    request: AuthenticatedRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    # Every time on these pages is shown in one zone, named on the page.
    zone = display_zone(request.user, context["course"])
    context = {**context, "display_tz": zone, "display_tz_name": zone.key}
    with timezone.override(zone):
        return django_render(request, template, context, status=status)


def _staff_milestone(user: User, course_code: str, pk: int) -> Milestone:
    milestone = selectors.milestone_for(user, course_code, pk)
    if not access.is_staff(user, milestone.course):
        raise Http404("No such milestone.")
    return milestone


def limit_sentence(milestone: Milestone) -> str:
    parts = []
    if milestone.max_pages is not None and "pdf" in milestone.formats:
        parts.append(f"{describe_pages(float(milestone.max_pages))} for a PDF")
    if milestone.limit.word_limit is not None and {"md", "txt"} & set(milestone.formats):
        words = milestone.limit.word_limit
        source = "" if milestone.max_words is not None else f" ({WORDS_PER_PAGE} words a page)"
        parts.append(f"{words} words for Markdown or text{source}")
    return "; ".join(parts)


@login_required
def course(request: AuthenticatedRequest, course_code: str) -> HttpResponse:
    the_course = access.course_for_member(request.user, course_code)
    is_staff = access.is_staff(request.user, the_course)
    rows = []
    for milestone in selectors.milestones_for(the_course):
        owner = selectors.owner_for(milestone, request.user)
        versions = list(selectors.confirmed_versions(milestone, owner)) if owner else []
        rows.append({"milestone": milestone, "versions": versions, "latest": versions[-1:]})
    return render(
        request,
        "reports/course.html",
        {"course": the_course, "rows": rows, "is_staff": is_staff, "now": timezone.now()},
    )


def _detail_context(request: AuthenticatedRequest, milestone: Milestone, **extra) -> dict:
    owner = selectors.owner_for(milestone, request.user)
    versions = list(selectors.confirmed_versions(milestone, owner)) if owner else []
    grade = selectors.grade_for(milestone, owner) if owner else None
    graded = selectors.graded_version(milestone, versions, grade) if owner else None
    now = timezone.now()
    members = []
    if owner and owner.team:
        members = [
            tm.user for tm in TeamMembership.objects.filter(team=owner.team).select_related("user")
        ]
    released = grade if milestone.grades_released else None
    stale = selectors.stale_grade(released, graded)
    context = {
        "course": milestone.course,
        "milestone": milestone,
        "owner": owner,
        "members": members,
        "versions": versions,
        "graded": graded,
        "grade": released,
        # A released grade given to an older version says which version it is for.
        "grade_heading": _grade_heading(stale),
        "is_staff": access.is_staff(request.user, milestone.course),
        "is_student": access.is_student(request.user, milestone.course),
        "timing": actions.timing_at(milestone, now).value,
        "due_local": selectors.local(milestone.due_at, milestone.course),
        "late_until_local": selectors.local(milestone.late_until, milestone.course),
        "limit": limit_sentence(milestone),
        "max_size": actions.human_size(milestone.max_bytes),
        "form": UploadForm(),
        "accept": ",".join(
            ext
            for kind in milestone.formats
            for ext in {"pdf": [".pdf"], "md": [".md", ".markdown"], "txt": [".txt"]}[kind]
        ),
    }
    context.update(extra)
    return context


def _grade_heading(stale: selectors.StaleGrade | None) -> str:
    if stale is None:
        return "Grade"
    if stale.given is None:
        return report_messages.GRADE_BEFORE_ANY_VERSION
    return report_messages.GRADE_FOR_VERSION.format(version=stale.given.version)


@login_required
def detail(request: AuthenticatedRequest, course_code: str, pk: int) -> HttpResponse:
    milestone = selectors.milestone_for(request.user, course_code, pk)
    return render(request, "reports/detail.html", _detail_context(request, milestone))


def _refuse_upload(request: AuthenticatedRequest, milestone: Milestone, message: str, status: int):
    return render(
        request,
        "reports/detail.html",
        _detail_context(request, milestone, upload_error=message),
        status=status,
    )


@csrf_exempt  # checked in _upload once the size-capping handler is in place
@login_required
def upload(request: AuthenticatedRequest, course_code: str, pk: int) -> HttpResponse:
    milestone = selectors.milestone_for(request.user, course_code, pk)
    if request.method != "POST":
        return redirect("reports:detail", course_code=course_code, pk=pk)
    if declared_too_large(request, milestone.max_bytes):
        # Refused from the declared length alone: the body is never read.
        return _refuse_upload(request, milestone, actions.too_large_message(milestone), 413)
    handler = CappedUploadHandler(request, milestone.max_bytes)
    request.upload_handlers.insert(0, handler)
    return _upload(request, milestone, handler)


@csrf_protect
def _upload(request: AuthenticatedRequest, milestone: Milestone, handler: CappedUploadHandler):
    form = UploadForm(request.POST, request.FILES)
    if handler.exceeded:
        return _refuse_upload(request, milestone, actions.too_large_message(milestone), 413)
    if not form.is_valid():
        return _refuse_upload(request, milestone, "Choose a file to upload.", 400)
    try:
        pending = actions.receive_upload(
            milestone, request.user, form.cleaned_data["report"], now=timezone.now()
        )
    except actions.UploadRefused as exc:
        return _refuse_upload(request, milestone, str(exc), 400)
    return redirect(
        "reports:pending", course_code=milestone.course.code, pk=milestone.pk, token=pending.token
    )


@login_required
def pending(request: AuthenticatedRequest, course_code: str, pk: int, token) -> HttpResponse:
    milestone = selectors.milestone_for(request.user, course_code, pk)
    submission = selectors.pending_for(request.user, milestone, token)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            actions.discard_upload(submission, request.user)
            messages.info(request, "The upload was discarded; nothing was handed in.")
            return redirect("reports:detail", course_code=course_code, pk=pk)
        try:
            confirmed = actions.confirm_upload(submission, request.user, now=timezone.now())
        except actions.UploadRefused as exc:
            messages.error(request, str(exc))
            return redirect("reports:detail", course_code=course_code, pk=pk)
        note = " It is flagged as over the length limit." if confirmed.over_limit else ""
        note += " It is late." if confirmed.is_late else ""
        if confirmed.length_check == LengthCheck.UNMEASURED:
            note += report_messages.NOT_MEASURED_CONFIRMED
        messages.success(request, f"Handed in as version {confirmed.version}.{note}")
        return redirect("reports:detail", course_code=course_code, pk=pk)
    return render(
        request,
        "reports/pending.html",
        {
            "course": milestone.course,
            "milestone": milestone,
            "submission": submission,
            "limit": limit_sentence(milestone),
            "expires_at": submission.received_at + actions.PENDING_LIFETIME,
            "length_note": LENGTH_NOTES.get(submission.length_check, ""),
        },
    )


@login_required
def download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    submission = selectors.readable_submission(request.user, pk)
    return _attachment(submission)


def _attachment(submission: ReportSubmission) -> FileResponse:
    response = FileResponse(
        submission.file.open("rb"),
        as_attachment=True,
        filename=submission.download_name(),
        content_type=CONTENT_TYPES[submission.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser ignored the attachment header, nothing in the file may run.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submissions(request: AuthenticatedRequest, course_code: str, pk: int) -> HttpResponse:
    milestone = _staff_milestone(request.user, course_code, pk)
    rows = selectors.milestone_overview(milestone)
    counts = {"on_time": 0, "late": 0, "missing": 0}
    for row in rows:
        counts[row.status.replace(" ", "_")] += 1
    return render(
        request,
        "reports/submissions.html",
        {
            "course": milestone.course,
            "milestone": milestone,
            "rows": rows,
            "counts": counts,
            # Once, not once per graded row (it sums the rubric with a query).
            "max_points": milestone.max_points,
            "without_team": selectors.students_without_team(milestone.course)
            if milestone.is_team
            else [],
            "due_local": selectors.local(milestone.due_at, milestone.course),
        },
    )


@login_required
def download_all(request: AuthenticatedRequest, course_code: str, pk: int) -> FileResponse:
    """The graded version of every student or team, in one zip."""
    milestone = _staff_milestone(request.user, course_code, pk)
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)
    used: set[str] = set()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in selectors.milestone_overview(milestone):
            if row.graded is None:
                continue
            name = row.graded.download_name(mark_late=True)
            if name in used:
                # Two usernames can slugify alike ("a.b", "ab"); the id keeps them apart.
                stem, dot, extension = name.rpartition(".")
                name = f"{stem}-{row.graded.pk}{dot}{extension}"
            used.add(name)
            with row.graded.file.open("rb") as source, archive.open(name, "w") as target:
                for chunk in iter(functools.partial(source.read, 64 * 1024), b""):
                    target.write(chunk)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"{milestone.course.code}-milestone-{milestone.pk}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def grades_csv(request: AuthenticatedRequest, course_code: str, pk: int) -> HttpResponse:
    """The milestone's grades as CSV, one row per enrolled student, for the grade book."""
    milestone = _staff_milestone(request.user, course_code, pk)
    text = csvrows.write_rows(gradebook.HEADER, selectors.gradebook_rows(request.user, milestone))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = slugify(f"{milestone.course.code} {milestone.title}") or f"milestone-{milestone.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-grades.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def grade(
    request: AuthenticatedRequest, course_code: str, pk: int, kind: str, owner_pk: int
) -> HttpResponse:
    milestone = _staff_milestone(request.user, course_code, pk)
    owner = selectors.owner_by_key(milestone, kind, owner_pk)
    versions = list(selectors.confirmed_versions(milestone, owner))
    existing = selectors.grade_for(milestone, owner)
    initial: dict[str, object] = {}
    if existing:
        initial = {"feedback": existing.feedback, "chosen": existing.chosen_submission_id or ""}
        for score in existing.scores.all():
            initial[f"points_{score.criterion_id}"] = score.points
            initial[f"comment_{score.criterion_id}"] = score.comment
    form = GradeForm(request.POST or None, milestone=milestone, versions=versions, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            actions.grade(
                milestone,
                owner,
                request.user,
                points=form.points(),
                comments=form.comments(),
                feedback=form.cleaned_data["feedback"],
                chosen_submission=form.chosen_submission(),
                now=timezone.now(),
            )
        except actions.GradingError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Saved the grade for {owner.label}.")
            return redirect("reports:submissions", course_code=course_code, pk=pk)
    graded = selectors.graded_version(milestone, versions, existing)
    return render(
        request,
        "reports/grade.html",
        {
            "course": milestone.course,
            "milestone": milestone,
            "owner": owner,
            "versions": versions,
            "graded": graded,
            # The saved points were given to another version than the one that counts now.
            "stale": selectors.stale_grade(existing, graded),
            "form": form,
            "error": error,
        },
    )


@require_POST
@login_required
def release(request: AuthenticatedRequest, course_code: str, pk: int) -> HttpResponse:
    milestone = _staff_milestone(request.user, course_code, pk)
    if request.POST.get("action") == "withhold":
        actions.withhold_grades(milestone, request.user)
        messages.info(request, "Grades are hidden from students again.")
    else:
        actions.release_grades(milestone, request.user, now=timezone.now())
        messages.success(request, "Grades released: students can see them now.")
    return redirect("reports:submissions", course_code=course_code, pk=pk)


@login_required
def edit(request: AuthenticatedRequest, course_code: str, pk: int | None = None) -> HttpResponse:
    the_course = access.course_for_staff(request.user, course_code)
    instance = get_object_or_404(Milestone, pk=pk, course=the_course) if pk else None
    form = MilestoneForm(request.POST or None, instance=instance, course=the_course)
    if request.method == "POST" and form.is_valid():
        milestone = actions.save_milestone(
            form.save(commit=False), form.cleaned_data["rubric"], is_new=pk is None
        )
        messages.success(request, f"Saved {milestone.title}.")
        return redirect("reports:detail", course_code=course_code, pk=milestone.pk)
    return render(
        request,
        "reports/edit.html",
        {"course": the_course, "form": form, "milestone": instance},
    )


@login_required
def teams(request: AuthenticatedRequest, course_code: str) -> HttpResponse:
    the_course = access.course_for_staff(request.user, course_code)
    form = TeamsUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        report = import_teams(the_course, form.cleaned_data["csv_file"])
        if report.ok:
            messages.success(
                request,
                f"Imported: {report.teams_created} new team(s), {report.members_added} "
                f"member(s) added, {report.members_moved} moved.",
            )
            return redirect("reports:teams", course_code=course_code)
        errors = report.errors
    team_list = the_course.teams.prefetch_related("members").order_by("name")
    return render(
        request,
        "reports/teams.html",
        {
            "course": the_course,
            "teams": team_list,
            "form": form,
            "errors": errors,
            "without_team": selectors.students_without_team(the_course),
        },
    )
