"""What the attempt page's scripts call: autosave, the time-left poll, submit, trial
runs, flags, homework checks and a submission's status. Each authorizes through the
selectors (404 for anyone else's attempt), parses, calls one action and answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from quizsite.accounts.timezones import display_zone
from quizsite.grading import estimates
from quizsite.grading.models import Submission
from quizsite.quizzes import messages, presenters, selectors, timing
from quizsite.quizzes.actions.answers import (
    flag_question,
    grade_try,
    save_answer,
)
from quizsite.quizzes.actions.attempts import submit_from_page
from quizsite.quizzes.actions.trials import run_visible_tests
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.forms import (
    AutosaveForm,
    FlagForm,
    RunTestsForm,
)
from quizsite.quizzes.models import AttemptStatus
from quizsite.quizzes.view_helpers import duration_text, json_login_required

# Trial runs of the visible tests per student: enough to iterate, not enough to turn
# the graders into someone's compute farm during a quiz for hundreds.
RUN_TESTS_RATE = "6/m"


# Autosaves per student and attempt: the page saves a choice at once and typing after a
# second's pause, far below this; a script that saves many times a second would fill
# the revision history (``history`` thins it, this bounds how fast it grows).
AUTOSAVE_RATE = "30/m"


RUN_TESTS_LIMITED = "You ran the tests several times just now. Wait a minute and try again."


RUN_FAILED = "The tests could not be run. This is not your fault; try again."


AUTOSAVE_LIMITED = (
    "Saving is paused for a few seconds because this page sent many saves at once. "
    "Your answer is kept on this page and saved automatically."
)


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
        result = save_answer(
            the_attempt,
            form.cleaned_data["position"],
            form.cleaned_data["value"],
            now=now,
            base_revision=form.cleaned_data["revision"],
            client=form.cleaned_data["client"] or "",
        )
    except QuizError as error:
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
    if result.deadline is not None:
        # What the page compares with the deadline it knows (see time_left).
        body["deadline"] = result.deadline.isoformat()
        body["added_seconds"] = result.added_seconds
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
            zone = display_zone(request.user, the_attempt.quiz.course)
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
            submit_from_page(the_attempt, auto=request.POST.get("auto") == "1", now=now)
        except QuizError as error:
            left = timing.seconds_left(deadline=the_attempt.deadline, now=now)
            return JsonResponse(
                {"submitted": False, "early": True, "message": error.message, "seconds_left": left},
                status=409,
            )
        return redirect("quizzes:results", attempt_id=the_attempt.pk)
    state = attempt_view_state(the_attempt, now=now)
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
        submission = run_visible_tests(the_attempt, position, form.cleaned_data["code"], now=now)
    except QuizError as error:
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
        flagged = flag_question(
            the_attempt,
            form.cleaned_data["position"],
            form.cleaned_data["flagged"],
            now=timezone.now(),
        )
    except QuizError as error:
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
        graded_try = grade_try(the_attempt, position, now=now)
    except QuizError as error:
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
