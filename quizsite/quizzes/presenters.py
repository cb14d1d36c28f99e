"""Read-side view state for the quiz pages, built from what ``attempt_state.attempt_view_state``
returns: the question list of the attempt page, and the review of each question on the
results page (prompt, the answer as typed, the correct answer and explanation when the
quiz's review options allow, checks by their authored titles).

Nothing here writes; nothing here shows a hidden test's content or reference code."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions import format as qformat
from quizsite.grading.models import Submission
from quizsite.quizzes import content, grading
from quizsite.quizzes.models import AnswerReview, Attempt, AttemptQuestion, Quiz

log = logging.getLogger(__name__)


def navigation(state: dict[str, Any]) -> dict[str, int]:
    """Mark each question of the attempt page answered or not and link it to its
    neighbours; returns the counts the question list shows."""
    questions = state["questions"]
    for index, q in enumerate(questions):
        q["answered"] = grading.is_answered(q["value"], q.get("starter", ""))
        q["previous"] = questions[index - 1]["position"] if index else None
        q["next"] = questions[index + 1]["position"] if index + 1 < len(questions) else None
    return {
        "total": len(questions),
        "answered": sum(q["answered"] for q in questions),
        "flagged": sum(bool(q.get("flagged")) for q in questions),
    }


def answers_shown(quiz: Quiz, *, submitted: bool, released: bool, for_staff: bool) -> bool:
    """May the viewer see the correct answers and explanations? Staff always; a
    student per the quiz's review option, and never while the attempt runs."""
    if for_staff:
        return True
    if not submitted:
        return False
    if quiz.show_answers == AnswerReview.AFTER_SUBMISSION:
        return True
    if quiz.show_answers == AnswerReview.WITH_RESULTS:
        return released
    return False


@dataclass(frozen=True)
class Review:
    """One question's review on the results page."""

    answer_html: SafeString | str  # the choices as rendered on the attempt page
    correct: list[SafeString] | None  # None: not shown (or none to show: code)
    correct_note: str
    explanation_html: SafeString | str


def _correct(question: qformat.Question, seed: int) -> tuple[list[SafeString] | None, str]:
    """The correct answer(s) as safe HTML, and a note on how they are matched. Code
    questions have none to show: their reference solution stays with the staff."""
    if question.type == "choice":
        return [content.inline_html(question.answer)], ""
    if question.type == "multi":
        order = content.option_order(question, seed)
        right = [o for o in order if o in question.answers]
        return [content.inline_html(o) for o in right], ""
    if question.type == "numeric":
        note = ""
        if question.tolerance:
            note = f"Answers within ±{question.tolerance:g} count."
        elif question.rel_tolerance:
            note = f"Answers within {question.rel_tolerance * 100:g}% count."
        return [escape(f"{question.answer:g}")], note
    if question.type == "text":
        note = "" if question.case_sensitive else "Upper and lower case are not told apart."
        return [escape(a) for a in question.answers], note
    return None, ""


def _answer_html(q: dict[str, Any]) -> SafeString | str:
    """The student's choice(s) rendered as the options were shown; text and code are
    left to the template, which prints them exactly as typed."""
    value = q["value"]
    if q["type"] == "choice" and isinstance(value, str) and value:
        return content.inline_html(value)
    if q["type"] == "multi" and isinstance(value, list):
        # Each part is sanitised HTML; only the separators are added.
        return mark_safe(", ".join(content.inline_html(v) for v in value))  # noqa: S308
    return ""


def _with_titles(feedback: list[dict[str, Any]], question: qformat.Question) -> list[dict]:
    """The grader's check lines with the titles authored in the bank (a test or check
    without one keeps its name). Only titles are added: a hidden test's expression or
    case never reaches the page."""
    if question.code is None:
        return feedback
    labels = {t.name: t.label for t in question.code.tests}
    labels |= {k.name: k.label for k in question.code.checks}
    return [{**c, "title": _title(c.get("name"), labels)} for c in feedback]


