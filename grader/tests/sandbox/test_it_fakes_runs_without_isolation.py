"""The no-isolation runner returns the same shapes as the real sandbox."""

import pytest

from grader.sandbox import fake
from grader.sandbox.api import Limits, Outcome

TASK = "grader.harness._selftest:run_source"


def test_it_returns_a_json_round_tripped_value():
    r = fake.run(TASK, {"source": "x = (1, 2, {'a': 3})", "name": "x"})
    assert r.outcome is Outcome.OK
    assert r.value == [1, 2, {"a": 3}]


def test_it_reports_the_exception_type_and_message():
    r = fake.run(TASK, {"source": "raise KeyError('nope')"})
    assert r.outcome is Outcome.EXCEPTION
    assert (r.exc_type, r.exc_message) == ("KeyError", "'nope'")


def test_it_turns_an_unserialisable_result_into_an_error_outcome():
    r = fake.run(TASK, {"source": "x = object()", "name": "x"})
    assert r.outcome is Outcome.EXCEPTION
    assert r.exc_type == "ResultNotSerialisable"


def test_it_caps_stdout():
    r = fake.run(
        TASK,
        {"source": "import sys; sys.stdout.write('a' * 5000)", "name": "sys"},
        Limits(output_bytes=100),
    )
    assert r.outcome in (Outcome.OUTPUT_LIMIT, Outcome.EXCEPTION)
    assert len(r.stdout) <= 100


def test_it_measures_cpu_after_mark():
    r = fake.run(TASK, {"source": "x = sum(range(200000))", "name": "x", "mark": True})
    assert r.outcome is Outcome.OK
    assert r.cpu_after_mark_seconds is not None and r.cpu_after_mark_seconds > 0


def test_it_refuses_tasks_outside_the_harness():
    with pytest.raises(ValueError):
        fake.run("os:system", {"source": ""})
