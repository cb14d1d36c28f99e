"""A submission cannot make itself look faster by patching clocks or the mark.

Runs in the isolated sandbox (skipped where it is not available): with the
no-isolation runner the patches would reach the test process itself.
"""

from __future__ import annotations

from checks_standins import Code, Spec, make_context

from grader.checks.performance import PerformanceCheck

CASES = "def perf_input(n, rng):\n    return ([rng.randrange(1000) for _ in range(n)],)\n"
LOOP = "def f(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n"
PATCHING_LOOP = (
    "import resource, time\n"
    "import grader.sandbox.child as child\n"
    "time.process_time = lambda: 0.0\n"
    "time.perf_counter = lambda: 0.0\n"
    "time.thread_time = lambda: 0.0\n"
    "resource.getrusage = lambda who: None\n"
    "child.mark = lambda: None\n"
    "child._marked = True\n"
    "child._mark_hook = None\n" + LOOP
)


def test_it_measures_a_patching_submission_as_slow_as_it_is(real_sandbox):
    code = Code(entry=("f",), reference_source=LOOP, cases_source=CASES)
    ctx = make_context(PATCHING_LOOP, run_sandbox=real_sandbox, code=code)
    spec = Spec(
        "performance",
        target="f",
        options={"baseline": "reference", "inputs": "perf_input", "sizes": [20000], "faster_by": 5},
    )
    r = PerformanceCheck(spec).run(ctx)
    assert not r.passed
    assert r.feedback.startswith("Your function is ")
    assert r.details["ratio"] < 2.5  # the same loop as the baseline: about 1
