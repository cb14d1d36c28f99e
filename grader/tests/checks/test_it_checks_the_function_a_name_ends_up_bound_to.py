"""Targets resolve to what the module holds after running, not to what its source says."""

from __future__ import annotations

from checks_standins import Spec, make_context

from grader.checks.bytecode import BytecodeCheck
from grader.checks.flags import FlagsCheck
from grader.checks.scope import ScopeCheck

REBOUND = """
def f(x):
    total = 0
    for i in x:
        total += i
    return total

f = lambda x: sum(x)
"""

NESTED = """
def outer():
    y = 1
    def middle():
        def inner():
            return y
        return inner
    return middle
"""


def test_it_checks_a_name_rebound_to_a_lambda_as_the_lambda():
    ctx = make_context(REBOUND)
    assert ctx.code_for("f").co_name == "<lambda>"
    loop = BytecodeCheck(Spec("bytecode", target="f", options={"require": ["FOR_ITER"]}))
    assert not loop.run(ctx).passed  # the def had a loop; the lambda does not
    calls = BytecodeCheck(Spec("bytecode", target="f", options={"calls_forbidden": ["sum"]}))
    assert not calls.run(ctx).passed
    assert ScopeCheck(Spec("scope", target="f", options={"locals": ["x"]})).run(ctx).passed


def test_it_reaches_nested_functions_by_dotted_path():
    ctx = make_context(NESTED)
    assert ctx.code_for("outer.middle.inner").co_qualname == "outer.<locals>.middle.<locals>.inner"
    scope = ScopeCheck(Spec("scope", target="outer.middle.inner", options={"freevars": ["y"]}))
    assert scope.run(ctx).passed
    middle = ScopeCheck(Spec("scope", target="outer.middle", options={"freevars": ["y"]}))
    assert middle.run(ctx).passed  # middle passes y through to inner
    nested = FlagsCheck(Spec("flags", target="outer.middle.inner", options={"nested": True}))
    assert nested.run(ctx).passed
    missing = FlagsCheck(Spec("flags", target="outer.nothing", options={"nested": True}))
    r = missing.run(ctx)
    assert not r.passed and "outer.nothing" in r.feedback
