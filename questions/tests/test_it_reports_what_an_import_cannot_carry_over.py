"""A file with trouble in it: each trouble reported precisely, the rest imported."""

from __future__ import annotations

import pytest

from questions.format import load_bank
from questions.interchange import BadFile, import_file
from questions.tests.interchange_helpers import FILES, notes_for, toml


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    bank = tmp_path_factory.mktemp("bank")
    return bank, import_file(FILES / "troubles.xml", bank)


def test_it_names_an_unsupported_type(imported):
    _, report = imported
    assert notes_for(report, "Match capitals") == ["the question type 'matching' is not supported"]


def test_it_names_the_broken_question_and_its_line(imported):
    bank, report = imported
    (note,) = notes_for(report, "Broken markup")
    assert note.startswith("not well-formed XML at line 12, column ")
    assert "An & unescaped" in (bank / "_not-imported" / "broken-markup.xml").read_text()


def test_it_names_a_missing_image(imported):
    bank, report = imported
    (note,) = notes_for(report, "Lost picture")
    assert "'tree.png', which is not in the file" in note
    assert toml(bank, "troubles/lost-picture")["answer"] == "True"


def test_it_asks_for_a_hand_check_of_a_custom_template(imported):
    bank, report = imported
    (note,) = [n for n in report.notes if n.question == "Custom template"]
    assert note.kind == "check by hand" and "its own template" in note.text
    assert toml(bank, "troubles/custom-template")["code"]["entry"] == ["double"]


def test_it_imports_the_rest(imported):
    bank, report = imported
    written = sorted(qid for qid, _ in report.written)
    assert written == ["troubles/custom-template", "troubles/lost-picture", "troubles/still-fine"]
    assert len(load_bank(bank)) == 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>',
            "declares entities",
        ),
        (b"<quiz><question type=", "not well-formed XML"),
        (b"<questions/>", "the root element is <questions>"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_safely(tmp_path, content, reason):
    src = tmp_path / "bank.xml"
    src.write_bytes(content)
    with pytest.raises(BadFile, match=reason):
        import_file(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()
