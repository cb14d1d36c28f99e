"""Pages where a course's staff set quizzes up: create and edit a quiz and its pools,
give students or groups extra time or another window, release results by hand; and
the quiz's question statistics, where a question fixed mid-term can be regraded.

Like every view here: authorize, parse, call one function of ``actions``, render."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizsite.accounts.forms import wall_clock
from quizsite.accounts.requests import AuthenticatedRequest
from quizsite.quizzes import content, plots, presenters, selectors
from quizsite.quizzes.actions import overrides as override_actions
from quizsite.quizzes.actions import regrades
from quizsite.quizzes.actions.quizzes import release_feedback, save_quiz
from quizsite.quizzes.forms import OverrideForm, QuizForm, pool_formset, pools_from
from quizsite.quizzes.models import FeedbackRelease, Quiz, QuizOverride
from quizsite.quizzes.statistics import MIN_ATTEMPTS_FOR_DISCRIMINATION
from quizsite.quizzes.view_helpers import duration_text, render_title


def _override_for(override: QuizOverride) -> str:
    """Whom an override is for: one student, else one group (the model's constraint)."""
    if override.user is not None:
        return override.user.get_username()
    if override.group is None:
        raise ValueError(f"override {override.pk} is for no one")
    return f"Group: {override.group.name}"


def _moved_text(moved: int) -> str:
    return f" The deadline of {moved} running attempt(s) moved." if moved else ""


@login_required
@require_http_methods(["GET", "POST"])
def edit_quiz(
    request: AuthenticatedRequest, course_code: str, quiz_id: int | None = None
) -> HttpResponse:
    if quiz_id is None:
        course = selectors.course_for_staff(request.user, course_code)
        quiz = Quiz(course=course)
    else:
        quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
        course = quiz.course
    data = request.POST if request.method == "POST" else None
    now = timezone.now()
    form = QuizForm(data, instance=quiz, course=course, now=now)
    pools = pool_formset(data, quiz=quiz if quiz.pk else None)
    if data is not None and form.is_valid() and pools.is_valid():
        moved = save_quiz(form.save(commit=False), pools_from(pools), now=now)
        flash.success(request, f"Saved {quiz.title}.{_moved_text(moved)}")
        return redirect("quizzes:staff_quiz", course_code=course.code, quiz_id=quiz.pk)
    return render(
        request,
        "quizzes/quiz_edit.html",
        {
            "course": course,
            "quiz": quiz if quiz.pk else None,
            "form": form,
            "pools": pools,
            "previews": presenters.question_previews(
                [e.pk for e in pools.form_kwargs["catalogue"].entries]
            ),
        },
        status=400 if data is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def overrides(request: AuthenticatedRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    course = quiz.course
    form = OverrideForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _, moved = override_actions.save_override(
            quiz,
            user=d.get("user"),
            group=d.get("group"),
            extra_minutes=d["extra_minutes"],
            extra_percent=d["extra_percent"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            access_code=d["access_code"],
            allowed_networks=d.get("allowed_networks", ""),
            one_device=d.get("one_device"),
            now=timezone.now(),
        )
        who = d["user"].get_username() if d.get("user") else f"group {d['group'].name}"
        flash.success(request, f"Saved the override for {who}.{_moved_text(moved)}")
        return redirect("quizzes:overrides", course_code=course.code, quiz_id=quiz.pk)
    tz = course.tz
    rows = [
        {
            "override": o,
            "who": _override_for(o),
            "opens": wall_clock(o.opens_at, tz),
            "closes": wall_clock(o.closes_at, tz),
        }
        for o in selectors.overrides_of(quiz)
    ]
    return render(
        request,
        "quizzes/overrides.html",
        {
            "course": course,
            "quiz": quiz,
            "form": form,
            "rows": rows,
            "limit_text": duration_text(quiz.time_limit),
            "tzname": course.timezone,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def delete_override(
    request: AuthenticatedRequest, course_code: str, quiz_id: int, override_id: int
) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    override = selectors.override_for_staff(request.user, quiz, override_id)
    moved = override_actions.delete_override(override, now=timezone.now())
    flash.success(request, f"Override removed.{_moved_text(moved)}")
    return redirect("quizzes:overrides", course_code=course_code, quiz_id=quiz.pk)


@login_required
@require_POST
def release(request: AuthenticatedRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    if quiz.feedback_release != FeedbackRelease.MANUAL:
        flash.error(request, "This quiz releases its results by itself.")
    else:
        release_feedback(quiz, now=timezone.now())
        flash.success(request, "Results released: students see their scores and feedback now.")
    return redirect("quizzes:staff_quiz", course_code=course_code, quiz_id=quiz.pk)


@login_required
@require_GET
def quiz_statistics(request: AuthenticatedRequest, course_code: str, quiz_id: int) -> HttpResponse:
    """How each question did over the submitted attempts (item analysis)."""
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    stats = selectors.quiz_statistics(request.user, quiz)
    for question in stats["questions"]:
        question["title_html"] = render_title(question["title"])
        for row in question["rows"]:
            for option in row.get("options", ()):
                # Options are the bank's Markdown; a stored value that is no option
                # shown is a student's own text and stays plain (the template escapes it).
                if not option["unknown"]:
                    option["html"] = content.inline_html(option["text"])
    return render(
        request,
        "quizzes/statistics.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "stats": stats,
            "min_attempts": MIN_ATTEMPTS_FOR_DISCRIMINATION,
            **_statistics_plots(quiz, stats, selectors.attempt_figures(request.user, quiz)),
        },
    )


def _statistics_plots(quiz: Quiz, stats: dict, figures: list[tuple[float, float]]) -> dict:
    """The statistics page's three pictures: scores, time used, and each question's
    difficulty against its discrimination (the all-versions figures when a question
    was seen in several versions, as in the table)."""
    used = [minutes for _, minutes in figures]
    limit = quiz.time_limit.total_seconds() / 60 if quiz.time_limit else None
    top, bins = plots.minutes_axis(limit, used)
    return {
        "score_plot": plots.histogram(
            [score for score, _ in figures], low=0, high=100, bins=10, unit="%"
        ),
        "time_plot": plots.histogram(used, low=0, high=top, bins=bins, unit=" min"),
        "item_plot": plots.scatter(
            [
                (q["title"], row["mean_percent"], row["discrimination"])
                for q in stats["questions"]
                for row in [q["overall"] or q["rows"][-1]]
            ]
        ),
    }


@login_required
@require_POST
def regrade_question(
    request: AuthenticatedRequest, course_code: str, quiz_id: int, question_id: int
) -> HttpResponse:
    """Regrade the submitted answers to a question with its current (corrected)
    version: without ``confirm=yes`` a preview of the effect, with it the regrade."""
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    question = selectors.question_of_quiz(request.user, quiz, question_id)
    version = question.current
    if version is None:  # question_of_quiz finds only questions with a current version
        raise Http404(selectors.NOT_FOUND)
    statistics_url = reverse("quizzes:statistics", args=[course_code, quiz.pk])
    if request.POST.get("version") != str(version.number):
        # The bank changed between the statistics page and this click.
        flash.error(request, f"This question is at version {version.number} now; look again.")
        return redirect(statistics_url)
    confirm = request.POST.get("confirm") == "yes"
    summary = regrades.regrade_question(
        quiz, question, version, by=request.user, now=timezone.now(), dry_run=not confirm
    )
    if confirm:
        flash.success(
            request,
            f"Regraded {summary.regraded} answer(s) to {question.title} with version "
            f"{version.number}; {summary.by_hand} graded by hand kept."
            + (f" {summary.to_grader} sent to the grader." if summary.to_grader else ""),
        )
        return redirect(f"{statistics_url}#q{question.pk}")
    return render(
        request,
        "quizzes/regrade_confirm.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "question": question,
            "title_html": render_title(question.title),
            "summary": summary,
        },
    )
