"""Limits and crashes caused by the submission are its own: status graded, never error."""

import pytest
from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

pytestmark = pytest.mark.slow

DOUBLE = "def double(x):\n    return 2 * x\n\n"


def _grade(real_sandbox, source):
    return grade(fixture_question("arith/loop"), source, sandbox=real_sandbox)


def test_it_grades_the_other_tests_when_one_test_exits_the_process(real_sandbox):
    result = _grade(real_sandbox, DOUBLE + "def triple(x):\n    import os\n    os._exit(3)\n")
    checks = by_name(result)
    assert result.status == "graded"
    assert checks["test-1"].passed and checks["test-3"].passed and checks["scope-1"].passed
    assert not checks["test-2"].passed and "crashed" in checks["test-2"].feedback


def test_it_grades_a_test_that_exhausts_memory_as_failed(real_sandbox):
    result = _grade(real_sandbox, DOUBLE + "def triple(x):\n    return [0] * (10**10)\n")
    checks = by_name(result)
    assert result.status == "graded"
    assert checks["test-1"].passed and not checks["test-2"].passed
    assert "MemoryError" in checks["test-2"].feedback or "memory" in checks["test-2"].feedback


def test_it_grades_a_module_that_floods_its_output_zero(real_sandbox):
    result = _grade(real_sandbox, "print('x' * 10**7)\n" + DOUBLE)
    assert result.status == "graded" and result.score == 0.0
    assert result.checks[0].feedback == "Your code printed too much output and was stopped."
