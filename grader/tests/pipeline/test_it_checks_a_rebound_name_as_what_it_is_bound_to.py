"""Static checks look at the function a name is bound to after the module ran."""

import types

from pipeline_helpers import by_name, fixture_question

from grader.pipeline import PROBE_TASK, Resolver, grade
from grader.sandbox.api import Limits

REBOUND = """
def double(x):
    return 2 * x

double = lambda y: 2 * y

def triple(x):
    return 3 * x
"""


def _resolver(fake_run, source, targets):
    probe = fake_run(
        PROBE_TASK, {"source": source, "filename": "submission.py", "targets": targets}, Limits()
    ).value
    return Resolver(compile(source, "submission.py", "exec", dont_inherit=True), probe["bindings"])


def test_it_resolves_a_rebound_name_to_the_lambda_not_the_def(fake_run):
    code = _resolver(fake_run, REBOUND, ["double"]).resolve("double")
    assert isinstance(code, types.CodeType)
    assert code.co_name == "<lambda>" and code.co_varnames == ("y",)


def test_it_fails_a_scope_check_on_the_rebound_function(fake_run):
    # Tests still pass (the lambda doubles) but `double`'s local is y, not x.
    result = grade(fixture_question("arith/loop"), REBOUND, sandbox=fake_run)
    checks = by_name(result)
    assert checks["test-1"].passed and checks["test-2"].passed
    assert not checks["scope-1"].passed
    assert result.status == "graded"


def test_it_passes_the_same_check_when_the_name_keeps_its_def(fake_run):
    src = REBOUND.replace("double = lambda y: 2 * y", "other = lambda y: 2 * y")
    result = grade(fixture_question("arith/loop"), src, sandbox=fake_run)
    assert by_name(result)["scope-1"].passed
    assert result.score == result.max_score


def test_it_tells_two_lambdas_on_one_line_apart(fake_run):
    src = "f = lambda a: a + 1; g = lambda b: b - 1\n"
    r = _resolver(fake_run, src, ["f", "g"])
    assert r.resolve("f").co_varnames == ("a",)
    assert r.resolve("g").co_varnames == ("b",)


def test_it_resolves_nested_targets_through_the_outer_functions_constants(fake_run):
    src = "def make(x):\n    def c(y):\n        return x + y\n    return c\n"
    r = _resolver(fake_run, src, ["make.c", "make.nope"])
    assert r.resolve("make.c").co_qualname == "make.<locals>.c"
    assert r.resolve("make.nope") is None
    assert r.explain("make.nope") == "make does not define a function named nope inside it."


def test_it_does_not_resolve_a_function_whose_bytecode_was_swapped(fake_run):
    # Same qualname and first line as the def, different bytecode: not the source's code.
    src = (
        "def f(x):\n    return x\n"
        "def g(x):\n    return -x\n"
        "f.__code__ = f.__code__.replace(co_code=g.__code__.co_code)\n"
    )
    r = _resolver(fake_run, src, ["f", "g"])
    assert r.resolve("f") is None
    assert r.explain("f") == "f is not a function written in your code with def or lambda."
    assert r.resolve("g").co_name == "g"


def test_it_explains_names_that_are_missing_or_not_functions(fake_run):
    r = _resolver(
        fake_run, "f = 3\nclass K:\n    def m(self):\n        pass\n", ["f", "h", "K.m", "K"]
    )
    assert (
        r.resolve("f") is None and r.explain("f") == "f is not a function (it is bound to a int)."
    )
    assert r.resolve("h") is None and r.explain("h") == "h is not defined in your code."
    assert r.resolve("K.m").co_qualname == "K.m"
    assert r.resolve("K") is None
