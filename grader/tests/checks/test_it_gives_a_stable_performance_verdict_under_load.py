"""A submission 2x away from its threshold gets the same verdict 20 times in a row
while another process keeps the other core busy.

Uses the isolated sandbox (``grader.sandbox.run``) when it is available, else the
no-isolation runner. The figures themselves are printed by
``bench/perf_check_stability.py``; this test asserts only the verdicts.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from checks_standins import Code, Spec, make_context

from grader.checks.performance import PerformanceCheck

CASES = "def perf_input(n, rng):\n    return ([rng.randrange(1000) for _ in range(n)],)\n"
HELPER = "def _loop(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n\n"
BASELINE = HELPER + "def f(x):\n    return _loop(x) + _loop(x) + _loop(x) + _loop(x)\n"
SUBMISSION = HELPER + "def f(x):\n    return _loop(x)\n"  # about 4x faster than the baseline
RUNS = 20


@pytest.fixture
def busy_core():
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield burner
    finally:
        burner.kill()
        burner.wait()


@pytest.mark.slow
@pytest.mark.parametrize("faster_by,verdict", [(2.0, True), (8.0, False)])
def test_it_gives_the_same_verdict_twenty_times_with_the_other_core_busy(
    real_sandbox, busy_core, faster_by, verdict
):
    code = Code(entry=("f",), reference_source=BASELINE, cases_source=CASES)
    spec = Spec(
        "performance",
        target="f",
        options={
            "baseline": "reference",
            "inputs": "perf_input",
            "sizes": [20000],
            "faster_by": faster_by,
        },
    )
    run = real_sandbox
    verdicts = []
    for seed in range(RUNS):
        assert busy_core.poll() is None, "the load went away"
        ctx = make_context(SUBMISSION, run_sandbox=run, code=code, seed=seed)
        verdicts.append(PerformanceCheck(spec).run(ctx).passed)
    assert verdicts == [verdict] * RUNS
