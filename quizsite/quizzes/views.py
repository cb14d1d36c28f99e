"""Quiz pages. Each view authorizes (``quizsite.accounts.access`` and the selectors,
which 404 for anyone else's data), parses the request, calls one action, and renders.
Every rule lives in ``actions``/``timing``; every view takes ONE ``now`` per request."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from grader.django import estimates
from grader.django.models import Submission
from questions.rendering import render_markdown
from quizsite.accounts import access, csvrows
from quizsite.quizzes import (
    actions,
    admission,
    gate,
    gradebook,
    messages,
    presenters,
    selectors,
    timing,
)
from quizsite.quizzes.forms import (
    AddTimeForm,
    AnswerPointsForm,
    AutosaveForm,
    FlagForm,
    RunTestsForm,
)
from quizsite.quizzes.models import Attempt, AttemptStatus, Quiz

# Trial runs of the visible tests per student: enough to iterate, not enough to turn
# the graders into someone's compute farm during a quiz for hundreds.
RUN_TESTS_RATE = "6/m"
# Autosaves per student and attempt: the page saves a choice at once and typing after a
# second's pause, far below this; a script that saves many times a second would fill
# the revision history (``history`` thins it, this bounds how fast it grows).
AUTOSAVE_RATE = "30/m"

# What the pages' scripts show when the request itself fails (refusals by the quiz's
# rules come from ``messages.py`` through ``QuizError``).
SESSION_ENDED = "Your session has ended. Log in again."
RUN_TESTS_LIMITED = "You ran the tests several times just now. Wait a minute and try again."
RUN_FAILED = "The tests could not be run. This is not your fault; try again."
AUTOSAVE_LIMITED = (
    "Saving is paused for a few seconds because this page sent many saves at once. "
    "Your answer is kept on this page and saved automatically."
)


def render_text(text: str) -> str:
    """Staff-written Markdown (quiz instructions) as safe HTML: the one place that
    decides how quiz text is rendered."""
    return render_markdown(text)


def render_title(text: str) -> SafeString:
    """A one-line title with inline Markdown (`code`, *emphasis*) as safe HTML."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - sanitised by render_markdown; only <p> removed


def _with_titles(state: dict[str, Any]) -> dict[str, Any]:
    for q in state["questions"]:
        q["title_html"] = render_title(q["title"])
    return state


def duration_text(value: timedelta | None) -> str:
    """A time limit as people say it: "45 minutes", "1 h 30 min", "37 min 30 s"."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        parts = [f"{hours} h"] if hours else []
        parts += [f"{minutes} min"] if minutes else []
        return " ".join([*parts, f"{seconds} s"])
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def json_login_required(view):
    """For endpoints called by scripts: answer 401 in JSON instead of redirecting a
    fetch() to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {"accepted": False, "message": SESSION_ENDED},
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


def _quiz_in_course(user, course_code: str, quiz_id: int, *, staff: bool = False) -> Quiz:
    """The quiz, for a member (or staff) of its course, reached through that course's
    code; any other combination is a 404."""
    quiz = (selectors.quiz_for_staff if staff else selectors.quiz_for_member)(user, quiz_id)
    if quiz.course.code != course_code:
        raise Http404(selectors.NOT_FOUND)
    return quiz


# --------------------------------------------------------------------------- pages

SECTIONS = (
    ("open", "Open now", "No quiz is open right now."),
    ("upcoming", "Upcoming", "Nothing scheduled yet."),
    ("closed", "Closed", "No closed quizzes."),
)


@login_required
@require_GET
def course(request: HttpRequest, course_code: str) -> HttpResponse:
    the_course = selectors.course_for_member(request.user, course_code)
    now = timezone.now()
    dashboard = selectors.dashboard_for(request.user, the_course, now)
    sections = [
        {"key": key, "heading": heading, "empty": empty, "entries": dashboard[key]}
        for key, heading, empty in SECTIONS
    ]
    for section in sections:
        for entry in section["entries"]:
            entry.limit_text = duration_text(entry.time_limit)
    return render(
        request,
        "quizzes/course.html",
        {
            "course": the_course,
            "tzname": str(dashboard["timezone"]),
            "sections": sections,
            "is_staff": dashboard["is_staff"],
        },
    )


