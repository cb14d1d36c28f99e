"""Moodle XML, one question per type (as Moodle documents them), into packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions.format import load_bank
from questions.interchange import import_file
from questions.tests.interchange_helpers import FILES, notes_for, toml

TOPIC = "python-basics/loops"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    bank = tmp_path_factory.mktemp("bank")
    return bank, import_file(FILES / "every_type.xml", bank)


@pytest.mark.parametrize(
    ("qid", "expected"),
    [
        (
            "which-loop",
            {"type": "choice", "options": ["while", "for", "if"], "answer": "while", "points": 2.0},
        ),
        (
            "falsy-values",
            {"type": "multi", "answers": ["0", '""'], "shuffle": False},
        ),
        (
            "ints-are-objects",
            {"type": "choice", "options": ["True", "False"], "answer": "True", "shuffle": False},
        ),
        ("unbound", {"type": "text", "answers": ["UnboundLocalError"], "case_sensitive": True}),
        ("sizeof", {"type": "numeric", "answer": 28, "tolerance": 0.5}),
    ],
)
def test_it_imports_each_non_code_type(imported, qid, expected):
    bank, _ = imported
    data = toml(bank, f"{TOPIC}/{qid}")
    assert {k: data[k] for k in expected} == expected
    assert data["topics"][0] == "Python basics/Loops"


def test_it_adds_tags_to_the_category_as_topics(imported):
    bank, _ = imported
    assert toml(bank, f"{TOPIC}/sizeof")["topics"] == ["Python basics/Loops", "memory", "ints"]


def test_it_turns_html_into_sanitised_markdown(imported):
    bank, _ = imported
    prompt = toml(bank, f"{TOPIC}/which-loop")["prompt"]
    assert prompt.startswith("Which statement repeats **while** a condition holds?")
    assert "script" not in prompt and "alert" not in prompt


def test_it_places_images_beside_the_question(imported):
    bank, report = imported
    prompt = toml(bank, f"{TOPIC}/which-loop")["prompt"]
    assert "![a loop](loop_diagram.png)" in prompt
    image = bank / TOPIC / "which-loop" / "loop_diagram.png"
    assert image.read_bytes().startswith(b"\x89PNG")
    assert not any(n.kind == "image" for n in report.notes if n.question == "Which loop")


def test_it_lists_feedback_and_penalties_it_cannot_keep(imported):
    _, report = imported
    notes = notes_for(report, "Which loop")
    assert any("penalty of 33% per wrong try" in n for n in notes)
    assert any("feedback for the answer 'while' ('Right.')" in n for n in notes)
    assert any("'NameError' (earned 50%" in n for n in notes_for(report, "Unbound"))


def test_it_imports_a_coderunner_question_with_its_tests(imported):
    bank, _ = imported
    data = toml(bank, f"{TOPIC}/sqr")
    assert data["code"]["entry"] == ["sqr"]
    assert data["tests"] == [
        {"case": "test_1", "points": 1.0},
        {"case": "test_2", "hidden": True, "points": 1.0},
    ]
    folder = bank / TOPIC / "sqr"
    assert (folder / "reference.py").read_text() == "def sqr(n):\n    return n * n\n"
    assert (folder / "starter.py").read_text() == "def sqr(n):\n    pass\n"
    assert "**For example:**" in data["prompt"] and "print(sqr(-7))" in data["prompt"]


def test_it_skips_descriptions_with_a_reason_and_keeps_them(imported):
    bank, report = imported
    assert "description" in notes_for(report, "Intro")[0]
    kept = bank / "_not-imported" / "intro.xml"
    assert "<name><text>Intro</text></name>" in kept.read_text()


def test_it_writes_a_bank_the_format_accepts(imported):
    bank, report = imported
    ids = sorted(q.id for q in load_bank(bank))
    assert ids == sorted(qid for qid, _ in report.written)
    assert len(ids) == 7
    assert Path(bank / "bank.toml").is_file()
