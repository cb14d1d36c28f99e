"""Import, export, import: essays stay essays and explanations come back as written."""

from __future__ import annotations

from pathlib import Path

from questions.format import load_bank
from questions.interchange import export_bank, import_file
from questions.tests.interchange_helpers import FILES, toml

ESSAY = "python-basics/loops/explain-closures"


def test_it_exports_an_essay_and_its_explanation_and_imports_them_again(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    import_file(FILES / "every_type.xml", first)
    report = export_bank(first, tmp_path / "export.xml")
    assert ESSAY in report.exported
    xml = (tmp_path / "export.xml").read_text(encoding="utf-8")
    assert '<question type="essay">' in xml
    assert "<minwordlimit>50</minwordlimit>" in xml
    assert "A while loop tests first." in xml  # as the general feedback
    import_file(tmp_path / "export.xml", second)
    for qid in (ESSAY, "python-basics/loops/which-loop"):
        assert toml(second, qid) == toml(first, qid)
    assert toml(second, ESSAY)["explanation"] == (
        "A closure keeps the `cells` of its outer function."
    )


def test_it_exports_the_sample_bank_s_essay(tmp_path):
    bank = Path(__file__).resolve().parents[1] / "bank"
    report = export_bank(bank, tmp_path / "sample.xml")
    assert "scopes/why-unbound" in report.exported
    import_file(tmp_path / "sample.xml", tmp_path / "again")
    (essay,) = [q for q in load_bank(tmp_path / "again") if q.type == "essay"]
    original = [q for q in load_bank(bank) if q.id == "scopes/why-unbound"][0]
    assert (essay.min_words, essay.max_words, essay.response_lines) == (60, 250, 12)
    assert essay.explanation == original.explanation
    assert "LOAD_DEREF" in essay.grader_info
