"""The worker's analysis of student text runs in a forked child with a memory and CPU
budget: what blows the budget is reported as such, the worker's own memory does not
move, and only JSON comes back."""

import pytest

from grader import bounded

SMALL = bounded.Budget(memory_mb=64, cpu_seconds=1, wall_seconds=20)


def _rss_mb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def test_it_returns_the_childs_answer_as_plain_data():
    assert bounded.call(lambda: {"checks": [1, 2.5, "x", None]}, SMALL) == {
        "checks": [1, 2.5, "x", None]
    }


def test_it_reports_a_child_that_ran_out_of_memory_and_keeps_the_worker_its_size():
    before = _rss_mb()
    with pytest.raises(bounded.OverBudget) as over:
        bounded.call(lambda: len(bytearray(512 * 1024 * 1024)), SMALL)
    assert over.value.reason == "memory"
    assert _rss_mb() - before < 100


def test_it_reports_a_child_that_ran_out_of_cpu_time():
    def spin():
        while True:
            pass

    with pytest.raises(bounded.OverBudget) as over:
        bounded.call(spin, SMALL)
    assert over.value.reason == "time"


def test_it_reports_our_own_failure_as_such():
    def broken():
        raise KeyError("a bug of ours")

    with pytest.raises(bounded.ChildFailed, match="KeyError"):
        bounded.call(broken, SMALL)


def test_it_never_unpickles_what_the_child_returns():
    class Hostile:
        def __reduce__(self):
            raise AssertionError("pickled")

    with pytest.raises(bounded.ChildFailed, match="TypeError"):
        bounded.call(lambda: Hostile(), SMALL)
