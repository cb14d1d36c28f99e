"""The parsed content of a stored question version, as one student sees it: the
variant for their seed, options in their order, the prompt as safe HTML. Cached per
process: a version never changes, and a class of hundreds shares a dozen of them."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from questions import format as qformat
from quizsite.bank.models import Question, QuestionVersion
from quizsite.bank.rendering import inline_html, option_order, render_markdown
from quizsite.bank.versions import load_version
from quizsite.quizzes import messages

__all__ = [
    "essay_settings",
    "grader_info_html",
    "explanation_html",
    "image_url",
    "inline_html",
    "offered_value",
    "option_order",
    "parsed",
    "prompt_html",
    "shown",
    "starter_code",
    "variant",
]

log = logging.getLogger(__name__)


def current_version(question: Question) -> QuestionVersion:
    """The question's current version, for a question found with one (a draw, a
    preview: their queries ask for ``current__isnull=False``)."""
    if question.current is None:
        raise ValueError(f"question {question.pk} has no current version")
    return question.current


def parsed(version: QuestionVersion) -> qformat.Question:
    """The parsed package of a version (cached per process by ``load_version``; the
    large ``files`` column is read only on a cache miss)."""
    return load_version(version)


_VARIANTS: dict[tuple[int, int], qformat.Question] = {}


def variant(version: QuestionVersion, seed: int) -> qformat.Question:
    """The question as given to the student with this seed."""
    base = parsed(version)
    if not base.has_variants:
        return base
    key = (version.pk, seed)
    found = _VARIANTS.get(key)
    if found is None:
        if len(_VARIANTS) > 20_000:  # bound the memory of a long-lived worker
            _VARIANTS.clear()
        found = _VARIANTS[key] = qformat.instantiate(base, seed)
    return found


@lru_cache(maxsize=4096)
def _render(text: str, version_id: int | None = None) -> SafeString:
    if version_id is None:
        return render_markdown(text)
    return render_markdown(text, lambda name: image_url(version_id, name))


def image_url(version_id: int, name: str) -> str:
    """Where an image of a version's package is served (to those who may see it)."""
    return reverse("quizzes:question_image", args=[version_id, name])


def prompt_html(question: qformat.Question, version_id: int | None = None) -> SafeString:
    """The prompt as safe HTML; with ``version_id``, the images of that version's
    package are shown (without it, an image keeps only its alt text)."""
    return _render(question.prompt, version_id)


def explanation_html(question: qformat.Question, version_id: int | None = None) -> SafeString:
    """The question's explanation (Markdown, like the prompt) as safe HTML."""
    return _render(question.explanation, version_id)


def essay_settings(question: qformat.Question) -> dict[str, Any] | None:
    """What the attempt page shows about an essay's answer box (None for other types)."""
    if question.type != "essay":
        return None
    return {
        "lines": question.response_lines,
        "min_words": question.min_words,
        "max_words": question.max_words,
    }


def grader_info_html(question: qformat.Question) -> SafeString:
    """Notes for the staff who grade a question by hand (a rubric), as safe HTML; empty
    for a question without any. Never put it on a page a student sees."""
    return _render(question.grader_info) if question.grader_info else SafeString("")


def starter_code(question: qformat.Question) -> str:
    if question.code is None or question.code.starter_source is None:
        return ""
    return question.code.starter_source


# Characters per answer: code and essays are long; a one-line answer is not.
_TEXT_LIMITS = {"code": 200_000, "essay": 100_000}


def normalise_value(question_type: str, value: Any) -> Any:
    """The value in the form stored for its type, or raise ValueError.

    choice -> str, multi -> list[str], numeric -> str as typed, text -> str,
    code -> str, essay -> str. None (cleared) is allowed for every type."""
    if value is None:
        return None
    if question_type == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("multi answers are lists of option texts")
        if len(value) > 100 or sum(len(v) for v in value) > 20_000:
            raise ValueError("too long")
        return value
    if (
        question_type == "numeric"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{question_type} answers are text")
    limit = _TEXT_LIMITS.get(question_type, 20_000)
    if len(value) > limit:
        raise ValueError("too long")
    return value


def offered_value(question: qformat.Question, seed: int, value: Any) -> Any:
    """A normalised choice or multi answer, checked against the options this student
    was shown (their variant, their order); raise ValueError for anything else. Other
    types pass through: their text is free.

    Staff pages count answers by option, so a value that is no option would show a
    student's own text where staff expect the bank's."""
    if value is None or question.type not in ("choice", "multi"):
        return value
    shown = set(option_order(question, seed))
    chosen = value if question.type == "multi" else [value]
    if len(set(chosen)) != len(chosen) or not shown.issuperset(chosen):
        raise ValueError("not an option shown")
    return value


def shown(aq: Any) -> qformat.Question:
    """The student's variant of the question; if it cannot be built (a broken stored
    question), a stand-in that says so, so the rest of the attempt stays usable."""
    try:
        return variant(aq.question_version, aq.seed)
    except Exception:
        log.exception("could not show attempt question %s", aq.pk)
        stored = aq.question_version.question
        return qformat.Question(
            id=stored.path,
            title=stored.title,
            type=stored.type,
            prompt=messages.QUESTION_UNAVAILABLE,
            points=aq.points,
            topics=(),
            content_hash="",
        )
