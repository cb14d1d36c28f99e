"""Exam integrity pages: code similarity per code question (ranked pairs, two answers
side by side with what they share marked); an attempt's activity timeline and its
devices, for staff; the endpoint an attempt page reports its activity to.

Like every view here: authorize, parse, call one write-side function, render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from grader import similarity
from quizsite import clientip
from quizsite.quizzes import activity, integrity, integrity_selectors, selectors, similarity_runs
from quizsite.quizzes.models import Answer, SimilarityRun
from quizsite.quizzes.view_helpers import json_login_required

if TYPE_CHECKING:
    from quizsite.quizzes.integrity_selectors import CodeQuestion


def _who(answer: Answer, quiz_id: int) -> dict:
    """How the page names an answer: this quiz's by student; another course's (the
    archive) only by course and quiz, since this course's staff need not see who."""
    attempt = answer.attempt_question.attempt
    if attempt.quiz_id == quiz_id:
        return {"name": attempt.user.get_username(), "attempt": attempt, "archived": False}
    return {
        "name": f"{attempt.quiz.course.code}, {attempt.quiz.title} (answer {answer.pk})",
        "attempt": None,
        "archived": True,
    }


@login_required
@require_http_methods(["GET", "POST"])
def similarity_page(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    questions = integrity_selectors.code_questions_of(request.user, quiz)
    by_id = {q.pk: q for q in questions}
    if request.method == "POST":
        question = _pick(by_id, request.POST.get("question"))
        if question is None:
            flash.error(request, "Pick one of the quiz's code questions.")
        else:
            integrity.request_similarity_run(
                quiz,
                question.question,
                include_archive=request.POST.get("archive") == "yes",
                by=request.user,
                now=timezone.now(),
            )
            flash.success(request, f"Comparing the answers to {question.title}.")
        target = f"?question={question.pk}" if question else ""
        return redirect(reverse("quizzes:similarity", args=[course_code, quiz.pk]) + target)
    chosen = _pick(by_id, request.GET.get("question")) or (questions[0] if questions else None)
    run = chosen.last_run if chosen else None
    pairs = (
        integrity_selectors.similarity_pairs(run) if run and run.status == run.Status.DONE else []
    )
    return render(
        request,
        "quizzes/similarity.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "questions": questions,
            "chosen": chosen,
            "run": run,
            "stale": bool(run and similarity_runs.is_stale(run, now=timezone.now())),
            "pairs": [
                {
                    "pair": p,
                    "a": _who(p.answer_a, quiz.pk),
                    "b": _who(p.answer_b, quiz.pk),
                }
                for p in pairs
            ],
        },
    )


@login_required
@require_GET
def similarity_status(
    request: HttpRequest, course_code: str, quiz_id: int, run_id: int
) -> JsonResponse:
    """The progress of a run, for the page's polling."""
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    run = integrity_selectors.similarity_run(request.user, quiz, run_id)
    return JsonResponse(
        {
            "status": run.status,
            "done": run.done,
            "total": run.total,
            "finished": run.status in (SimilarityRun.Status.DONE, SimilarityRun.Status.FAILED)
            or similarity_runs.is_stale(run, now=timezone.now()),
        }
    )


def _lines(source: str, marked: frozenset[int]) -> list[dict]:
    return [
        {"number": n, "text": text, "shared": n in marked}
        for n, text in enumerate(source.splitlines() or [""], 1)
    ]


@login_required
@require_GET
def similarity_pair(
    request: HttpRequest, course_code: str, quiz_id: int, run_id: int, rank: int
) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    pair = integrity_selectors.similarity_pair(request.user, quiz, run_id, rank)
    a = pair.answer_a.value if isinstance(pair.answer_a.value, str) else ""
    b = pair.answer_b.value if isinstance(pair.answer_b.value, str) else ""
    starter, reference = similarity_runs.given_code(
        {
            pair.answer_a.attempt_question.question_version_id,
            pair.answer_b.attempt_question.question_version_id,
        }
    )
    match = similarity.matching_lines(a, b, starter=starter, reference=reference)
    return render(
        request,
        "quizzes/similarity_pair.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "pair": pair,
            "sides": [
                {
                    **_who(pair.answer_a, quiz.pk),
                    "lines": _lines(a, match.lines_a),
                    "share": pair.share_a,
                },
                {
                    **_who(pair.answer_b, quiz.pk),
                    "lines": _lines(b, match.lines_b),
                    "share": pair.share_b,
                },
            ],
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _pick(by_id: dict[int, CodeQuestion], value: str | None) -> CodeQuestion | None:
    """The question whose id was sent, if it is one of ``by_id``."""
    number = _int(value)
    return by_id.get(number) if number is not None else None


# ------------------------------------------------------------------ activity log


@json_login_required
@require_POST
@ratelimit(
    key=lambda _group, request: str(request.user.pk),
    rate=f"{activity.MAX_POSTS_PER_MINUTE}/m",
    method="POST",
    block=False,
)
def activity_report(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """What the attempt page reports about itself (see ``activity``). Never an error
    the student sees: the script drops a refused report."""
    the_attempt = selectors.attempt_for_student(request.user, attempt_id)
    if getattr(request, "limited", False):
        return JsonResponse({"stored": 0, "message": "too many reports"}, status=429)
    now = timezone.now()
    try:
        events = activity.parse_report(request.body, now=now)
    except activity.BadReport as problem:
        return JsonResponse({"stored": 0, "message": str(problem)}, status=400)
    stored = integrity.record_activity(
        the_attempt,
        events,
        session_key=request.session.session_key,
        address=clientip.client_ip(request),
        browser=request.META.get("HTTP_USER_AGENT", ""),
        now=now,
    )
    return JsonResponse({"stored": stored})


@login_required
@require_GET
def attempt_activity(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Staff: the attempt's timeline and the browser sessions that opened it."""
    the_attempt = selectors.attempt_for_staff(request.user, attempt_id)
    course = the_attempt.quiz.course
    return render(
        request,
        "quizzes/activity.html",
        {
            "attempt": the_attempt,
            "quiz": the_attempt.quiz,
            "course": course,
            "tzname": str(course.tz),
            **integrity_selectors.activity_of(the_attempt),
        },
    )


@login_required
@require_POST
def allow_device(request: HttpRequest, attempt_id: int, session_id: int) -> HttpResponse:
    the_attempt = selectors.attempt_for_staff(request.user, attempt_id)
    session = integrity_selectors.attempt_session(the_attempt, session_id)
    integrity.allow_device(the_attempt, session.pk, by=request.user, now=timezone.now())
    flash.success(request, "That device may now open the attempt.")
    return redirect("quizzes:attempt_activity", attempt_id=the_attempt.pk)
