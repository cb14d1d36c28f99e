"""One runaway test must not cost the other tests or the static checks."""

import pytest
from pipeline_helpers import Recorder, by_name, fixture_question

from grader.pipeline import grade
from grader.sandbox.api import Outcome

LOOPS_IN_TRIPLE = """
def double(x):
    return 2 * x

def triple(x):
    while True:
        pass
"""

GOOD_TRIPLE = LOOPS_IN_TRIPLE.replace("while True:\n        pass", "return 3 * x")


def _dies_on_triple(payload):
    # Simulates the sandbox killing any run of the submission that evaluates triple().
    return payload["filename"] == "submission.py" and any(
        "triple" in t.get("expr", "") for t in payload["tests"]
    )


@pytest.mark.parametrize("outcome", [Outcome.TIME_LIMIT, Outcome.MEMORY_LIMIT])
def test_it_regrades_each_test_alone_when_the_probe_dies(fake_run, outcome):
    runner = Recorder(fake_run, die_when=_dies_on_triple, outcome=outcome)
    result = grade(fixture_question("arith/loop"), GOOD_TRIPLE, sandbox=runner)
    checks = by_name(result)
    assert result.status == "graded"
    assert checks["test-1"].passed and checks["test-3"].passed
    assert not checks["test-2"].passed
    word = "time" if outcome is Outcome.TIME_LIMIT else "memory"
    assert checks["test-2"].feedback.startswith(f"triple(4) ran out of {word}")
    assert checks["scope-1"].passed  # the static check is still graded
    assert result.score == 3.0 and result.max_score == 4.0
    # whole probe, module alone, then one run per test (plus the reference's run)
    student_runs = [p for p in runner.payloads if p["filename"] == "submission.py"]
    assert [len(p["tests"]) for p in student_runs] == [3, 0, 1, 1, 1]


def test_it_says_only_that_a_hidden_test_ran_out_of_time(fake_run):
    def dies_on_hidden(payload):
        return payload["filename"] == "submission.py" and any(
            t["name"] == "test-3" for t in payload["tests"]
        )

    result = grade(
        fixture_question("arith/loop"), GOOD_TRIPLE, sandbox=Recorder(fake_run, dies_on_hidden)
    )
    hidden = by_name(result)["test-3"]
    assert not hidden.passed
    assert hidden.feedback == "A hidden test failed: your code ran out of time."


@pytest.mark.slow
def test_it_grades_the_other_tests_of_a_real_infinite_loop(real_sandbox):
    result = grade(fixture_question("arith/loop"), LOOPS_IN_TRIPLE, sandbox=real_sandbox)
    checks = by_name(result)
    assert result.status == "graded"
    assert checks["test-1"].passed and checks["test-3"].passed and checks["scope-1"].passed
    assert not checks["test-2"].passed and "ran out of time" in checks["test-2"].feedback
