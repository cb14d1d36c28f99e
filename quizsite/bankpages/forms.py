"""Parsing of what the staff bank pages post."""

from __future__ import annotations

from django import forms


class PreviewCodeForm(forms.Form):
    # The same bound as a quiz's code answer; a NUL byte (which PostgreSQL cannot store)
    # is refused by CharField's own validator.
    code = forms.CharField(strip=False, required=False, max_length=200_000)

    def error_text(self) -> str:
        for errors in self.errors.values():
            return f"This code cannot be graded: {errors[0]}"
        return "This code cannot be graded."
