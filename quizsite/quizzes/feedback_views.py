"""Staff: what students see of each question, during the attempt and after it until
results are released (see ``feedback_rules``).

Like every view here: authorize, parse, call one write-side function, render."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizsite.quizzes import feedback_selectors, feedback_settings, selectors
from quizsite.quizzes.models import BeforeRelease, DuringAttempt


@login_required
@require_http_methods(["GET", "POST"])
def question_feedback(request: HttpRequest, course_code: str, quiz_id: int) -> HttpResponse:
    quiz = selectors.quiz_in_course(request.user, course_code, quiz_id, staff=True)
    questions = feedback_selectors.drawable_questions(request.user, quiz)
    if request.method == "POST":
        during_ok, before_ok = set(DuringAttempt.values), set(BeforeRelease.values)
        chosen = {}
        for q in questions:
            during = request.POST.get(f"during-{q.pk}", q.during)
            before = request.POST.get(f"before-{q.pk}", q.before_release)
            if during in during_ok and before in before_ok:
                chosen[q.pk] = (during, before)
        changed = feedback_settings.save_question_feedback(quiz, chosen)
        flash.success(request, f"Saved. {changed} question(s) differ from the defaults.")
        return redirect("quizzes:question_feedback", course_code=course_code, quiz_id=quiz.pk)
    return render(
        request,
        "quizzes/question_feedback.html",
        {
            "course": quiz.course,
            "quiz": quiz,
            "questions": questions,
            "during_choices": DuringAttempt.choices,
            "before_choices": BeforeRelease.choices,
        },
    )
