"""Staff preview an essay like a student sees it, try an answer (nothing scores it),
and read the grader's notes with the answer key."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions.tests.banks import copy_questions
from quizsite.bank.sync import sync_bank
from quizsite.bank.tests.conftest import preview_url

pytestmark = pytest.mark.django_db
ESSAY = "scopes/why-unbound"


@pytest.fixture
def essay_bank(tmp_path: Path) -> Path:
    root = copy_questions(tmp_path / "bank", [ESSAY])
    sync_bank(root, check=False)
    return root


def test_it_shows_the_essay_box_and_the_grader_notes(essay_bank, ta, client_for) -> None:
    html = client_for(ta).get(preview_url(ESSAY)).content.decode()
    assert '<textarea id="answer" name="answer" rows="12">' in html
    assert "For the grader" in html and "STORE_DEREF" in html
    assert "At least 60 words. At most 250 words." in html


def test_it_tries_an_answer_without_scoring_it(essay_bank, ta, client_for) -> None:
    response = client_for(ta).post(preview_url(ESSAY), {"answer": "Because of LOAD_FAST."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Graded by hand: staff set between 0 and 4 points" in html
    assert "Because of LOAD_FAST.</textarea>" in html