def _title(name: str | None, labels: dict[str, str]) -> str | None:
    """A test's or check's label, else its name (None when it has none)."""
    return labels.get(name, name) if name is not None else None


def _answer_key(aq: AttemptQuestion) -> qformat.Question | None:
    """The variant whose answer key grades this answer (a corrected version after a
    regrade); None if it cannot be built, and the page shows the rest without it."""
    try:
        return content.variant(aq.key_version, aq.seed)
    except Exception:
        log.exception("no answer key to show for attempt question %s", aq.pk)
        return None


def _attempt_questions(attempt: Attempt) -> dict[int, AttemptQuestion]:
    """The attempt's questions by position with their versions, in one query (a
    version's files are read only when ``content`` has not parsed it yet)."""
    return {
        aq.position: aq
        for aq in AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question_version__question", "graded_with__question")
        .defer("question_version__files", "graded_with__files")
    }


def check_titles(attempt: Attempt, state: dict[str, Any]) -> dict[str, Any]:
    """Homework on the attempt page: the checks of each graded try by their titles."""
    if not any(q["result"] and q["result"].get("feedback") for q in state["questions"]):
        return state
    rows = _attempt_questions(attempt)
    for q in state["questions"]:
        key = _answer_key(rows[q["position"]])
        if key and q["result"] and q["result"].get("feedback"):
            q["result"]["feedback"] = _with_titles(q["result"]["feedback"], key)
    return state


def trial_checks(submission: Submission) -> list[dict[str, Any]]:
    """A trial run's check lines for the attempt page, by their authored titles."""
    feedback = grading.student_feedback(submission.result)
    try:
        key = content.variant(submission.question_version, submission.seed)
    except Exception:
        log.exception("no titles for the checks of submission %s", submission.pk)
        return feedback
    return _with_titles(feedback, key)


def review(attempt: Attempt, state: dict[str, Any], *, for_staff: bool) -> dict[str, Any]:
    """Add each question's review to the results page's state (one query for the
    attempt's question versions; their parsed files are cached per process)."""
    show = answers_shown(
        attempt.quiz,
        submitted=not state["running"],
        released=state["released"],
        for_staff=for_staff,
    )
    rows = _attempt_questions(attempt)
    for q in state["questions"]:
        aq = rows[q["position"]]
        key = _answer_key(aq)
        correct, note = _correct(key, aq.seed) if show and key else (None, "")
        q["review"] = Review(
            answer_html=_answer_html(q),
            correct=correct,
            correct_note=note,
            explanation_html=content.explanation_html(
                key, aq.graded_with_id or aq.question_version_id
            )
            if show and key and key.explanation
            else "",
        )
        if key and q["result"] and q["result"].get("feedback"):
            q["result"]["feedback"] = _with_titles(q["result"]["feedback"], key)
    state["answers_shown"] = show
    return state


@dataclass(frozen=True)
class Preview:
    """A question's prompt for the quiz form's inline preview."""

    pk: int
    html: SafeString
    varies: bool  # values drawn per student: the preview shows one student's


def question_previews(pks: list[int]) -> list[Preview]:
    """The current prompt of each question (the variant for seed 0, as the bank's
    preview page shows first), in one query; a question whose files cannot be read
    gets a line saying so and the rest of the form stays usable."""
    from quizsite.bank.models import Question

    rows = Question.objects.filter(pk__in=pks, current__isnull=False).select_related(
        "current__question"
    )
    previews = []
    for row in rows:
        try:
            shown = content.variant(content.current_version(row), 0)
        except Exception:
            log.exception("no preview for question %s", row.pk)
            previews.append(Preview(row.pk, escape(PREVIEW_UNAVAILABLE), False))
            continue
        previews.append(
            Preview(row.pk, content.prompt_html(shown, row.current_id), shown.has_variants)
        )
    return previews


PREVIEW_UNAVAILABLE = "This question's files cannot be read; open it in the bank to see why."