def _in_line(request: HttpRequest, quiz: Quiz, wait: int) -> HttpResponse:
    """A light page for a start the site cannot admit this second: it presses Start
    again by itself in ``wait`` seconds (the status and header say the same to a client)."""
    response = render(
        request,
        "quizzes/start_line.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "wait": wait,
            "message": messages.STARTING_IN_LINE.format(seconds=wait),
        },
        status=503,
    )
    response["Retry-After"] = str(wait)
    # Waiting in line is the site working as meant, not a server error: Django's request
    # log would record every one at ERROR level and drown real faults in a busy minute.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = _quiz_in_course(request.user, course_code, quiz_id)
    now = timezone.now()
    refusal = ""
    if request.method == "POST":
        # The access rules (code, networks) before anything is drawn or resumed.
        refusal = gate.start_refusal(request, quiz)
    if request.method == "POST" and not refusal:
        # A right access code is remembered in the session: the retry needs none.
        wait = admission.start_wait(request)
        if wait:
            return _in_line(request, quiz, wait)
        try:
            the_attempt = actions.start_attempt(quiz, request.user, now=now)
        except actions.QuizError as error:
            refusal = error.message
        else:
            return redirect("quizzes:attempt", attempt_id=the_attempt.pk)
    entry = selectors.quiz_entry(request.user, quiz, now)
    return render(
        request,
        "quizzes/start.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "entry": entry,
            "is_student": access.is_student(request.user, quiz.course),
            "tzname": str(selectors.user_timezone(request.user, quiz.course)),
            "limit_text": duration_text(entry.time_limit),
            "limit_extended": entry.time_limit != quiz.time_limit,
            "instructions_html": render_text(quiz.instructions) if quiz.instructions else "",
            "grace_seconds": int(quiz.grace.total_seconds()),
            "refusal": refusal,
            "needs_code": gate.needs_code(request, quiz),
        },
        status=409 if refusal else 200,
    )


@login_required
@require_GET
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    now = timezone.now()
    state = actions.attempt_view_state(the_attempt, now=now)
    if not state["running"]:
        return redirect("quizzes:results", attempt_id=the_attempt.pk)
    refusal, to_start = gate.attempt_refusal(request, the_attempt, now=now)
    if to_start:
        return redirect(
            "quizzes:start", course_code=the_attempt.quiz.course.code, quiz_id=the_attempt.quiz_id
        )
    if refusal:
        return render(
            request,
            "quizzes/refused.html",
            {"quiz": the_attempt.quiz, "refusal": refusal},
            status=403,
        )
    _with_titles(state)
    presenters.check_titles(the_attempt, state)
    quiz = the_attempt.quiz
    zone = selectors.user_timezone(request.user, quiz.course)
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": the_attempt,
            "quiz": quiz,
            "state": state,
            "nav": presenters.navigation(state),
            "time_left_text": clock_text(state["seconds_left"]),
            "tzname": str(zone),
            "has_code": any(q["type"] == "code" for q in state["questions"]),
            "poll_seconds": settings.QUIZ_TIME_POLL_SECONDS,
        },
    )


