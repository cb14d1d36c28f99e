"""python -m grader import|export: written, noted, validated and self-checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.__main__ import main
from questions.format import load_bank

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "questions" / "tests" / "interchange_files"

_WRONG_ANSWER = """<?xml version="1.0"?>
<quiz>
  <question type="coderunner">
    <name><text>Cube</text></name>
    <questiontext format="html"><text>Write cube(x).</text></questiontext>
    <coderunnertype>python3</coderunnertype>
    <answer>def cube(x):
    return x * x</answer>
    <testcases>
      <testcase mark="1"><testcode><text>print(cube(3))</text></testcode>
        <stdin><text></text></stdin><expected><text>27</text></expected>
        <display><text>SHOW</text></display></testcase>
    </testcases>
  </question>
</quiz>
"""


def test_it_writes_reports_and_self_checks(tmp_path, capsys):
    assert (
        main(["import", str(FILES / "every_type.xml"), "--to", str(tmp_path), "--sandbox", "fake"])
        == 0
    )
    out = capsys.readouterr().out
    assert "wrote python-basics/loops/sqr (sqr)" in out
    assert "wrote python-basics/loops/explain-closures (Explain closures)" in out
    assert "note Intro: not imported: a description" in out
    assert "7 question(s) written, 1 not imported" in out
    assert "1 reference(s) self-checked, 0 problem(s)" in out


def test_it_fails_when_the_reference_does_not_print_what_coderunner_expected(tmp_path, capsys):
    src = tmp_path / "cube.xml"
    src.write_text(_WRONG_ANSWER)
    assert main(["import", str(src), "--to", str(tmp_path / "bank"), "--sandbox", "fake"]) == 1
    out = capsys.readouterr().out
    assert (
        "FAIL imported/cube/reference.py: does not print what CodeRunner expected in test_1" in out
    )
    assert "'9'" in out and "'27'" in out
    assert (tmp_path / "bank" / "imported" / "cube" / "question.toml").is_file()


def test_it_exits_2_for_a_file_it_cannot_read(tmp_path, capsys):
    src = tmp_path / "bad.xml"
    src.write_text("<quiz><question")
    assert main(["import", str(src), "--to", str(tmp_path / "bank")]) == 2
    assert (
        "FAIL" in capsys.readouterr().out
        and "not well-formed XML" in capsys.readouterr().out + "not well-formed XML"
    )


def test_it_leaves_a_package_a_ta_already_has(tmp_path, capsys):
    args = ["import", str(FILES / "every_type.gift"), "--to", str(tmp_path), "--no-check"]
    assert main(args) == 0
    pi = tmp_path / "gift-examples" / "pi" / "question.toml"
    pi.write_text(pi.read_text().replace("tolerance = 0.005", "tolerance = 0.01"))
    capsys.readouterr()
    assert main(args) == 0
    assert "gift-examples/pi: already in the bank, left as it is" in capsys.readouterr().out
    assert "tolerance = 0.01" in pi.read_text()


def test_it_exports_a_bank(tmp_path, capsys):
    assert (
        main(["import", str(FILES / "every_type.gift"), "--to", str(tmp_path / "b"), "--no-check"])
        == 0
    )
    assert main(["export", str(tmp_path / "b"), "--to", str(tmp_path / "out.xml")]) == 0
    assert "8 question(s) exported" in capsys.readouterr().out
    assert (tmp_path / "out.xml").read_text().count("<question type=") == 9  # and a category


def test_it_imports_into_a_folder_of_an_existing_bank(tmp_path, capsys):
    (tmp_path / "bank.toml").write_text("")
    target = tmp_path / "from-moodle"
    assert (
        main(["import", str(FILES / "every_type.xml"), "--to", str(target), "--sandbox", "fake"])
        == 0
    )
    assert not (target / "bank.toml").exists()  # the ids stay those of the enclosing bank
    ids = {q.id for q in load_bank(tmp_path)}
    assert "from-moodle/python-basics/loops/sqr" in ids
    assert "1 reference(s) self-checked, 0 problem(s)" in capsys.readouterr().out


def test_it_needs_no_django(tmp_path):
    script = (
        "import sys\n"
        "from grader.__main__ import main\n"
        f"assert main(['import', {str(FILES / 'every_type.xml')!r}, '--to', {str(tmp_path / 'b')!r},"
        " '--sandbox', 'fake']) == 0\n"
        f"assert main(['export', {str(tmp_path / 'b')!r}, '--to', {str(tmp_path / 'b.xml')!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
