"""python -m grader grade|check: output and exit codes."""

import json
import shutil

from pipeline_helpers import FIXTURES

from grader.__main__ import main


def _grade(capsys, qdir, source, tmp_path, *extra):
    sub = tmp_path / "submission.py"
    sub.write_text(source, encoding="utf-8")
    code = main(["grade", str(qdir), str(sub), "--sandbox", "fake", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_one_json_result_and_exits_0_when_it_graded(capsys, tmp_path):
    code, out, err = _grade(
        capsys, FIXTURES / "arith/add", "def add(a, b):\n    return a\n", tmp_path
    )
    assert code == 0
    result = json.loads(out)
    assert result["question"] == "arith/add"
    assert result["status"] == "graded" and result["score"] < result["max_score"]
    assert err == ""


def test_it_exits_0_for_a_syntax_error(capsys, tmp_path):
    code, out, _ = _grade(capsys, FIXTURES / "arith/add", "def add(:\n", tmp_path)
    assert code == 0 and json.loads(out)["score"] == 0.0


def test_it_exits_2_with_one_line_when_the_question_is_broken(capsys, tmp_path):
    qdir = tmp_path / "q"
    shutil.copytree(FIXTURES / "arith/add", qdir)
    (qdir / "reference.py").unlink()
    code, out, err = _grade(capsys, qdir, "def add(a, b):\n    return a\n", tmp_path)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "code.reference" in err


def test_it_exits_2_when_the_submission_file_is_missing(capsys):
    code = main(["grade", str(FIXTURES / "arith/add"), "/nonexistent/sub.py", "--sandbox", "fake"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_it_checks_a_bank_whose_references_earn_full_marks(capsys):
    assert main(["check", str(FIXTURES), "--sandbox", "fake"]) == 0
    out, _ = capsys.readouterr()
    assert "ok   arith/add" in out and "ok   variants/scale" in out


def test_it_names_a_reference_that_does_not_earn_full_marks(capsys, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES, bank)
    (bank / "arith/loop/reference.py").write_text(
        "def double(y):\n    return 2 * y\n\ndef triple(x):\n    return 3 * x\n", encoding="utf-8"
    )
    assert main(["check", str(bank), "--sandbox", "fake"]) == 1
    out, _ = capsys.readouterr()
    assert "FAIL arith/loop/reference.py: scope 'scope-1' fails for the reference" in out
    assert "ok   arith/add" in out


def test_it_names_every_format_problem_of_a_bank(capsys, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES, bank)
    (bank / "misc/pick/question.toml").write_text(
        'title="t"\ntype="choice"\nprompt="p"\noptions=["a","b"]\nanswer="c"\n', encoding="utf-8"
    )
    (bank / "arith/add/reference.py").unlink()
    assert main(["check", str(bank), "--sandbox", "fake"]) == 1
    out, _ = capsys.readouterr()
    assert "FAIL misc/pick/question.toml: key 'answer': must be one of the options" in out
    assert "FAIL arith/add/question.toml: key 'code.reference'" in out


def test_it_checks_a_single_question_folder(capsys):
    assert main(["check", str(FIXTURES / "scopes/counter"), "--sandbox", "fake"]) == 0


def test_it_exits_2_with_one_line_for_a_broken_call(capsys):
    assert main(["grade", str(FIXTURES / "arith/add")]) == 2
    _, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "submission" in err


def test_it_exits_2_for_a_question_that_is_not_code(capsys, tmp_path):
    code, out, err = _grade(capsys, FIXTURES / "misc/pick", "x = 1\n", tmp_path)
    assert code == 2 and out == "" and "choice question" in err
