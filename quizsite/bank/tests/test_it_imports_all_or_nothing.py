"""A failure in the middle of an import leaves no trace: one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions.tests.banks import copy_questions
from quizsite.bank import sync
from quizsite.bank.tests.snapshot import db_snapshot

pytestmark = pytest.mark.django_db

IDS = ["objects/alias-append", "objects/int-size", "objects/identity-builtin"]


def test_it_rolls_back_everything_when_a_write_fails(tmp_path: Path, monkeypatch) -> None:
    bank = copy_questions(tmp_path / "bank", IDS)
    before = db_snapshot()
    real = sync._new_version
    calls = []

    def fail_on_third(row, q):
        calls.append(q.id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(row, q)

    monkeypatch.setattr(sync, "_new_version", fail_on_third)
    with pytest.raises(RuntimeError, match="disk full"):
        sync.sync_bank(bank, check=False)

    assert len(calls) == 3
    assert db_snapshot() == before
