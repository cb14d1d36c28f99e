"""The attempt and results pages' state as plain data (JSON-ready except each
question's ``prompt_html``, which is safe HTML, and the staff entries' datetimes).

Read side: nothing here changes an answer or a score. Building the state first ends an
attempt whose time is up, as every access does, so a page never shows a running
attempt that is already over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from quizsite.quizzes import content, feedback_rules, grading, messages, timing
from quizsite.quizzes.actions.attempts import expire_if_due
from quizsite.quizzes.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradingStatus,
    QuestionFeedback,
    Quiz,
)
from quizsite.quizzes.visibility import question_feedback, results_visible

_STATUS_MESSAGES: dict[str, str] = {
    GradingStatus.FAILED: messages.GRADING_FAILED,
    GradingStatus.HAND: messages.AWAITING_HAND_GRADING,
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def attempt_view_state(
    attempt: Attempt, *, now: datetime, for_staff: bool = False
) -> dict[str, Any]:
    """Everything the attempt and results pages need. Expires the attempt first if it
    is due.

    ``for_staff``: the course's staff see scores and feedback whatever the release
    policy (the caller has checked that the viewer is staff of the course), and each
    question carries a ``staff`` entry for hand grading (not JSON-ready: a datetime)."""
    quiz = attempt.quiz
    expire_if_due(attempt, now=now)
    aqs = AttemptQuestion.objects.with_answers().filter(attempt=attempt).order_by("position")
    if for_staff:
        aqs = aqs.select_related("answer__graded_by", "regraded_by")
    if quiz.is_homework:
        aqs = aqs.prefetch_related("answer__graded_tries")
    released = results_visible(attempt, now=now)
    visible = released or for_staff
    per_question = question_feedback(quiz)
    questions = []
    for aq in aqs:
        shown = per_question.get(aq.question_version.question_id)
        question = content.shown(aq)
        item = _question_item(aq, question, shown)
        if quiz.is_homework:
            item.update(_tries(quiz, aq.answer))
        item["result"] = _result(attempt, aq, shown, visible=visible)
        if item["result"] is not None and not quiz.is_homework:
            # Before release, only what staff chose for this question.
            item["result"] = feedback_rules.visible_result(
                item["result"],
                before_release=shown.before_release if shown else feedback_rules.NOTHING,
                released=released,
                for_staff=for_staff,
            )
        if for_staff:
            item["staff"] = _staff_entry(attempt, aq, question)
        questions.append(item)
    statuses = [q["result"]["status"] for q in questions if q["result"]]
    return {
        **_attempt_fields(attempt, now=now),
        "results_visible": visible,
        "released": released,  # whether the student sees them
        "score": attempt.score if visible else None,
        "grading": grading.overall_state(statuses) if visible else "",
        "questions": questions,
    }


def _attempt_fields(attempt: Attempt, *, now: datetime) -> dict[str, Any]:
    quiz = attempt.quiz
    running = attempt.status == AttemptStatus.IN_PROGRESS
    return {
        "attempt_id": attempt.pk,
        "quiz_id": quiz.pk,
        "quiz_title": quiz.title,
        "number": attempt.number,
        "status": attempt.status,
        "running": running,
        "submitted_by": attempt.submitted_by,
        "submitted_at": _iso(attempt.submitted_at),
        "is_homework": quiz.is_homework,
        "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline),
        "server_now": _iso(now),
        "seconds_left": timing.seconds_left(deadline=attempt.deadline, now=now) if running else 0,
        "grace_seconds": int(quiz.grace.total_seconds()),
        "accepts_saves": running
        and timing.accepts_save(deadline=attempt.deadline, grace=quiz.grace, now=now),
        "max_score": attempt.max_score,
    }


def _question_item(aq: AttemptQuestion, question, shown: QuestionFeedback | None) -> dict:
    """One question as the student sees it, with their answer."""
    answer = aq.answer
    options = content.option_order(question, aq.seed)
    return {
        "position": aq.position,
        "type": question.type,
        "title": question.title,
        "prompt_html": content.prompt_html(question, aq.question_version_id),
        "points": aq.points,
        "options": options,
        # For display: each option's value (what a save sends) and its inline Markdown
        # rendered as safe HTML.
        "choices": [{"value": o, "html": content.inline_html(o)} for o in options],
        "value": answer.value,
        "revision": answer.revision,
        "flagged": answer.flagged,
        "saved_at": _iso(answer.saved_at),
        "starter": content.starter_code(question),
        "answered": grading.is_answered(answer.value, content.starter_code(question)),
        "essay": content.essay_settings(question),
        "has_visible_tests": bool(question.code and any(not t.hidden for t in question.code.tests))
        and feedback_rules.trial_runs_allowed(shown.during if shown else ""),
        "result": None,
    }


def _tries(quiz: Quiz, answer: Answer) -> dict[str, Any]:
    """A homework answer's graded tries."""
    return {
        "tries_used": answer.tries,
        "tries_left": max(0, quiz.homework_tries - answer.tries),
        "tries": [
            {
                "number": t.number,
                "points": t.points,
                "status": t.grading_status,
                "feedback": t.feedback,
            }
            for t in answer.graded_tries.all()
        ],
    }


def _result(
    attempt: Attempt, aq: AttemptQuestion, shown: QuestionFeedback | None, *, visible: bool
) -> dict[str, Any] | None:
    """The answer's score and feedback, or None while the viewer may not see them."""
    answer = aq.answer
    before_release = shown.before_release if shown else feedback_rules.NOTHING
    early = attempt.status == AttemptStatus.SUBMITTED and before_release != feedback_rules.NOTHING
    if not (visible or (attempt.quiz.is_homework and answer.tries) or early):
        return None
    return {
        "points": answer.points,
        "status": answer.grading_status,
        "message": _STATUS_MESSAGES.get(answer.grading_status, ""),
        "feedback": answer.feedback,
        # The prompt above stays the version answered; the points are not.
        "regraded": messages.REGRADED if aq.graded_with_id else "",
    }


def _staff_entry(attempt: Attempt, aq: AttemptQuestion, question) -> dict[str, Any]:
    """What staff need to grade the answer by hand or regrade it."""
    answer = aq.answer
    submitted = attempt.status == AttemptStatus.SUBMITTED
    return {
        "answer_id": answer.pk,
        "graded_by": answer.graded_by.get_username() if answer.graded_by else "",
        "graded_by_hand_at": answer.graded_by_hand_at,  # for the staff page only
        "regraded_with": aq.graded_with.number if aq.graded_with else None,
        "regraded_by": aq.regraded_by.get_username() if aq.regraded_by else "",
        "regraded_at": aq.regraded_at,
        "can_set_points": submitted,
        "grader_info_html": content.grader_info_html(question),
        "can_regrade": submitted
        and not attempt.quiz.is_homework
        and question.type == "code"
        and answer.grading_status != GradingStatus.PENDING,
    }
