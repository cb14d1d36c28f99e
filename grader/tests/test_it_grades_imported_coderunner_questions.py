"""CodeRunner questions after the import: graded as CodeRunner graded them."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.pipeline import grade
from grader.sandbox import fake
from questions.format import load_question
from questions.interchange import import_file

XML = """<?xml version="1.0"?>
<quiz>
  <question type="coderunner">
    <name><text>Greet</text></name>
    <questiontext format="html"><text>Write greet() that asks for a name and greets.</text></questiontext>
    <coderunnertype>python3_w_input</coderunnertype>
    <grader>NearEqualityGrader</grader>
    <allornothing>0</allornothing>
    <answer>def greet():
    name = input("Name? ")
    print("Hello,", name)</answer>
    <testcases>
      <testcase mark="2"><testcode><text>greet()</text></testcode>
        <stdin><text>Ada</text></stdin><expected><text>Name? Ada
hello,   ADA</text></expected><display><text>SHOW</text></display></testcase>
      <testcase mark="3"><testcode><text>greet()</text></testcode>
        <stdin><text>Guido</text></stdin><expected><text>Name? Guido
Hello, Guido</text></expected><display><text>HIDE_IF_FAIL</text></display></testcase>
    </testcases>
  </question>
  <question type="coderunner">
    <name><text>Echo program</text></name>
    <questiontext format="html"><text>Print what you read.</text></questiontext>
    <coderunnertype>python3</coderunnertype>
    <answer>print(input())</answer>
    <testcases>
      <testcase mark="1"><testcode><text></text></testcode>
        <stdin><text>hi</text></stdin><expected><text>hi</text></expected>
        <display><text>SHOW</text></display></testcase>
    </testcases>
  </question>
  <question type="coderunner">
    <name><text>In C</text></name>
    <questiontext format="html"><text>Write it in C.</text></questiontext>
    <coderunnertype>c_function</coderunnertype>
    <answer>int f(void) { return 1; }</answer>
  </question>
</quiz>
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    bank = tmp_path_factory.mktemp("bank")
    (bank / "cr.xml").write_text(XML)
    report = import_file(bank / "cr.xml", bank / "out")
    return bank / "out", report


def _score(question_dir: Path, source: str) -> tuple[float, list[str]]:
    q = load_question(question_dir)
    result = grade(q, source, sandbox=fake.run)
    assert result.status == "graded", result.errors
    return result.score, [c.name for c in result.checks if not c.passed]


def test_it_keeps_marks_and_hides_what_moodle_hid(imported):
    bank, report = imported
    q = load_question(bank / "imported" / "greet")
    assert [(t.points, t.hidden) for t in q.code.tests] == [(2.0, False), (3.0, True)]
    assert q.points == 1.0  # Moodle's default grade; the marks weigh the tests 2:3
    notes = [n.text for n in report.notes if n.question == "Greet"]
    assert any("HIDE_IF_FAIL" in n for n in notes)


@pytest.mark.parametrize(
    ("source", "score", "failed"),
    [
        ('def greet():\n    name = input("Name? ")\n    print("Hello,", name)\n', 1.0, []),
        # The near-equality grader ignores case and runs of spaces, as CodeRunner's does.
        ('def greet():\n    n = input("Name? ")\n    print("HELLO,    " + n)\n', 1.0, []),
        ('def greet():\n    n = input("Name? ")\n    print("Hi", n)\n', 0.0, ["test_1", "test_2"]),
        # Marks weigh the tests: 2 of 5 for the first one alone.
        (
            'def greet():\n    n = input("Name? ")\n    print("Hello,", n if n == "Ada" else "you")\n',
            0.4,
            ["test_2"],
        ),
        # Without the prompt, input is still echoed, as python3_w_input echoes it.
        ('def greet():\n    n = input()\n    print("Hello,", n)\n', 0.0, ["test_1", "test_2"]),
    ],
)
def test_it_compares_printed_output_with_input_echoed(imported, source, score, failed):
    bank, _ = imported
    assert _score(bank / "imported" / "greet", source) == (score, failed)


def test_it_names_what_it_cannot_import(imported):
    _, report = imported
    skipped = {n.question: n.text for n in report.notes if n.kind == "not imported"}
    assert "runs the whole program on standard input" in skipped["Echo program"]
    assert "type 'c_function'" in skipped["In C"]


CHEAT = """\
import sys


def greet():
    # Look for CodeRunner's expected output anywhere up the stack, and print it.
    frame = sys._getframe(1)
    while frame is not None:
        for value in [*frame.f_locals.values(), *frame.f_globals.values()]:
            if isinstance(value, dict) and "expected" in value:
                print(value["expected"])
                return
            if isinstance(value, list) and value and isinstance(value[0], str):
                print(value[0])
                return
        frame = frame.f_back
"""


def test_it_keeps_the_expected_output_out_of_the_submissions_process(imported):
    bank, _ = imported
    folder = bank / "imported" / "greet"
    assert "Hello, Guido" not in (folder / "cases.py").read_text()
    assert "Hello, Guido" in (folder / "coderunner.toml").read_text()
    assert _score(folder, CHEAT) == (0.0, ["test_1", "test_2"])
