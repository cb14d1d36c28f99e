"""sync_bank imports the whole sample bank after grading every reference."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from questions.format import load_bank
from questions.tests.banks import SAMPLE
from quizsite.bank.models import Question, QuestionVersion
from quizsite.bank.sync import sync_bank
from quizsite.bank.tests.snapshot import db_snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_it_imports_the_sample_bank_with_every_reference_checked() -> None:
    bank = load_bank(SAMPLE)
    report = sync_bank(SAMPLE)

    assert sorted(report.created) == sorted(q.id for q in bank)
    assert sorted(report.checked) == sorted(q.id for q in bank if q.type == "code")
    assert Question.objects.count() == len(bank) == QuestionVersion.objects.count()
    for q in bank:
        row = Question.objects.get(bank="sample", path=q.id)
        assert (row.title, row.type, row.topics) == (q.title, q.type, list(q.topics))
        assert row.current.number == 1
        assert row.current.content_hash == q.content_hash
        assert "question.toml" in row.current.files


def test_it_writes_nothing_on_a_dry_run() -> None:
    before = db_snapshot()
    report = sync_bank(SAMPLE, dry_run=True, check=False)
    assert len(report.created) == len(load_bank(SAMPLE))
    assert db_snapshot() == before


def test_it_prints_a_summary_from_the_command_line() -> None:
    out = io.StringIO()
    call_command("sync_bank", str(SAMPLE), "--dry-run", "--no-check", stdout=out)
    total = len(load_bank(SAMPLE))
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("created: ") for line in lines) == total
    assert f"{total} created, 0 updated, 0 unchanged, 0 retired (would be written)" in lines[-1]
    assert Question.objects.count() == 0
