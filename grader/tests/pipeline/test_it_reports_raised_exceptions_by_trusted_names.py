"""The probe names an exception's class; a submission cannot fake a builtin's name."""

from pipeline_helpers import by_name, fixture_question

from grader.pipeline import PROBE_TASK, grade
from grader.sandbox.api import Limits

FAKE_TYPEERROR = """
class TypeError(Exception):
    pass

def make_counter(x):
    def c(y):
        nonlocal x
        if type(y) is str:
            raise TypeError("fake")
        x -= y
        return x
    return c
"""

REAL = "def make_counter(x):\n    def c(y):\n        nonlocal x\n        x -= y\n        return x\n    return c\n"


def test_it_passes_a_raises_check_only_for_the_real_builtin(fake_run):
    good = grade(fixture_question("scopes/counter"), REAL, sandbox=fake_run)
    assert by_name(good)["raises-2"].passed
    fake = grade(fixture_question("scopes/counter"), FAKE_TYPEERROR, sandbox=fake_run)
    assert not by_name(fake)["raises-2"].passed


def test_it_reports_raises_results_keyed_by_check_name(fake_run):
    payload = {
        "source": FAKE_TYPEERROR,
        "raises": [
            {"name": "a", "expr": "make_counter(1)('x')"},
            {"name": "b", "expr": "make_counter(1)(None)"},
            {"name": "c", "expr": "make_counter(1)(1)"},
        ],
    }
    probe = fake_run(PROBE_TASK, payload, Limits()).value
    assert probe["raises"] == {
        "a": {"raised": "submission.TypeError", "error": None},
        "b": {"raised": "TypeError", "error": None},
        "c": {"raised": None, "error": None},
    }


def test_it_passes_a_test_whose_reference_raises_when_the_submission_raises_the_same(fake_run):
    # Test-level exceptions compare by trusted name too.
    payload = {"source": FAKE_TYPEERROR, "tests": [{"name": "t", "expr": "make_counter(1)('x')"}]}
    probe = fake_run(PROBE_TASK, payload, Limits()).value
    assert probe["tests"]["t"]["raised"] == "submission.TypeError"
    assert probe["tests"]["t"]["line"] == 9
