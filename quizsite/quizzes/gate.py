"""The access rules (``access_rules``, pure) applied to a request: the client's
address read the one documented way, the access code remembered in the session once
given, the one-device rule through ``integrity.note_visit``.

Used by the start page and the attempt page; a refusal is a sentence from
``messages`` saying what to do."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from quizsite import clientip
from quizsite.quizzes import access_rules, integrity, selectors
from quizsite.quizzes.models import Attempt, Quiz


def _code_key(quiz: Quiz) -> str:
    return f"quiz-access-{quiz.pk}"


def start_refusal(request: HttpRequest, quiz: Quiz) -> str:
    """Why this request may not start (or resume) an attempt at ``quiz``: a sentence
    for the student, or "". A right access code is remembered for the session."""
    rules = selectors.access_rules_for(quiz, request.user)
    given = request.POST.get("access_code") if request.method == "POST" else None
    remembered = bool(request.session.get(_code_key(quiz)))
    reason = access_rules.refusal(
        rules, code_given=given, address=clientip.client_ip(request), code_remembered=remembered
    )
    if reason is None:
        if rules.access_code and not remembered:
            request.session[_code_key(quiz)] = True
        return ""
    return access_rules.message_for(reason, code_given=bool(given))


def needs_code(request: HttpRequest, quiz: Quiz) -> bool:
    """Whether the start page should ask for the access code."""
    rules = selectors.access_rules_for(quiz, request.user)
    return bool(rules.access_code) and not request.session.get(_code_key(quiz))


def attempt_refusal(request: HttpRequest, attempt: Attempt, *, now: datetime) -> tuple[str, bool]:
    """(a sentence, whether to send the student to the start page for the code) for
    an attempt page this request may not open; ("", False) when it may. Records the
    visit (the attempt's sessions and activity) in any case."""
    quiz = attempt.quiz
    rules = selectors.access_rules_for(quiz, request.user)
    address = clientip.client_ip(request)
    remembered = bool(request.session.get(_code_key(quiz)))
    reason = access_rules.refusal(
        rules, code_given=None, address=address, code_remembered=remembered
    )
    if reason == "access_code":
        return access_rules.message_for(reason), True
    if reason is not None:
        return access_rules.message_for(reason), False
    if not request.session.session_key:
        request.session.save()  # a session key to tell this device by
    visit = integrity.note_visit(
        attempt,
        session_key=request.session.session_key,
        address=address,
        browser=request.META.get("HTTP_USER_AGENT", ""),
        rules=rules,
        now=now,
    )
    return (access_rules.message_for("device"), False) if visit.refused else ("", False)
