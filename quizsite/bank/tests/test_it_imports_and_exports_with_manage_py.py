"""manage.py import_bank and export_bank: thin wrappers over the same library."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.tests.interchange_helpers import FILES


def test_it_imports_and_self_checks_with_the_workers_sandbox(tmp_path, settings):
    settings.GRADER_SANDBOX = "fake"
    out = StringIO()
    call_command("import_bank", str(FILES / "every_type.xml"), "--to", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "wrote python-basics/loops/sqr (sqr)" in text
    assert "note Intro: not imported" in text
    assert "7 question(s) written, 1 not imported, 5 note(s); 1 reference(s) self-checked" in text


def test_it_refuses_a_file_it_cannot_read(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<quiz><question")
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_bank", str(bad), "--to", str(tmp_path / "bank"))


def test_it_exports_a_bank(tmp_path):
    call_command(
        "import_bank",
        str(FILES / "every_type.gift"),
        "--to",
        str(tmp_path / "b"),
        "--no-check",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("export_bank", str(tmp_path / "b"), "--to", str(tmp_path / "b.xml"), stdout=out)
    assert "8 question(s) exported" in out.getvalue()
    assert (
        (tmp_path / "b.xml")
        .read_text()
        .startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    )


def test_it_refuses_to_export_a_broken_bank(tmp_path):
    (tmp_path / "b" / "q").mkdir(parents=True)
    (tmp_path / "b" / "q" / "question.toml").write_text('title = "x"\ntype = "choice"\n')
    with pytest.raises(CommandError, match="key 'prompt': is required"):
        call_command("export_bank", str(tmp_path / "b"), "--to", str(tmp_path / "b.xml"))
    assert not (tmp_path / "b.xml").exists()


@pytest.mark.django_db
def test_it_writes_a_bank_that_sync_bank_imports(tmp_path, settings):
    settings.GRADER_SANDBOX = "fake"
    call_command(
        "import_bank", str(FILES / "every_type.xml"), "--to", str(tmp_path), stdout=StringIO()
    )
    out = StringIO()
    call_command("sync_bank", str(tmp_path), "--bank", "moodle", stdout=out)
    assert "7 created" in out.getvalue()


def test_it_fails_with_the_problems_of_what_it_wrote(tmp_path, settings):
    settings.GRADER_SANDBOX = "fake"
    src = tmp_path / "cube.xml"
    src.write_text(
        '<?xml version="1.0"?><quiz><question type="coderunner"><name><text>Cube</text></name>'
        '<questiontext format="html"><text>Write cube(x).</text></questiontext>'
        "<coderunnertype>python3</coderunnertype><answer>def cube(x):\n    return x * x</answer>"
        '<testcases><testcase mark="1"><testcode><text>print(cube(3))</text></testcode>'
        "<stdin><text></text></stdin><expected><text>27</text></expected>"
        "<display><text>SHOW</text></display></testcase></testcases></question></quiz>"
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 problem\\(s\\); fix them before sync_bank"):
        call_command("import_bank", str(src), "--to", str(tmp_path / "b"), stdout=out)
    assert "does not print what CodeRunner expected in test_1" in out.getvalue()
