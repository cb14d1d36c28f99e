"""Trial runs: a student runs their code against the visible tests; graded like an
answer, never counted."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from quizsite.grading.models import Submission
from quizsite.quizzes import content, feedback_rules, messages
from quizsite.quizzes.actions.attempts import running_question
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.visibility import question_feedback


def run_visible_tests(attempt: Attempt, position: int, code: str, *, now: datetime) -> Submission:
    """A trial run on the visible tests: graded like an answer, never counted."""
    aq = running_question(attempt, position, now)
    if aq.question_version.question.type != "code":
        raise QuizError(messages.NOT_CODE)
    shown = question_feedback(attempt.quiz).get(aq.question_version.question_id)
    if shown and not feedback_rules.trial_runs_allowed(shown.during):
        raise QuizError(messages.NO_TRIAL_RUNS)
    try:
        code = content.normalise_value("code", code)
    except ValueError:
        raise QuizError(messages.BAD_VALUE) from None

    from quizsite.grading.actions import submit_code, trial_budget_used

    if trial_budget_used(attempt.user, now=now):
        raise QuizError(
            messages.TRIAL_BUDGET_USED.format(
                seconds=settings.GRADER_TRIAL_SECONDS,
                minutes=settings.GRADER_TRIAL_WINDOW_SECONDS // 60,
            )
        )
    return submit_code(
        aq.question_version,
        code or "",
        user=attempt.user,
        seed=aq.seed,
        purpose=Submission.Purpose.VISIBLE_TESTS,
    )
