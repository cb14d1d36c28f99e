"""The scope check (co_varnames, co_cellvars, co_freevars, co_names) and the flags check."""

from __future__ import annotations

import pytest
from checks_standins import Spec, make_context

from grader.checks.flags import FlagsCheck
from grader.checks.scope import ScopeCheck

COUNTER = """
def make_counter(start):
    x = start
    def c():
        nonlocal x
        x -= 1
        return x
    return c
"""
BROKEN = """
def make_counter(start):
    x = start
    def c():
        x -= 1
        return x
    return c
"""
GEN = "def countdown(n):\n    while n:\n        yield n\n        n -= 1\n"
CORO = "async def fetch(n):\n    return n\n"
AGEN = "async def ticks(n):\n    for i in range(n):\n        yield i\n"

SCOPE_CASES = [
    (COUNTER, "make_counter", {"cellvars": ["x"]}, True),
    (COUNTER, "make_counter", {"locals": ["start", "c"], "freevars": []}, True),
    (COUNTER, "make_counter.c", {"freevars": ["x"], "cellvars": []}, True),
    (COUNTER, "make_counter.c", {"locals": []}, True),
    (BROKEN, "make_counter", {"cellvars": ["x"]}, False),
    (BROKEN, "make_counter.c", {"locals": ["x"]}, True),
    (BROKEN, "make_counter.c", {"freevars": ["x"]}, False),
    ("def f(x):\n    return len(x) + y\n", "f", {"names": ["len", "y"]}, True),
    ("def f(x):\n    return len(x) + y\n", "f", {"names": ["len"]}, False),
]


@pytest.mark.parametrize("source,target,options,passes", SCOPE_CASES)
def test_it_grades_scope_options(source, target, options, passes):
    r = ScopeCheck(Spec("scope", target=target, options=options)).run(make_context(source))
    assert r.passed is passes
    assert (r.feedback == "") is passes


def test_it_says_which_names_were_expected():
    r = ScopeCheck(Spec("scope", target="make_counter.c", options={"freevars": ["x"]})).run(
        make_context(BROKEN)
    )
    assert r.feedback == "make_counter.c's free variables are none, expected [x]."


FLAG_CASES = [
    (GEN, "countdown", {"generator": True}, True),
    (GEN, "countdown", {"generator": False}, False),
    (COUNTER, "make_counter", {"generator": True}, False),
    (CORO, "fetch", {"coroutine": True, "generator": False}, True),
    (AGEN, "ticks", {"async_generator": True, "coroutine": False}, True),
    (AGEN, "ticks", {"generator": True}, False),
    (COUNTER, "make_counter.c", {"nested": True}, True),
    (COUNTER, "make_counter", {"nested": True}, False),
    (COUNTER, "make_counter", {"nested": False}, True),
]


@pytest.mark.parametrize("source,target,options,passes", FLAG_CASES)
def test_it_grades_flags(source, target, options, passes):
    r = FlagsCheck(Spec("flags", target=target, options=options)).run(make_context(source))
    assert r.passed is passes
    assert (r.feedback == "") is passes


def test_it_explains_a_wrong_flag_in_one_sentence():
    spec = Spec("flags", target="make_counter", options={"generator": True})
    r = FlagsCheck(spec).run(make_context(COUNTER))
    assert r.feedback == "make_counter should be a generator function."
    spec = Spec("flags", target="countdown", options={"generator": False})
    assert FlagsCheck(spec).run(make_context(GEN)).feedback == (
        "countdown should not be a generator function."
    )
