"""Explanations and check titles go through the import like the rest of a package:
stored in the version's files and read back with it; an edit to either alone makes a
new version. The sample bank explains every question and titles every test and check."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.sandbox import fake
from questions.format import load_bank
from questions.tests.banks import SAMPLE, copy_questions
from quizsite.bank.models import Question
from quizsite.bank.sync import sync_bank
from quizsite.bank.versions import load_version

pytestmark = pytest.mark.django_db


def test_it_stores_and_reads_back_the_explanation_and_titles(tmp_path: Path) -> None:
    bank = copy_questions(tmp_path, ["scopes/nonlocal-counter"])
    sync_bank(bank, sandbox=fake.run)
    version = Question.objects.get(path="scopes/nonlocal-counter").current
    q = load_version(version)
    assert "`nonlocal x`" in q.explanation
    assert "counts every call" in [t.label for t in q.code.tests]
    assert "uses nonlocal (LOAD_DEREF and STORE_DEREF)" in [c.label for c in q.code.checks]
    assert [t.name for t in q.code.tests] == ["test-1", "counts_down"]  # the keys stay


def test_it_makes_a_new_version_when_only_a_title_changes(tmp_path: Path) -> None:
    bank = copy_questions(tmp_path, ["scopes/nonlocal-counter"])
    sync_bank(bank, sandbox=fake.run)
    toml = bank / "scopes/nonlocal-counter/question.toml"
    toml.write_text(toml.read_text().replace("counts every call", "counts down on every call"))
    report = sync_bank(bank, sandbox=fake.run)
    question = Question.objects.get(path="scopes/nonlocal-counter")
    assert report.updated == ["scopes/nonlocal-counter"] and question.current.number == 2
    assert "counts down on every call" in [
        t.label for t in load_version(question.current).code.tests
    ]


def test_it_explains_every_sample_question_and_titles_every_check() -> None:
    questions = load_bank(SAMPLE)
    assert all(q.explanation for q in questions)
    untitled = [
        f"{q.id}: {item.name}"
        for q in questions
        if q.code
        for item in (*q.code.tests, *q.code.checks)
        if not item.title
    ]
    assert untitled == []
