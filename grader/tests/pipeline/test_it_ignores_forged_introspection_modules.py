"""The submission may replace dis, inspect and marshal: the trusted side never uses
what the submission's process holds, only its own compile of the source."""

import pytest
from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

# In the submission's own namespace: shadow the modules with fakes that would claim
# anything, and patch the real modules inside the submission's process.
FORGED = """
import dis, inspect, marshal, sys

class Liar:
    def __getattr__(self, name):
        return lambda *a, **k: []

dis = inspect = marshal = Liar()
sys.modules["dis"] = Liar()
sys.modules["inspect"] = Liar()
sys.modules["marshal"] = Liar()

double = lambda y: 2 * y

def triple(x):
    return 3 * x
"""


def _outcome(result):
    return {c.name: (c.passed, c.points) for c in result.checks}


PLAIN = "double = lambda y: 2 * y\n\ndef triple(x):\n    return 3 * x\n"


@pytest.fixture
def restore_modules():
    import sys

    saved = {k: sys.modules[k] for k in ("dis", "inspect", "marshal") if k in sys.modules}
    yield
    sys.modules.update(saved)


def test_it_grades_forged_introspection_like_the_plain_submission(fake_run, restore_modules):
    # The fake runner shares this process, so the forgery even reaches the grader's own
    # sys.modules here: the verdict must still be the plain submission's.
    forged = grade(fixture_question("arith/loop"), FORGED, sandbox=fake_run)
    plain = grade(fixture_question("arith/loop"), PLAIN, sandbox=fake_run)
    assert forged.status == plain.status == "graded"
    assert _outcome(forged) == _outcome(plain)
    assert not by_name(forged)["scope-1"].passed


@pytest.mark.slow
def test_it_grades_forged_introspection_like_the_plain_submission_in_the_sandbox(real_sandbox):
    forged = grade(fixture_question("arith/loop"), FORGED, sandbox=real_sandbox)
    plain = grade(fixture_question("arith/loop"), PLAIN, sandbox=real_sandbox)
    assert forged.status == plain.status == "graded"
    assert _outcome(forged) == _outcome(plain)
    assert not by_name(forged)["scope-1"].passed  # the lambda's local is y, whatever dis says


@pytest.mark.parametrize("name", ["dis", "inspect", "marshal"])
def test_it_ignores_a_module_global_that_shadows_an_introspection_module(fake_run, name):
    src = f"{name} = None\n\ndef double(x):\n    return 2 * x\n\ndef triple(x):\n    return 3 * x\n"
    result = grade(fixture_question("arith/loop"), src, sandbox=fake_run)
    assert result.score == result.max_score
