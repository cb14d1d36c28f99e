"""``grader.sandbox.choose``: the one place a name becomes the real or the fake runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.__main__ import main
from grader.sandbox import choose, fake, protections, runner

ADD = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "arith" / "add"
MISSING = ["seccomp filter + no_new_privs"]


@pytest.mark.parametrize("name, expected", [("real", runner.run), ("fake", fake.run)])
def test_it_gives_the_runner_a_name_stands_for(name, expected):
    assert choose(name) is expected


def test_it_refuses_a_name_it_does_not_know():
    with pytest.raises(ValueError, match="'none'"):
        choose("none")


def test_it_picks_the_real_runner_for_auto_where_it_can_run(monkeypatch):
    monkeypatch.setattr(protections, "missing_essentials", lambda: [])
    notes: list[str] = []
    assert choose("auto", warn=notes.append) is runner.run
    assert notes == []


def test_it_falls_back_for_auto_without_the_essentials_and_says_so(monkeypatch):
    monkeypatch.setattr(protections, "missing_essentials", lambda: MISSING)
    monkeypatch.delenv(protections.DEV_ENV, raising=False)
    notes: list[str] = []
    assert choose("auto", warn=notes.append) is fake.run
    assert notes == ["the isolated sandbox is not available; running without isolation"]


def test_it_keeps_the_real_runner_for_auto_in_development_mode(monkeypatch):
    monkeypatch.setattr(protections, "missing_essentials", lambda: MISSING)
    monkeypatch.setenv(protections.DEV_ENV, "1")
    assert choose("auto") is runner.run


def test_it_never_falls_back_for_real(monkeypatch):
    monkeypatch.setattr(protections, "missing_essentials", lambda: MISSING)
    monkeypatch.delenv(protections.DEV_ENV, raising=False)
    assert choose("real") is runner.run


def test_the_command_line_check_notes_its_fallback(monkeypatch, capsys):
    monkeypatch.setattr(protections, "missing_essentials", lambda: MISSING)
    monkeypatch.delenv(protections.DEV_ENV, raising=False)
    assert main(["check", str(ADD)]) == 0
    captured = capsys.readouterr()
    assert "note: the isolated sandbox is not available; running without isolation" in (
        captured.err
    )
