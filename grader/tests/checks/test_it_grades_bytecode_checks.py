"""The bytecode check: require, forbid, max_instructions, calls_forbidden."""

from __future__ import annotations

import pytest
from checks_standins import Spec, make_context

from grader.checks.bytecode import BytecodeCheck, called_names
from grader.checks.opcodes import UnknownOpcode

COUNTER = """
def make_counter(start):
    x = start
    def c():
        nonlocal x
        x -= 1
        return x
    return c
"""
PYSUM = "def f(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n"
NPSUM = "import numpy as np\n\ndef f(x):\n    return np.sum(x)\n"
METHOD = "def f(x):\n    return x.sum()\n"
BUILTIN = "def f(x):\n    return sum(x)\n"
ALIAS = "def f(x):\n    total = sum\n    return total(x)\n"
LAMBDA = "def f(x):\n    return (lambda: sum(x))()\n"
NOT_CALLED = "def f(x):\n    return sum is len or sum.__name__\n"
COMPREHENSION = "def f(x):\n    return [i + 1 for i in x]\n"

CASES = [
    # (source, target, options, passes)
    (COUNTER, "make_counter.c", {"require": ["LOAD_DEREF", "STORE_DEREF"]}, True),
    (COUNTER, "make_counter.c", {"forbid": ["LOAD_GLOBAL"]}, True),
    (COUNTER, "make_counter.c", {"require": ["LOAD_FAST"]}, False),
    (COUNTER, "make_counter", {"require": ["LOAD_CLOSURE", "STORE_DEREF"]}, True),
    (COUNTER, "make_counter.c", {"require": ["INPLACE_SUBTRACT"]}, True),
    (COUNTER, "make_counter.c", {"require": ["INPLACE_ADD"]}, False),
    (PYSUM, "f", {"forbid": ["FOR_ITER"]}, False),
    (NPSUM, "f", {"forbid": ["FOR_ITER"]}, True),
    (PYSUM, "f", {"require": ["INPLACE_ADD", "BINARY_OP +="]}, True),
    (COMPREHENSION, "f", {"forbid": ["FOR_ITER"]}, False),  # the loop is in <listcomp>
    (COMPREHENSION, "f", {"require": ["BINARY_ADD"]}, True),
    (NPSUM, "f", {"max_instructions": 20}, True),
    (PYSUM, "f", {"max_instructions": 5}, False),
    (BUILTIN, "f", {"calls_forbidden": ["sum"]}, False),
    (ALIAS, "f", {"calls_forbidden": ["sum"]}, False),
    (LAMBDA, "f", {"calls_forbidden": ["sum"]}, False),
    (NOT_CALLED, "f", {"calls_forbidden": ["sum"]}, True),
    (NPSUM, "f", {"calls_forbidden": ["sum"]}, True),
    (NPSUM, "f", {"calls_forbidden": ["np.sum"]}, False),
    (METHOD, "f", {"calls_forbidden": [".sum"]}, False),
    (METHOD, "f", {"calls_forbidden": ["sum", "np.sum"]}, True),
]


@pytest.mark.parametrize("source,target,options,passes", CASES)
def test_it_grades_bytecode_options(source, target, options, passes):
    spec = Spec("bytecode", target=target, options=options, points=2.0)
    r = BytecodeCheck(spec).run(make_context(source))
    assert r.passed is passes
    assert r.points == (2.0 if passes else 0.0) and r.max_points == 2.0
    if passes:
        assert r.feedback == ""
    else:
        assert target in r.feedback and r.feedback.endswith(".")


def test_it_names_what_is_missing_forbidden_or_too_long():
    ctx = make_context(PYSUM)
    r = BytecodeCheck(Spec("bytecode", target="f", options={"forbid": ["FOR_ITER"]})).run(ctx)
    assert r.feedback == "f uses FOR_ITER, which this exercise does not allow."
    r = BytecodeCheck(Spec("bytecode", target="f", options={"max_instructions": 5})).run(ctx)
    assert r.details["instructions"] > 5
    assert f"has {r.details['instructions']} bytecode instructions; at most 5" in r.feedback
    r = BytecodeCheck(Spec("bytecode", target="f", options={"require": ["LOAD_DEREF"]})).run(ctx)
    assert r.feedback == "f never uses LOAD_DEREF."


def test_it_counts_instructions_as_dis_lists_them_without_caches():
    import dis

    ctx = make_context(BUILTIN)
    code = ctx.code_for("f")
    shown = [i for i in dis.get_instructions(code, show_caches=True) if i.opname != "CACHE"]
    spec = Spec("bytecode", target="f", options={"max_instructions": len(shown)})
    assert BytecodeCheck(spec).run(ctx).passed
    spec = Spec("bytecode", target="f", options={"max_instructions": len(shown) - 1})
    assert not BytecodeCheck(spec).run(ctx).passed


def test_it_adds_the_question_hint_after_its_own_sentence():
    spec = Spec("bytecode", target="f", options={"forbid": ["FOR_ITER"]}, feedback="Use NumPy.")
    r = BytecodeCheck(spec).run(make_context(PYSUM))
    assert r.feedback == "f uses FOR_ITER, which this exercise does not allow. Use NumPy."


def test_it_fails_a_missing_or_non_function_target_with_a_sentence():
    ctx = make_context("f = 3\n")
    r = BytecodeCheck(Spec("bytecode", target="f", options={"forbid": ["FOR_ITER"]})).run(ctx)
    assert not r.passed and r.feedback.startswith("f is not a function")
    r = BytecodeCheck(Spec("bytecode", target="g", options={"forbid": ["FOR_ITER"]})).run(ctx)
    assert not r.passed and r.feedback.startswith("g is not a function")


def test_it_defaults_to_the_first_entry():
    ctx = make_context(PYSUM, entry=("f",))
    r = BytecodeCheck(Spec("bytecode", options={"forbid": ["FOR_ITER"]})).run(ctx)
    assert not r.passed and r.feedback.startswith("f uses FOR_ITER")


def test_it_refuses_a_misspelt_opcode_as_the_questions_fault():
    with pytest.raises(UnknownOpcode):
        BytecodeCheck(Spec("bytecode", target="f", options={"forbid": ["FOR_ITERR"]})).run(
            make_context(PYSUM)
        )


@pytest.mark.parametrize(
    "body,called",
    [
        ("return max(sum(x), 1) if x else len(x)", {"max", "sum", "len"}),
        (
            "try:\n        return len(x)\n    except TypeError:\n        return abs(x)",
            {"len", "abs"},
        ),
        ("return sorted(x, key=abs)", {"sorted"}),
        ("return min(*x)", {"min"}),
        ("x.append(1)\n    return x", {"x.append"}),
        ("return [str(v) for v in x]", {"str"}),
        ("return [abs, x]", set()),
        ("assert x, abs\n    return 1", set()),  # AssertionError(abs) is called, not abs
        ("return math.floor(x)", {"math.floor"}),
        ("with open(x) as fh:\n        return fh.read()", {"open", "fh.read"}),
        ("a, b = x\n    return a(b)", {"a"}),
    ],
)
def test_it_finds_the_names_that_are_called(body, called):
    ctx = make_context(f"def f(x):\n    {body}\n")
    assert called_names(ctx.code_for("f")) == called
