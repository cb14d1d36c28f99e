"""The check kinds graded end to end by ``grader.pipeline.grade`` in the real sandbox.

The submission patches ``dis``, ``inspect`` and ``marshal`` in its own process and
rebinds names; the checks still see the trusted compile of what each name ends up
bound to. Skipped where the isolated sandbox is not available.
"""

from __future__ import annotations

import pytest

from grader.pipeline import clear_reference_cache, grade
from questions.format import load_question

QUESTION = """
title = "Closures"
type = "code"
prompt = "Write f and outer."

[code]
entry = ["f", "outer"]
reference = "reference.py"

[[checks]]
name = "no-loop"
kind = "bytecode"
target = "f"
forbid = ["FOR_ITER"]

[[checks]]
name = "inner-free"
kind = "scope"
target = "outer.inner"
freevars = ["y"]

[[checks]]
name = "inner-nested"
kind = "flags"
target = "outer.inner"
nested = true

[[checks]]
name = "raises"
kind = "raises"
expr = "f(None)"
exception = "TypeError"
"""
REFERENCE = """
def f(x):
    return sum(x)

def outer():
    y = 1
    def inner():
        return y
    return inner
"""
PATCHING = """
import dis, inspect, marshal
dis.get_instructions = lambda *a, **k: iter(())
dis.Bytecode = None
inspect.isgeneratorfunction = lambda f: True
marshal.dumps = lambda *a: b""

def f(x):
    return sum(x)

def f(x):          # the name ends up bound to this loop
    s = 0
    for i in x:
        s += i
    return s

def outer():
    def inner():
        y = 2      # a local, not the enclosing y
        return y
    return inner
"""
LAMBDA = (
    REFERENCE
    + "\ndef f(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n"
    + "\nf = lambda x: sum(x)  # what the checks must see\n"
)


@pytest.fixture
def question(tmp_path):
    (tmp_path / "question.toml").write_text(QUESTION)
    (tmp_path / "reference.py").write_text(REFERENCE)
    clear_reference_cache()
    return load_question(tmp_path, "closures")


def _by_name(result):
    return {c.name: c for c in result.checks}


def test_it_gives_the_reference_full_marks(question, real_sandbox):
    result = grade(question, REFERENCE, sandbox=real_sandbox)
    assert result.status == "graded" and result.score == result.max_score


def test_it_sees_through_a_submission_that_patches_dis_inspect_and_marshal(question, real_sandbox):
    result = grade(question, PATCHING, sandbox=real_sandbox)
    checks = _by_name(result)
    assert result.status == "graded"
    assert not checks["no-loop"].passed
    assert checks["no-loop"].feedback == "f uses FOR_ITER, which this exercise does not allow."
    assert not checks["inner-free"].passed
    assert checks["inner-nested"].passed
    assert checks["raises"].passed


def test_it_checks_a_name_rebound_to_a_lambda(question, real_sandbox):
    result = grade(question, LAMBDA, sandbox=real_sandbox)
    assert all(c.passed for c in result.checks)


PERF_QUESTION = """
title = "Fast sum"
type = "code"
prompt = "Sum x with NumPy."

[code]
entry = ["npsum"]
reference = "reference.py"
cases = "cases.py"

[[checks]]
name = "speed"
kind = "performance"
baseline = "slow.py:pysum"
inputs = "perf_input"
sizes = [20000]
faster_by = 5
"""
PERF_CASES = """
import numpy as np

def perf_input(n, rng):
    return (np.random.default_rng(rng.randrange(2**32)).integers(0, 1000, size=n),)
"""
SLOW = "def pysum(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n"
FAST = "def npsum(x):\n    return x.sum()\n"


@pytest.fixture
def perf_question(tmp_path):
    (tmp_path / "question.toml").write_text(PERF_QUESTION)
    (tmp_path / "reference.py").write_text(FAST)
    (tmp_path / "cases.py").write_text(PERF_CASES)
    (tmp_path / "slow.py").write_text(SLOW)
    clear_reference_cache()
    return load_question(tmp_path, "fast-sum")


def test_it_times_against_a_visible_baseline_file(perf_question, real_sandbox):
    fast = _by_name(grade(perf_question, FAST, sandbox=real_sandbox))["speed"]
    assert fast.passed and fast.details["ratio"] > fast.details["threshold"]
    slow = _by_name(grade(perf_question, SLOW.replace("pysum", "npsum"), sandbox=real_sandbox))
    assert not slow["speed"].passed
    assert slow["speed"].feedback.startswith("Your function is ")
    assert "it must be at least 5x faster." in slow["speed"].feedback
