"""Moodle's general feedback and GIFT's ``####`` become the question's explanation;
feedback per answer and penalties are still listed as lost."""

from __future__ import annotations

from questions.interchange import import_file
from questions.tests.interchange_helpers import FILES, notes_for, toml


def test_it_maps_moodle_general_feedback_to_the_explanation(tmp_path):
    report = import_file(FILES / "every_type.xml", tmp_path)
    assert toml(tmp_path, "python-basics/loops/which-loop")["explanation"] == (
        "A while loop tests first."
    )
    assert toml(tmp_path, "python-basics/loops/explain-closures")["explanation"] == (
        "A closure keeps the `cells` of its outer function."
    )
    notes = notes_for(report, "Which loop")
    assert not any("general feedback" in n for n in notes)
    assert any("feedback for the answer 'while' ('Right.')" in n for n in notes)
    assert any("penalty of 33% per wrong try" in n for n in notes)


def test_it_maps_gift_general_feedback_to_the_explanation(tmp_path):
    report = import_file(FILES / "every_type.gift", tmp_path)
    pi = toml(tmp_path, "gift-examples/pi")
    assert pi["explanation"] == "Pi is 3.14159…, so 3.14 to two places."
    assert (pi["answer"], pi["tolerance"]) == (3.14, 0.005)
    assert toml(tmp_path, "gift-examples/reflection")["explanation"] == (
        "Any honest reflection earns the points."
    )
    assert not any("general feedback" in n for n in notes_for(report, "Pi"))
    assert "explanation" not in toml(tmp_path, "gift-examples/grant-s-tomb")
