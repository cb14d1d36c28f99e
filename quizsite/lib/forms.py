"""How a refused form is told to the person who sent it: one sentence, one rule."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS

INVALID = "Invalid request."


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
