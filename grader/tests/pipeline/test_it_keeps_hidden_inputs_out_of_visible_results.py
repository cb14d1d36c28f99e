"""A submission that records what hidden tests gave it cannot return it through a
visible test, a raises check, or the name of an exception class."""

import json
import random

from pipeline_helpers import by_name, fixture_question

from grader.pipeline import driver_seed, grade

# Remembers every argument; a later visible call returns or raises with all of them.
RECORDER = """
seen = []

def add(a, b):
    seen.append((a, b))
    if (a, b) == (2, 3):
        return repr(seen)
    return a + b
"""

# Hides the arguments in the name of an exception class raised by the hidden test.
NAMED_LEAK = """
def add(a, b):
    if isinstance(a, int) and (a, b) != (2, 3):
        raise type("Leak_%d_%d" % (abs(a), abs(b)), (Exception,), {})()
    return a + b
"""


def _hidden_pairs(seed: int) -> list[tuple[int, int]]:
    rng = random.Random(driver_seed(seed, "random_pairs"))
    return [(rng.randint(-1000, 1000), rng.randint(-1000, 1000)) for _ in range(5)]


def test_it_runs_visible_tests_before_hidden_ones(fake_run):
    # Put the hidden test first in the question, so only the probe's ordering protects.
    import dataclasses

    q = fixture_question("arith/add")
    tests = (q.code.tests[2], q.code.tests[0], q.code.tests[1])
    q = dataclasses.replace(q, code=dataclasses.replace(q.code, tests=tests))
    result = grade(q, RECORDER, sandbox=fake_run, seed=11)
    text = json.dumps(result.as_dict())
    for a, b in _hidden_pairs(11):
        assert f"({a}, {b})" not in text
    assert by_name(result)["test-1"].feedback == "add(2, 3) returned '[(2, 3)]', expected 5."


def test_it_does_not_name_a_submission_made_exception_class_for_a_hidden_test(fake_run):
    result = grade(fixture_question("arith/add"), NAMED_LEAK, sandbox=fake_run, seed=3)
    hidden = by_name(result)["random_pairs"]
    assert hidden.feedback == "A hidden test failed."
    assert "Leak" not in json.dumps(result.as_dict())
