"""Moodle and GIFT essays become hand-graded ``essay`` questions, with their limits."""

from __future__ import annotations

from questions.format import load_question
from questions.interchange import import_file
from questions.tests.interchange_helpers import FILES, notes_for, toml


def test_it_imports_a_moodle_essay_with_its_limits_and_grader_notes(tmp_path):
    report = import_file(FILES / "every_type.xml", tmp_path)
    data = toml(tmp_path, "python-basics/loops/explain-closures")
    assert data["type"] == "essay"
    assert data["points"] == 5
    assert data["response_lines"] == 15
    assert data["min_words"] == 50
    assert "max_words" not in data  # Moodle's empty limit is no limit
    assert data["grader_info"] == "One point per idea: *cells*, free variables."
    notes = notes_for(report, "Explain closures")
    assert any("response template ('I think that')" in n for n in notes)
    assert not any("hand-graded" in n or "not imported" in n for n in notes)
    assert not (tmp_path / "_not-imported" / "explain-closures.xml").exists()
    question = load_question(tmp_path / "python-basics/loops/explain-closures")
    assert (question.min_words, question.max_words, question.response_lines) == (50, None, 15)


def test_it_imports_a_gift_essay(tmp_path):
    report = import_file(FILES / "every_type.gift", tmp_path)
    data = toml(tmp_path, "gift-examples/reflection")
    assert data["type"] == "essay"
    assert data["prompt"] == "Write a short reflection on this unit."
    assert notes_for(report, "Reflection") == []


def test_it_keeps_an_upload_only_essay_out_with_its_reason(tmp_path):
    source = tmp_path / "upload.xml"
    source.write_text(
        "<quiz><question type='essay'><name><text>Upload</text></name>"
        "<questiontext format='html'><text>Send a PDF.</text></questiontext>"
        "<responseformat>noinline</responseformat><attachments>1</attachments>"
        "</question></quiz>",
        encoding="utf-8",
    )
    report = import_file(source, tmp_path / "bank")
    assert "uploading files" in notes_for(report, "Upload")[0]
    assert (tmp_path / "bank" / "_not-imported" / "upload.xml").is_file()
