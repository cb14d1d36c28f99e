"""A check kind is one class in one module plus its line in the registry: the loader
then judges its options and the pipeline runs it, with no other change."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from grader import checks, pipeline
from grader.bankcheck import load_question
from grader.checks.base import Check, CheckResult, GradingContext
from grader.checks.common import code_or_failure, result
from grader.sandbox import fake
from questions.format import CheckOptions, FormatError
from questions.tests.format_helpers import CODE_TOML, write_question


class ArgumentsCheck(Check):
    """A kind made up for this test: the target takes exactly ``count`` arguments."""

    kind: ClassVar[str] = "arguments"
    option_keys: ClassVar[frozenset[str]] = frozenset({"count"})

    @classmethod
    def validate(cls, check: CheckOptions) -> list[tuple[str, str]]:
        count = check.options.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return [("count", "must be a whole number >= 0")]
        return []

    def run(self, ctx: GradingContext) -> CheckResult:
        target, code, failure = code_or_failure(self.spec, ctx)
        if code is None:
            assert failure is not None
            return failure
        got = code.co_argcount
        passed = got == self.spec.options["count"]
        return result(self.spec, passed, f"{target} takes {got} argument(s).", {"count": got})


@pytest.fixture
def with_arguments_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(checks.KINDS, ArgumentsCheck.kind, ArgumentsCheck)


def _package(tmp_path: Path, options: str) -> Path:
    toml = CODE_TOML + '\n[[checks]]\nkind = "arguments"\n' + options + "\n"
    return write_question(tmp_path, "q", toml, reference__py="def add(a, b):\n    return a + b\n")


def test_it_refuses_the_kind_until_it_is_registered(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as refused:
        load_question(_package(tmp_path, "count = 2"), qid="q")
    assert [(p.key, p.reason.split(" (")[0]) for p in refused.value.problems] == [
        ("checks[1].kind", f"must be one of {', '.join(checks.CHECK_KINDS)}")
    ]


@pytest.mark.usefixtures("with_arguments_kind")
def test_it_has_the_kind_judge_its_own_options(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as refused:
        load_question(_package(tmp_path, 'count = "two"\ncolour = "red"'), qid="q")
    assert sorted(str(p) for p in refused.value.problems) == [
        "q/question.toml: key 'checks[1].colour': unknown key (allowed here: count, "
        "feedback, kind, name, points, target, title)",
        "q/question.toml: key 'checks[1].count': must be a whole number >= 0",
    ]


@pytest.mark.usefixtures("with_arguments_kind")
@pytest.mark.parametrize(
    ("source", "passed"),
    [("def add(a, b):\n    return a\n", True), ("def add(a):\n    return a\n", False)],
)
def test_it_grades_with_the_kind(tmp_path: Path, source: str, passed: bool) -> None:
    question = load_question(_package(tmp_path, "count = 2"), qid="q")
    graded = pipeline.grade(question, source, sandbox=fake.run)
    assert graded.status == "graded"
    (check,) = [c for c in graded.checks if c.kind == "arguments"]
    details: dict[str, Any] = check.details
    assert check.passed is passed and details["count"] == (2 if passed else 1)
