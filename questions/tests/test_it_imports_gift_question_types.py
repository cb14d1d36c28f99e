"""GIFT, one question per type (as Moodle documents them), into packages."""

from __future__ import annotations

import pytest

from questions.format import load_bank
from questions.interchange import import_file
from questions.tests.interchange_helpers import FILES, notes_for, toml

TOPIC = "gift-examples"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    bank = tmp_path_factory.mktemp("bank")
    return bank, import_file(FILES / "every_type.gift", bank)


@pytest.mark.parametrize(
    ("qid", "expected"),
    [
        ("grant-s-tomb", {"type": "choice", "answer": "Grant", "title": "Grant's tomb"}),
        ("primes", {"type": "multi", "options": ["2", "3", "4"], "answers": ["2", "3"]}),
        ("sun-rises", {"type": "choice", "options": ["True", "False"], "answer": "True"}),
        ("two-plus-two", {"type": "text", "answers": ["four", "4"]}),
        ("mexican-revolution", {"type": "numeric", "answer": 1910, "tolerance": 2.0}),
        ("pi", {"type": "numeric", "answer": 3.14, "tolerance": 0.005}),
        ("escaped", {"type": "choice", "options": ["{a}", "a"], "answer": "{a}"}),
    ],
)
def test_it_imports_each_type(imported, qid, expected):
    bank, _ = imported
    data = toml(bank, f"{TOPIC}/{qid}")
    assert {k: data[k] for k in expected} == expected
    assert data["topics"] == ["GIFT examples"]


def test_it_marks_the_missing_word_in_the_prompt(imported):
    bank, _ = imported
    assert toml(bank, f"{TOPIC}/two-plus-two")["prompt"] == "Two plus two equals _____ ."


def test_it_reports_what_it_skips_and_loses(imported):
    _, report = imported
    assert "'matching' is not supported" in notes_for(report, "Pairs")[0]
    assert "description" in notes_for(report, "question 9")[0]
    primes = notes_for(report, "Primes")
    assert any("('four is 2 times 2')" in n for n in primes)
    assert any("weights per option (50%, 50%, -100%)" in n for n in primes)


def test_it_writes_a_bank_the_format_accepts(imported):
    bank, _ = imported
    assert len(load_bank(bank)) == 8
