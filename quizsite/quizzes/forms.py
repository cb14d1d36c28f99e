"""Parsing of what the quiz pages post. Forms only check shapes; every rule about
whether a value is accepted lives in ``actions``."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest


class _JsonBodyForm(forms.Form):
    """A form fed from a JSON request body (fetch) or from a ``payload`` form field
    holding the same JSON (navigator.sendBeacon, which cannot set headers, sends the
    CSRF token as a form field beside it)."""

    json_fields: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, request: HttpRequest) -> _JsonBodyForm:
        try:
            if request.content_type == "application/json":
                payload = json.loads(request.body or b"null")
            else:
                payload = json.loads(request.POST.get("payload", "null"))
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            return cls(data={})
        data: dict[str, Any] = {k: v for k, v in payload.items() if k not in cls.json_fields}
        for name in cls.json_fields:
            # Kept as JSON text for forms.JSONField, which decodes and validates it.
            data[name] = json.dumps(payload.get(name))
        return cls(data=data)

    def error_text(self) -> str:
        for field, errors in self.errors.items():
            label = "request" if field == "__all__" else field
            return f"Invalid {label}: {errors[0]}"
        return "Invalid request."


class AutosaveForm(_JsonBodyForm):
    json_fields = ("value",)

    position = forms.IntegerField(min_value=1)
    value = forms.JSONField(required=False)
    # The revision the page last saw, and the page's own id (one per load of the page):
    # together they tell a stale tab's save from a retry of this page's own.
    revision = forms.IntegerField(min_value=0, required=False)
    client = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,40}$", required=False)


class RunTestsForm(_JsonBodyForm):
    code = forms.CharField(strip=False, required=False, max_length=200_000)


class AnswerPointsForm(forms.Form):
    # The range is the question's, checked by ``actions.set_answer_points``.
    points = forms.FloatField()

    def error_text(self) -> str:
        for field, errors in self.errors.items():
            return f"{field}: {errors[0]}"
        return "Invalid request."


class AddTimeForm(forms.Form):
    attempt = forms.IntegerField(min_value=1)
    minutes = forms.IntegerField(min_value=1, max_value=600)

    def error_text(self) -> str:
        for field, errors in self.errors.items():
            return f"{field}: {errors[0]}"
        return "Invalid request."
