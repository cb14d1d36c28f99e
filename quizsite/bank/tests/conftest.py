"""Fixtures for the staff bank pages' tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from questions.tests.banks import copy_questions
from quizsite.bank.sync import sync_bank

PAGE_IDS = ["scopes/which-load", "scopes/unbound-local", "numpy/nbytes", "objects/freeze"]


@pytest.fixture
def preview_bank(tmp_path: Path, settings) -> Path:
    """A few sample questions imported as bank "sample"; code is graded in the
    no-isolation sandbox, starting with an empty reference cache."""
    from grader import pipeline

    settings.GRADER_SANDBOX = "fake"
    pipeline.clear_reference_cache()
    root = copy_questions(tmp_path / "bank", PAGE_IDS)
    sync_bank(root, check=False)
    yield root
    pipeline.clear_reference_cache()


def preview_url(path: str, **params: object) -> str:
    url = reverse("questions:preview", args=["sample", path])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
