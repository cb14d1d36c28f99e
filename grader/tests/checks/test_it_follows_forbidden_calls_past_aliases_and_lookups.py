"""``calls_forbidden`` follows a callable wherever the submission binds it, and refuses
run-time lookups it cannot follow.

Each row is one program and the verdict of a ``calls_forbidden`` check on its ``f``:
``pass``, ``calls`` (calls a forbidden entry), ``passed`` (hands one to other code as a
value) or ``lookup`` (looks a name up at run time). The analysis is static, so the rows
are compiled and never run.
"""

from __future__ import annotations

import json
import subprocess
import types
from pathlib import Path

import pytest
from checks_standins import Code, Question, Spec
from forbidden_call_rows import NPSUM, ROWS, SUM, target_code

from grader.checks.base import GradingContext
from grader.checks.bytecode import BytecodeCheck, forbidden_calls
from grader.checks.calls import find_forbidden
from grader.sandbox import fake
from grader.tests.pythons import installed_pythons, probe_env

ROOT = Path(__file__).resolve().parents[3]


def _static_context(source: str) -> GradingContext:
    """A context whose targets are found in the trusted compile by name, without running it."""
    module_code = compile(source, "submission.py", "exec")
    return GradingContext(
        question=Question(Code(entry=("f",))),
        source=source,
        module_code=module_code,
        resolve=lambda target: target_code(module_code, target),
        run_sandbox=fake.run,
    )


def _verdict(details: dict, passed: bool) -> str:
    if passed:
        return "pass"
    for key, verdict in (("calls", "calls"), ("passed_on", "passed"), ("lookups", "lookup")):
        if details.get(key):
            return verdict
    return "other"


@pytest.mark.parametrize(
    "source,forbidden,expected", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_it_judges_each_program(source, forbidden, expected):
    spec = Spec("bytecode", target="f", options={"calls_forbidden": forbidden}, points=1.0)
    r = BytecodeCheck(spec).run(_static_context(source))
    assert _verdict(r.details, r.passed) == expected, r.feedback
    if not r.passed:
        assert r.feedback.startswith("f ") and r.feedback.endswith(".")


def test_it_names_each_reason_in_one_sentence():
    def feedback(source: str, forbidden: list[str]) -> str:
        spec = Spec("bytecode", target="f", options={"calls_forbidden": forbidden})
        return BytecodeCheck(spec).run(_static_context(source)).feedback

    assert (
        feedback("s = sum\ndef f(xs):\n    return s(xs)\n", SUM)
        == "f calls sum, which this exercise does not allow."
    )
    assert feedback("def f(rows):\n    return list(map(sum, rows))\n", SUM) == (
        "f hands sum to other code as a value, which this check cannot follow; "
        "this exercise does not allow calling sum."
    )
    assert feedback(
        "import builtins\ndef f(xs, n):\n    return getattr(builtins, n)(xs)\n", SUM
    ) == (
        "f looks names up at run time (getattr with a computed name), which this check "
        "cannot follow; call things by their names."
    )
    both = feedback("def f(xs):\n    return eval('x') + globals()['y']\n", SUM)
    assert "(eval and globals())" in both


def test_it_names_the_forbidden_entry_as_the_question_wrote_it():
    ctx = _static_context("import numpy as xx\ndef f(a):\n    return xx.sum(a)\n")
    spec = Spec("bytecode", target="f", options={"calls_forbidden": NPSUM})
    r = BytecodeCheck(spec).run(ctx)
    assert r.details["calls"] == ["np.sum"]
    assert r.feedback == "f calls np.sum, which this exercise does not allow."


def test_it_prefers_the_forbidden_call_over_the_lookup_when_both_apply():
    ctx = _static_context("def f(src):\n    return eval(src)\n")
    spec = Spec("bytecode", target="f", options={"calls_forbidden": ["eval", "exec"]})
    r = BytecodeCheck(spec).run(ctx)
    assert r.details["calls"] == ["eval"]
    assert r.feedback == "f calls eval, which this exercise does not allow."


def test_it_keeps_forbidden_calls_usable_without_a_module():
    module = compile("s = sum\ndef f(xs):\n    return s(xs)\n", "m.py", "exec")
    (f,) = [c for c in module.co_consts if isinstance(c, types.CodeType)]
    assert forbidden_calls(f, ["sum"]) == []  # alone, ``s`` is just a global named s
    assert forbidden_calls(f, ["sum"], module=module) == ["sum"]
    found = find_forbidden(f, ["sum", "len"], module=module)
    assert found.calls == ["sum"] and not found.passed_on and not found.lookups


OTHER_PYTHONS = installed_pythons()


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_it_gives_the_same_verdicts_on_the_other_pythons(version):
    """The version notes in grader.checks.calls, exercised where that Python is installed."""
    python = OTHER_PYTHONS.get(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    rows = ROOT / "grader" / "tests" / "checks" / "forbidden_call_rows.py"
    out = subprocess.run(
        [python, str(rows)], capture_output=True, text=True, env=probe_env(), cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert {tuple(line[2]) for line in lines} == {tuple(int(p) for p in version.split("."))}
    expected = {name: verdict for name, _, _, verdict in ROWS}
    got = {name: verdict for name, verdict, _ in lines}
    assert got == expected


def test_it_refuses_a_malformed_entry_when_the_question_is_loaded():
    from grader.checks import option_problems

    assert option_problems("bytecode", {"calls_forbidden": ["sum", "np.linalg.norm", ".sum"]}) == []
    problems = option_problems("bytecode", {"calls_forbidden": ["sum()", "np..sum", "."]})
    assert len(problems) == 3
    assert problems[0].startswith("calls_forbidden: 'sum()' is not a name")