def clock_text(seconds: int) -> str:
    """The countdown as first drawn by the server (the script takes over from it)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _autosave_wait(request: HttpRequest, attempt_id: int) -> int:
    """Seconds until this student may save to this attempt again (0: now). Counted per
    student and attempt, so nobody can use up someone else's saves."""
    usage = get_usage(
        request,
        group="quizzes.autosave",
        key=lambda _group, req: f"{req.user.pk}:{attempt_id}",
        rate=AUTOSAVE_RATE,
        method="POST",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return 0
    # The window's last second still belongs to it: the count starts afresh one after.
    return max(0, usage["time_left"]) + 1


@json_login_required
@require_POST
def autosave(request: HttpRequest, attempt_id: int) -> JsonResponse:
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    wait = _autosave_wait(request, the_attempt.pk)
    if wait:
        response = JsonResponse(
            {"accepted": False, "late": False, "message": AUTOSAVE_LIMITED, "retry_after": wait},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    form = AutosaveForm.from_request(request)
    if not form.is_valid():
        return JsonResponse(
            {"accepted": False, "late": False, "message": form.error_text()}, status=400
        )
    now = timezone.now()
    try:
        result = actions.save_answer(
            the_attempt,
            form.cleaned_data["position"],
            form.cleaned_data["value"],
            now=now,
            base_revision=form.cleaned_data["revision"],
            client=form.cleaned_data["client"] or "",
        )
    except actions.QuizError as error:
        return JsonResponse(
            {"accepted": False, "late": False, "message": error.message}, status=400
        )
    if result.accepted:
        status = 200
        seconds_left = result.seconds_left
    elif result.conflict:
        # 409 with "conflict": another tab saved first; the attempt goes on.
        status = 409
        seconds_left = result.seconds_left
    else:
        # 410 Gone: the time is up; 409 Conflict: the attempt was already submitted.
        status = 410 if result.late else 409
        seconds_left = 0
    body = {
        "accepted": result.accepted,
        "late": result.late,
        "conflict": result.conflict,
        "revision": result.revision,
        "saved_at": result.saved_at.isoformat() if result.saved_at else None,
        "message": result.message,
        "seconds_left": seconds_left,
    }
    if result.conflict:
        body["value"] = result.value  # the student's own answer, as saved by the other tab
    return JsonResponse(body, status=status)


@json_login_required
@require_GET
def time_left(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """The open attempt page's light poll (every ``QUIZ_TIME_POLL_SECONDS``, on focus
    and when the network returns): the time left by the server's clock, and, when
    the deadline moved since the deadline (``seen``) and staff-added seconds
    (``added``) the page last knew, the sentence to announce. Reads one row; writes
    nothing (expiry stays with the pages, the saves and the sweep)."""
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    now = timezone.now()
    running = the_attempt.status == AttemptStatus.IN_PROGRESS
    body: dict[str, Any] = {
        "running": running,
        "seconds_left": timing.seconds_left(deadline=the_attempt.deadline, now=now)
        if running
        else 0,
        "deadline": the_attempt.deadline.isoformat(),
        "added_seconds": int(the_attempt.added_time.total_seconds()),
    }
    seen = parse_datetime(request.GET.get("seen", ""))
    seen_added = request.GET.get("added", "")
    if running and seen is not None and seen.tzinfo is not None and seen_added.isdigit():
        change = timing.deadline_change(
            seen=seen,
            deadline=the_attempt.deadline,
            seen_added=timedelta(seconds=int(seen_added)),
            added=the_attempt.added_time,
        )
        if change is not None:
            zone = selectors.user_timezone(request.user, the_attempt.quiz.course)
            ends_at = timezone.localtime(the_attempt.deadline, zone).strftime("%H:%M:%S")
            added = the_attempt.added_time - timedelta(seconds=int(seen_added))
            body["change"] = change
            body["ends_at"] = ends_at
            body["message"] = TIME_CHANGE[change].format(
                added=duration_text(added), ends_at=ends_at.removesuffix(":00")
            )
    return JsonResponse(body)


TIME_CHANGE = {
    "added": messages.TIME_ADDED,
    "later": messages.TIME_LATER,
    "earlier": messages.TIME_EARLIER,
}


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    now = timezone.now()
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        # The page's own countdown submits with auto=1 when it reaches zero; the server
        # refuses it before the deadline (409, the page carries on).
        try:
            actions.submit_from_page(the_attempt, auto=request.POST.get("auto") == "1", now=now)
        except actions.QuizError as error:
            left = timing.seconds_left(deadline=the_attempt.deadline, now=now)
            return JsonResponse(
                {"submitted": False, "early": True, "message": error.message, "seconds_left": left},
                status=409,
            )
        return redirect("quizzes:results", attempt_id=the_attempt.pk)
    state = actions.attempt_view_state(the_attempt, now=now)
    if not state["running"]:
        return redirect("quizzes:results", attempt_id=the_attempt.pk)
    unanswered = [
        number for number, q in enumerate(state["questions"], start=1) if not q["answered"]
    ]
    return render(
        request,
        "quizzes/submit_confirm.html",
        {"attempt": the_attempt, "quiz": the_attempt.quiz, "unanswered": unanswered},
    )


@json_login_required
@require_POST
@ratelimit(key="user", rate=RUN_TESTS_RATE, method="POST", block=False)
def run_tests(request: HttpRequest, attempt_id: int, position: int) -> JsonResponse:
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    if getattr(request, "limited", False):
        return JsonResponse({"message": RUN_TESTS_LIMITED}, status=429)
    form = RunTestsForm.from_request(request)
    if not form.is_valid():
        return JsonResponse({"message": form.error_text()}, status=400)
    now = timezone.now()
    try:
        submission = actions.run_visible_tests(
            the_attempt, position, form.cleaned_data["code"], now=now
        )
    except actions.QuizError as error:
        return JsonResponse({"message": error.message}, status=409)
    return JsonResponse(
        {
            "submission": submission.pk,
            "status_url": reverse("quizzes:submission_status", args=[submission.pk]),
        },
        status=202,
    )


@json_login_required
@require_POST
def flag(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Flag a question for review (or take the flag off), from the attempt page."""
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    form = FlagForm.from_request(request)
    if not form.is_valid():
        return JsonResponse({"message": form.error_text()}, status=400)
    try:
        flagged = actions.flag_question(
            the_attempt,
            form.cleaned_data["position"],
            form.cleaned_data["flagged"],
            now=timezone.now(),
        )
    except actions.QuizError as error:
        return JsonResponse({"message": error.message}, status=409)
    return JsonResponse({"position": form.cleaned_data["position"], "flagged": flagged})


@json_login_required
@require_POST
def check(request: HttpRequest, attempt_id: int, position: int) -> JsonResponse:
    """Homework: grade the saved answer to one question as one of its tries. The page
    then shows the try's result as the attempt page renders it."""
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    now = timezone.now()
    try:
        graded_try = actions.grade_try(the_attempt, position, now=now)
    except actions.QuizError as error:
        return JsonResponse({"message": error.message}, status=409)
    body: dict[str, Any] = {"number": graded_try.number, "status": graded_try.grading_status}
    if graded_try.submission_id is not None:
        body["status_url"] = reverse("quizzes:submission_status", args=[graded_try.submission_id])
    return JsonResponse(body)


@json_login_required
@require_GET
def submission_status(request: HttpRequest, submission_id: int) -> JsonResponse:
    # Only the student's own submissions, and only trial runs show their checks here:
    # an answer's feedback follows the quiz's release policy on the results page.
    submission = get_object_or_404(Submission, pk=submission_id, user=request.user)
    trial = submission.purpose == Submission.Purpose.VISIBLE_TESTS
    body: dict[str, Any] = {"status": submission.status, "done": submission.is_done}
    if trial and submission.status == Submission.Status.GRADED:
        body["checks"] = presenters.trial_checks(submission)
    elif submission.status == Submission.Status.ERROR:
        body["message"] = RUN_FAILED
    elif not submission.is_done and not trial:  # trial runs have workers of their own
        wait = estimates.wait_for([submission.pk], now=timezone.now())
        if wait:
            body["wait"] = estimates.describe(wait)
    return JsonResponse(body)


def _attempt_for_viewer(user, attempt_id: int) -> tuple[Attempt, bool]:
    """(attempt, seen as staff): the student's own attempt, or any attempt of a course
    the user is staff of; a 404 for everyone else."""
    try:
        return selectors.attempt_for_student(user, attempt_id), False
    except Http404:
        return selectors.attempt_for_staff(user, attempt_id), True


@login_required
@require_GET
def results(request: HttpRequest, attempt_id: int) -> HttpResponse:
    the_attempt, viewer_is_staff = _attempt_for_viewer(request.user, attempt_id)
    now = timezone.now()
    state = _with_titles(
        actions.attempt_view_state(the_attempt, now=now, for_staff=viewer_is_staff)
    )
    presenters.review(the_attempt, state, for_staff=viewer_is_staff)
    quiz = the_attempt.quiz
    wait = None
    if state["grading"] == "pending":
        wait = estimates.wait_for(selectors.pending_submissions(the_attempt), now=now)
    return render(
        request,
        "quizzes/results.html",
        {
            "wait": estimates.describe(wait) if wait else "",
            "attempt": the_attempt,
            "quiz": quiz,
            "course": quiz.course,
            "state": state,
            "viewer_is_staff": viewer_is_staff,
            "release_at": actions.latest_close(quiz)
            if quiz.feedback_release == "after_close"
            else None,
            "tzname": str(selectors.user_timezone(request.user, quiz.course)),
        },
    )


def _staff_answer(user, attempt_id: int, position: int):
    """(attempt, answer) for the course's staff; a 404 for everyone else."""
    the_attempt = selectors.attempt_for_staff(user, attempt_id)
    answer = selectors.answer_at(the_attempt, position)
    return the_attempt, answer


@login_required
@require_POST
def set_points(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    the_attempt, answer = _staff_answer(request.user, attempt_id, position)
    form = AnswerPointsForm(request.POST)
    if not form.is_valid():
        flash.error(request, form.error_text())
    else:
        try:
            actions.set_answer_points(
                answer, form.cleaned_data["points"], by=request.user, now=timezone.now()
            )
        except actions.QuizError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, f"Points of question {position} set by hand.")
    return redirect(f"{reverse('quizzes:results', args=[the_attempt.pk])}#r{position}")


@login_required
@require_POST
def regrade(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    the_attempt, answer = _staff_answer(request.user, attempt_id, position)
    try:
        actions.regrade_answer(answer, by=request.user, now=timezone.now())
    except actions.QuizError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, f"Question {position} was sent to the grader again.")
    return redirect(f"{reverse('quizzes:results', args=[the_attempt.pk])}#r{position}")


@login_required
@require_GET
def staff_quiz_grades(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    """The quiz's grades as CSV, one row per enrolled student, for the grade book."""
    quiz = _quiz_in_course(request.user, course_code, quiz_id, staff=True)
    text = csvrows.write_rows(gradebook.HEADER, selectors.gradebook_rows(request.user, quiz))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = slugify(f"{quiz.course.code} {quiz.title}") or f"quiz-{quiz.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-grades.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_quiz(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = _quiz_in_course(request.user, course_code, quiz_id, staff=True)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = AddTimeForm(request.POST)
        if form.is_valid():
            target = selectors.attempt_for_staff(request.user, form.cleaned_data["attempt"])
            if target.quiz_id != quiz.pk:
                raise Http404(selectors.NOT_FOUND)
            try:
                actions.add_time(target, form.cleaned_data["minutes"], by=request.user, now=now)
            except actions.QuizError as exc:
                error = exc.message
            else:
                flash.success(
                    request,
                    f"Added {form.cleaned_data['minutes']} min for {target.user.get_username()}.",
                )
                return redirect("quizzes:staff_quiz", course_code=course_code, quiz_id=quiz.pk)
        else:
            error = form.error_text()
    rows = selectors.staff_attempt_rows(request.user, quiz, now)
    return render(
        request,
        "quizzes/staff_quiz.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "rows": [
                {
                    **row,
                    "left_text": clock_text(row["seconds_left"]),
                    "added_text": duration_text(row["attempt"].added_time),
                }
                for row in rows
            ],
            "to_grade_by_hand": sum(row["attempt"].to_grade_by_hand for row in rows),
            "error": error,
            "limit_text": duration_text(quiz.time_limit),
            "tzname": str(selectors.user_timezone(request.user, quiz.course)),
        },
        status=400 if error else 200,
    )
