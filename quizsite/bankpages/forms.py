"""Parsing of what the staff bank pages post."""

from __future__ import annotations

from django import forms

from quizsite.lib.forms import ErrorTextMixin


class PreviewCodeForm(ErrorTextMixin, forms.Form):
    # The same bound as a quiz's code answer; a NUL byte (which PostgreSQL cannot store)
    # is refused by CharField's own validator.
    code = forms.CharField(strip=False, required=False, max_length=200_000)

    error_topic = "This code cannot be graded"
