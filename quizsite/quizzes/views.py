"""Quiz pages. Each view authorizes (``quizsite.accounts.access`` and the selectors,
which 404 for anyone else's data), parses the request, calls one action, and renders.
Every rule lives in ``actions``/``timing``; every view takes ONE ``now`` per request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from quizsite.accounts import access
from quizsite.accounts.requests import AuthenticatedRequest
from quizsite.accounts.timezones import display_zone
from quizsite.grading import estimates
from quizsite.quizzes import admission, gate, messages, presenters, selectors
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Attempt, Quiz
from quizsite.quizzes.view_helpers import (
    clock_text,
    duration_text,
    json_login_required,
    render_text,
    with_titles,
)
from quizsite.quizzes.visibility import latest_close

SECTIONS = (
    ("open", "Open now", "No quiz is open right now."),
    ("upcoming", "Upcoming", "Nothing scheduled yet."),
    ("closed", "Closed", "No closed quizzes."),
)


@login_required
@require_GET
def course(request: AuthenticatedRequest, course_code: str) -> HttpResponse:
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


def _in_line(request: AuthenticatedRequest, quiz: Quiz, wait: int) -> HttpResponse:
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
def start(request: AuthenticatedRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id)
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
            the_attempt = start_attempt(quiz, request.user, now=now)
        except QuizError as error:
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
            "tzname": str(display_zone(request.user, quiz.course)),
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
def attempt(request: AuthenticatedRequest, attempt_id: int) -> HttpResponse:
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    now = timezone.now()
    state = attempt_view_state(the_attempt, now=now)
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
    with_titles(state)
    presenters.check_titles(the_attempt, state)
    quiz = the_attempt.quiz
    zone = display_zone(request.user, quiz.course)
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


def _attempt_for_viewer(user, attempt_id: int) -> tuple[Attempt, bool]:
    """(attempt, seen as staff): the student's own attempt, or any attempt of a course
    the user is staff of; a 404 for everyone else."""
    try:
        return selectors.attempt_for_student(user, attempt_id), False
    except Http404:
        return selectors.attempt_for_staff(user, attempt_id), True


@json_login_required
@require_GET
def results_progress(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """What the results page asks while code answers are graded, instead of the whole
    page: how many of the attempt's answers are still being graded, the sentence
    about the wait, and when to ask again. The page fetches itself again only when
    the number changes. Reads a few rows; renders nothing."""
    the_attempt, _ = _attempt_for_viewer(request.user, attempt_id)
    now = timezone.now()
    pending = selectors.pending_answers(the_attempt)
    wait = (
        estimates.wait_for(selectors.pending_submissions(the_attempt), now=now) if pending else None
    )
    return JsonResponse(
        {
            "pending": pending,
            "wait": estimates.describe(wait) if wait else "",
            "poll_after": estimates.poll_after(wait),
        }
    )


@login_required
@require_GET
def results(request: AuthenticatedRequest, attempt_id: int) -> HttpResponse:
    the_attempt, viewer_is_staff = _attempt_for_viewer(request.user, attempt_id)
    now = timezone.now()
    state = with_titles(attempt_view_state(the_attempt, now=now, for_staff=viewer_is_staff))
    presenters.review(the_attempt, state, for_staff=viewer_is_staff)
    quiz = the_attempt.quiz
    wait = None
    pending = 0
    if state["grading"] == "pending":
        # Counted as results_progress counts it: the page compares the two.
        pending = selectors.pending_answers(the_attempt)
        wait = estimates.wait_for(selectors.pending_submissions(the_attempt), now=now)
    return render(
        request,
        "quizzes/results.html",
        {
            "wait": estimates.describe(wait) if wait else "",
            "pending": pending,
            "attempt": the_attempt,
            "quiz": quiz,
            "course": quiz.course,
            "state": state,
            "viewer_is_staff": viewer_is_staff,
            "release_at": latest_close(quiz) if quiz.feedback_release == "after_close" else None,
            "tzname": str(display_zone(request.user, quiz.course)),
        },
    )
