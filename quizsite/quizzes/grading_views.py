"""Staff pages of a quiz's attempts: the attempts page (with adding time), the grades
CSV, and grading one answer by hand or sending it to the grader again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizsite.accounts import csvrows
from quizsite.accounts.timezones import display_zone
from quizsite.quizzes import gradebook, selectors
from quizsite.quizzes.actions.answers import (
    set_answer_points,
)
from quizsite.quizzes.actions.attempts import add_time
from quizsite.quizzes.actions.regrades import regrade_answer
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.forms import (
    AddTimeForm,
    AnswerPointsForm,
)
from quizsite.quizzes.view_helpers import clock_text, duration_text


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
            set_answer_points(
                answer, form.cleaned_data["points"], by=request.user, now=timezone.now()
            )
        except QuizError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, f"Points of question {position} set by hand.")
    return redirect(f"{reverse('quizzes:results', args=[the_attempt.pk])}#r{position}")


@login_required
@require_POST
def regrade(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    the_attempt, answer = _staff_answer(request.user, attempt_id, position)
    try:
        regrade_answer(answer, by=request.user, now=timezone.now())
    except QuizError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, f"Question {position} was sent to the grader again.")
    return redirect(f"{reverse('quizzes:results', args=[the_attempt.pk])}#r{position}")


@login_required
@require_GET
def staff_quiz_grades(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    """The quiz's grades as CSV, one row per enrolled student, for the grade book."""
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    text = csvrows.write_rows(gradebook.HEADER, selectors.gradebook_rows(request.user, quiz))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = slugify(f"{quiz.course.code} {quiz.title}") or f"quiz-{quiz.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-grades.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_quiz(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = AddTimeForm(request.POST)
        if form.is_valid():
            target = selectors.attempt_for_staff(request.user, form.cleaned_data["attempt"])
            if target.quiz_id != quiz.pk:
                raise Http404(selectors.NOT_FOUND)
            try:
                add_time(target, form.cleaned_data["minutes"], by=request.user, now=now)
            except QuizError as exc:
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
            "tzname": str(display_zone(request.user, quiz.course)),
        },
        status=400 if error else 200,
    )
