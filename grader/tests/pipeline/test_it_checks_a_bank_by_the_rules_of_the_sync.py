"""python -m grader check applies the bank sync's rules (grader.bankcheck): the same
problems, by the same rule, as sync_bank would refuse the bank with."""

import shutil

from pipeline_helpers import FIXTURES

from grader import bankcheck
from grader.__main__ import main
from grader.sandbox import fake


def test_it_reports_what_the_sync_would_refuse(capsys, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES, bank)
    toml = bank / "arith/loop/question.toml"
    toml.write_text(
        toml.read_text().replace('target = "double"', 'target = "double.inner"'),
        encoding="utf-8",
    )
    (bank / "misc/pick/question.toml").write_text(
        'title="t"\ntype="choice"\nprompt="p"\noptions=["a","b"]\nanswer="a"\n'
        '[[checks]]\nkind="scope"\n',
        encoding="utf-8",
    )

    assert main(["check", str(bank), "--sandbox", "fake"]) == 1
    out = capsys.readouterr().out.splitlines()

    _, problems = bankcheck.check_folder(bank, fake.run)
    assert sorted(p.key for p in problems) == ["checks", "checks[1].target"]
    assert [line for line in out if line.startswith("FAIL")] == [f"FAIL {p}" for p in problems]
    assert "ok   arith/add" in out and "ok   arith/loop" not in out
