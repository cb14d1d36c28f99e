"""Staff pages for question banks: browse by topic, preview a question exactly as a
student with a given variant seed sees it, and try an answer to see the full grader
result. Course staff (instructor or TA of any course) only.

Tried code is graded by the Celery workers (the only processes that may start
sandboxes): the POST queues a ``preview`` submission and redirects to the page showing
it, which says "Grading…" and swaps in the result when it is there."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from questions import format as qformat
from questions.scoring import score_answer
from quizsite.accounts import access
from quizsite.accounts.models import User
from quizsite.bank.models import Question, QuestionVersion
from quizsite.bank.rendering import inline_html, option_order, render_markdown
from quizsite.bank.versions import load_version
from quizsite.bankpages import actions
from quizsite.bankpages.forms import PreviewCodeForm
from quizsite.grading.models import Submission

MAX_SEED = 2**62  # seeds are stored in a BigIntegerField


class SignedInRequest(HttpRequest):
    """A request that ``login_required`` let through: its user is a real account."""

    user: User


def _seed(raw: str | None) -> int:
    try:
        seed = int(raw or 0)
    except ValueError:
        return 0
    return seed if 0 <= seed < MAX_SEED else 0


@login_required
def index(request: SignedInRequest) -> HttpResponse:
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
    return request.POST.get("answer", "")


def _preview_submission(row: Question, raw: str | None) -> Submission | None:
    """The preview submission named in the address: only staff reach this, and only a
    ``preview`` submission of this very question is shown (never a student's answer)."""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such preview.")
    return get_object_or_404(
        Submission.objects.select_related("question_version"),
        pk=int(raw),
        purpose=Submission.Purpose.PREVIEW,
        question_version__question=row,
    )


def _chosen_version(
    row: Question, versions: list[QuestionVersion], number: str | None
) -> QuestionVersion:
    if number:
        version = next((v for v in versions if str(v.number) == number), None)
        if version is None:
            raise Http404("No such version.")
        return version
    if row.current is None:
        raise Http404("This question has no version yet.")
    return row.current


def _code_outcome(submission: Submission) -> dict[str, Any]:
    """What the page shows of a preview submission: everything, for staff (hidden tests,
    details, and the grader's own reasons for an error, which students never see)."""
    result = submission.result or {}
    pending = not submission.is_done
    return {
        "status": submission.status,
        "pending": pending,
        "score": result.get("score"),
        "max_score": result.get("max_score"),
        "python": result.get("python", ""),
        "checks": [] if pending else result.get("checks", []),
        # While pending, a reason here means a try failed and the workers try again.
        "errors": [submission.error_detail] if submission.error_detail else [],
    }


def _preview_url(row: Question, submission: Submission) -> str:
    query = urlencode(
        {
            "version": submission.question_version.number,
            "seed": submission.seed,
            "submission": submission.pk,
        }
    )
    # The fragment brings the result into view below the student's part of the page.
    return reverse("questions:preview", args=[row.bank, row.path]) + f"?{query}#grader-result"


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: SignedInRequest, bank: str, path: str) -> HttpResponse:
    access.require_staff_anywhere(request.user)
    row = get_object_or_404(Question.objects.select_related("current"), bank=bank, path=path)
    versions = list(row.versions.order_by("number"))
    submission = _preview_submission(row, request.GET.get("submission"))
    if submission is not None:
        # The tried code's own version and seed, whatever else the address says.
        version, seed = submission.question_version, submission.seed
    else:
        version = _chosen_version(row, versions, request.GET.get("version"))
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
    status = 200
    code_error = ""
    if request.method == "POST" and question.type == "code":
        form = PreviewCodeForm(request.POST)
        if form.is_valid():
            # Graded by the workers; the page shows the submission and waits for it.
            tried = actions.preview_code(
                version, form.cleaned_data["code"], seed=seed, user=request.user
            )
            return redirect(_preview_url(row, tried))
        given, code_error, status = request.POST.get("code", ""), form.error_text(), 400
    elif request.method == "POST" and question.type in qformat.HAND_GRADED_TYPES:
        # Nothing scores a hand-graded answer: say so instead of inventing a score.
        given = _given_answer(question, request)
        outcome = {"by_hand": True, "max_points": question.points}
    elif request.method == "POST":
        # Scoring a non-code answer is pure and instant: done here.
        given = _given_answer(question, request)
        outcome = {"points": score_answer(question, given), "max_points": question.points}
    elif submission is not None:
        given = submission.code
        outcome = {"code": _code_outcome(submission)}
    return render(
        request,
        "questions/preview.html",
        _context(
            row,
            version,
            versions,
            question,
            seed,
            outcome=outcome,
            given=given,
            code_error=code_error,
        ),
        status=status,
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
    code_error: str = "",
) -> dict[str, Any]:
    code = question.code

    def shown_at(name: str) -> str:
        # The quiz pages' image address: it lets staff see every version's images.
        return reverse("quizzes:question_image", args=[version.pk, name])

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
        "prompt_html": render_markdown(question.prompt, shown_at),
        "explanation_html": render_markdown(question.explanation, shown_at)
        if question.explanation
        else "",
        "grader_info_html": render_markdown(question.grader_info) if question.grader_info else "",
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
        "code_error": code_error,
        "reference_html": render_markdown(f"```python\n{code.reference_source}\n```")
        if code
        else "",
    }
