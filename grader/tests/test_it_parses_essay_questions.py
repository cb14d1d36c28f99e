"""The essay type: a hand-graded text question with optional word limits, answer box
height and notes for the grader; every bad value reported with its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.bankcheck import validate
from questions.format import FormatError, load_question
from questions.tests.format_helpers import write_question

ESSAY = """
title = "Why cells"
type = "essay"
points = 3
prompt = "Explain."
"""


def test_it_reads_an_essay_with_its_defaults(tmp_path: Path) -> None:
    q = load_question(write_question(tmp_path, "e/plain", ESSAY), qid="e/plain")
    assert (q.type, q.points) == ("essay", 3.0)
    assert (q.min_words, q.max_words, q.response_lines, q.grader_info) == (None, None, 10, "")


def test_it_reads_the_optional_keys(tmp_path: Path) -> None:
    toml = ESSAY + (
        "min_words = 20\nmax_words = 300\nresponse_lines = 15\n"
        'grader_info = "  One point per idea.  "\nexplanation = "Cells."\n'
    )
    q = load_question(write_question(tmp_path, "e/full", toml), qid="e/full")
    assert (q.min_words, q.max_words, q.response_lines) == (20, 300, 15)
    assert (q.grader_info, q.explanation) == ("One point per idea.", "Cells.")


@pytest.mark.parametrize(
    ("extra", "key", "reason"),
    [
        ("min_words = 0", "min_words", "whole number >= 1"),
        ("max_words = 2.5", "max_words", "whole number >= 1"),
        ("min_words = 50\nmax_words = 10", "min_words", "not be more than max_words"),
        ("response_lines = 0", "response_lines", "from 1 to 60"),
        ("response_lines = 61", "response_lines", "from 1 to 60"),
        ("grader_info = 3", "grader_info", "must be a string"),
        ('answers = ["x"]', "answers", "unknown key"),
    ],
)
def test_it_refuses_bad_values_with_their_key(tmp_path: Path, extra, key, reason) -> None:
    write_question(tmp_path, "e/bad", ESSAY + extra + "\n")
    with pytest.raises(FormatError) as caught:
        load_question(tmp_path / "e/bad", qid="e/bad")
    (problem,) = caught.value.problems
    assert (problem.key, reason in problem.reason) == (key, True)


def test_it_passes_the_bank_check(tmp_path: Path) -> None:
    write_question(tmp_path, "e/plain", ESSAY)
    questions, problems = validate(tmp_path)
    assert problems == [] and [q.type for q in questions] == ["essay"]
