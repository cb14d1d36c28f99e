"""Homework tries: each graded try of an answer recorded, and the answer's score
combined from its tries by the quiz's policy (best or last)."""

from __future__ import annotations

from datetime import datetime

from quizsite.grading.priorities import priority_for
from quizsite.quizzes import grading
from quizsite.quizzes.actions.scores import grade_now
from quizsite.quizzes.models import Answer, AnswerTry, Attempt, AttemptQuestion


def final_tries(attempt: Attempt, aqs: list[AttemptQuestion], now: datetime) -> None:
    """At the due date, grade each saved answer that was changed since its last try
    (or never tried), if tries are left."""
    quiz = attempt.quiz
    for aq in aqs:
        answer = aq.answer
        if grading.is_blank(answer.value) or answer.tries >= quiz.homework_tries:
            continue
        last = answer.graded_tries.order_by("-number").first()
        if last is not None and last.value == answer.value:
            continue
        record_try(attempt, aq, answer, now)


def record_try(attempt: Attempt, aq: AttemptQuestion, answer: Answer, now: datetime) -> AnswerTry:
    priority = priority_for(timed=False, cutoff=None, regrade=False, now=now)
    status, points, submission = grade_now(aq, answer.value, attempt.user, priority=priority)
    answer.tries += 1
    graded_try = AnswerTry.objects.create(
        answer=answer,
        number=answer.tries,
        value=answer.value,
        created_at=now,
        points=points,
        grading_status=status,
        submission=submission,
    )
    combine_homework(answer, attempt.quiz.homework_policy)
    answer.save(update_fields=["tries", "points", "grading_status", "feedback", "submission"])
    return graded_try


def combine_homework(answer: Answer, policy: str) -> None:
    tries = list(answer.graded_tries.order_by("number"))
    answer.grading_status, answer.points = grading.combine_tries(
        ((t.grading_status, t.points) for t in tries), policy
    )
    if tries:
        counted = tries[-1]
        if policy != "last" and answer.grading_status == grading.GRADED:
            counted = max(tries, key=lambda t: (t.points or 0.0, t.number))
        answer.feedback = counted.feedback
        answer.submission = counted.submission
