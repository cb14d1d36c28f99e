"""Staff pages for question banks: browse by topic, preview a question exactly as a
student with a given variant seed sees it, and try an answer to see the full grader
result. Course staff (instructor or TA of any course) only."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from questions import format as qformat
from questions.models import Question, QuestionVersion
from questions.rendering import highlight_css, inline_html, option_order, render_markdown
from questions.scoring import score_answer
from questions.sync import default_sandbox
from questions.versions import load_version
from quizsite.accounts import access

log = logging.getLogger(__name__)

MAX_SEED = 2**62  # seeds are stored in a BigIntegerField


def _seed(raw: str | None) -> int:
    try:
        seed = int(raw or 0)
    except ValueError:
        return 0
    return seed if 0 <= seed < MAX_SEED else 0


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access.require_staff_anywhere(request.user)
    rows = list(Question.objects.select_related("current").order_by("bank", "path"))
    banks = sorted({row.bank for row in rows})
    bank = request.GET.get("bank") or (banks[0] if banks else "")
    in_bank = [row for row in rows if row.bank == bank]
    show_retired = request.GET.get("retired") == "1"
    visible = [row for row in in_bank if show_retired or not row.retired]
    topic_counts = Counter(t for row in visible for t in row.topics)
    topic = request.GET.get("topic", "")
    listed = [row for row in visible if not topic or topic in row.topics]
    return render(
        request,
        "questions/index.html",
        {
            "banks": banks,
            "bank": bank,
            "topics": sorted(topic_counts.items()),
            "topic": topic,
            "questions": listed,
            "type_counts": sorted(Counter(row.type for row in listed).items()),
            "show_retired": show_retired,
        },
    )


def _given_answer(question: qformat.Question, request: HttpRequest) -> Any:
    if question.type == "multi":
        return request.POST.getlist("answer")
    if question.type == "code":
        return request.POST.get("code", "")
    return request.POST.get("answer", "")


def _grade_code(question: qformat.Question, source: str, seed: int) -> dict[str, Any]:
    from grader import pipeline

    try:
        result = pipeline.grade(question, source, sandbox=default_sandbox(), seed=seed)
    except Exception as e:  # show staff what broke instead of a server error page
        log.exception("preview grading of %s failed", question.id)
        return {"status": "error", "errors": [f"{type(e).__name__}: {e}"], "checks": []}
    data = result.as_dict()
    data["errors"] = list(result.errors)  # staff see why an error is an error
    return data


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, bank: str, path: str) -> HttpResponse:
    access.require_staff_anywhere(request.user)
    row = get_object_or_404(Question.objects.select_related("current"), bank=bank, path=path)
    versions = list(row.versions.order_by("number"))
    number = request.GET.get("version")
    if number:
        version = next((v for v in versions if str(v.number) == number), None)
        if version is None:
            raise Http404("No such version.")
    elif row.current is not None:
        version = row.current
    else:
        raise Http404("This question has no version yet.")
    seed = _seed(request.GET.get("seed"))
    base = load_version(version)
    try:
        question = qformat.instantiate(base, seed)
    except qformat.FormatError as e:
        return render(
            request,
            "questions/preview.html",
            _context(row, version, versions, base, seed, variant_error=str(e)),
            status=200,
        )

    outcome: dict[str, Any] | None = None
    given: Any = None
    if request.method == "POST":
        given = _given_answer(question, request)
        if question.type == "code":
            outcome = {"code": _grade_code(question, given, seed)}
        else:
            outcome = {"points": score_answer(question, given), "max_points": question.points}
    return render(
        request,
        "questions/preview.html",
        _context(row, version, versions, question, seed, outcome=outcome, given=given),
    )


def _context(
    row: Question,
    version: QuestionVersion,
    versions: list[QuestionVersion],
    question: qformat.Question,
    seed: int,
    *,
    outcome: dict[str, Any] | None = None,
    given: Any = None,
    variant_error: str = "",
) -> dict[str, Any]:
    code = question.code
    if question.type == "code" and isinstance(given, str):
        editor_text = given
    else:
        editor_text = (code.starter_source or "") if code else ""
    return {
        "row": row,
        "version": version,
        "versions": versions,
        "question": question,
        "seed": seed,
        "prompt_html": render_markdown(question.prompt),
        "choices": [
            {"value": o, "html": inline_html(o)}
            for o in (option_order(question, seed) if question.options else [])
        ],
        "given": given if isinstance(given, str) else "",
        # The options picked in the tried answer, to show them checked again.
        "chosen": given if isinstance(given, list) else ([given] if given else []),
        "editor_text": editor_text,
        "outcome": outcome,
        "variant_error": variant_error,
        "highlight_css": highlight_css(),
        "reference_html": render_markdown(f"```python\n{code.reference_source}\n```")
        if code
        else "",
    }
