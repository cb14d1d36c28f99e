"""How a refused form is told to the person who sent it: one sentence, one rule."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

INVALID = "Invalid request."

_Field = TypeVar("_Field", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """The form's own copy of its field ``name``, as the kind it was declared as, for
    setting choices, querysets or bounds per request (``form.fields`` holds plain
    ``Field``s as far as a type checker knows)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field


class ErrorTextMixin:
    """``error_text()``: a bound form's first error as one sentence, for a JSON reply
    or a flash message. A field's error is named by the label the form gives it
    ("Closes instead: ..."), else by its name, as a page's script sent it ("minutes:
    Ensure this value ..."); an error of the whole form is shown as written.

    ``error_topic`` (e.g. "This code cannot be graded") leads the sentence when the
    page has nothing else saying what was refused. ``refusal`` is set when the request
    was refused before any field was read (a body that is not JSON); it is said as is.
    """

    error_topic: str = ""
    refusal: str = ""

    def error_text(self) -> str:
        if self.refusal:
            return self.refusal
        detail = ""
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            if name == NON_FIELD_ERRORS:
                detail = str(errors[0])
            else:
                label = self.fields[name].label or name  # type: ignore[attr-defined]
                detail = f"{label}: {errors[0]}"
            break
        if not self.error_topic:
            return detail or INVALID
        return f"{self.error_topic}: {detail}" if detail else f"{self.error_topic}."
