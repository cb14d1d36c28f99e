import dataclasses

from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

CLOSE = "def add(a, b):\n    return (a + b) * (1 + 1e-6)\n"


def test_it_fails_a_close_float_under_the_default_tolerance(fake_run):
    result = grade(fixture_question("arith/add"), CLOSE, sandbox=fake_run)
    assert not by_name(result)["test-2"].passed


def test_it_passes_a_close_float_when_the_test_allows_it(fake_run):
    q = fixture_question("arith/add")
    loose = dataclasses.replace(q.code.tests[1], tolerance=1e-5)
    q = dataclasses.replace(q, code=dataclasses.replace(q.code, tests=(q.code.tests[0], loose)))
    result = grade(q, CLOSE, sandbox=fake_run)
    assert by_name(result)["test-2"].passed
    assert not by_name(result)["test-1"].passed  # ints stay exact: 5 vs 5.000005
