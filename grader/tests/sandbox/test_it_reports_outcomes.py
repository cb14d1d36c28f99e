"""Outcomes the pipeline acts on, and what the trusted side measures itself."""

import pytest

from grader.sandbox import run
from grader.sandbox.api import Limits, Outcome

SELFTEST = "grader.harness._selftest:run_source"


def test_it_returns_the_value_and_captures_output_separately(attack):
    r = attack("print('to stdout'); sys.stderr.write('to stderr'); x = {'a': [1, 2.5, None, True]}")
    assert r.outcome is Outcome.OK
    assert r.value == {"a": [1, 2.5, None, True]}
    assert "to stdout" in r.stdout and "to stderr" in r.stderr


def test_it_reports_an_exception_with_type_and_truncated_message(attack):
    r = attack("raise ValueError('m' * 10000)")
    assert r.outcome is Outcome.EXCEPTION
    assert r.exc_type == "ValueError"
    assert 0 < len(r.exc_message) <= 2000


def test_it_reports_memory_error_as_a_memory_limit(attack):
    r = attack("x = bytearray(10 ** 11)")
    assert r.outcome is Outcome.MEMORY_LIMIT, r


def test_it_reports_a_crash_as_signaled(attack):
    r = attack("ctypes.string_at(0)")  # a real fault: kill() from inside cannot touch pid 1
    assert r.outcome is Outcome.SIGNALED and r.detail == "SIGSEGV", r


def test_it_measures_cpu_from_outside_and_after_the_mark(attack):
    r = attack(
        "import grader.sandbox.child as child\n"
        "t = 0\n"
        "for i in range(3_000_000): t += i\n"  # before the mark
        "child.mark()\n"
        "x = t",
    )
    assert r.ok, r
    assert r.cpu_after_mark_seconds is not None
    assert 0 <= r.cpu_after_mark_seconds < r.cpu_seconds


def test_it_has_no_after_mark_figure_without_a_mark(attack):
    r = attack("x = 1")
    assert r.ok and r.cpu_after_mark_seconds is None


def test_it_refuses_tasks_outside_the_harness():
    for task in (
        "os:system",
        "grader.sandbox.runner:run",
        "grader.harness._selftest:_private",
        "grader.harness",
    ):
        with pytest.raises(ValueError):
            run(task, {})


def test_it_refuses_a_payload_that_is_not_plain_json():
    with pytest.raises(ValueError):
        run(SELFTEST, {"source": object()})


def test_it_reports_an_unknown_task_function_as_our_fault(sandbox_session):
    r = run("grader.harness._selftest:no_such_task", {}, Limits())
    assert r.outcome is Outcome.SANDBOX_ERROR and not r.outcome.is_student_fault
    assert "no_such_task" in r.detail
