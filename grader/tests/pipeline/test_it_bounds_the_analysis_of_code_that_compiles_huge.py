"""Compiling a submission is work whose size the student picks: nested try/finally
compiles its innermost body 2**depth times. The worker must give such an answer a
clear failing grade and stay the size it was."""

import resource
from pathlib import Path

from grader import messages
from grader.tests.capped import run_capped

ROOT = Path(__file__).resolve().parents[3]

# Grades the answer in a fresh interpreter and reports the peak resident size of the
# process that called grade(), before and after.
GRADE_IN_A_FRESH_PROCESS = r"""
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/grader/tests/pipeline"]
from pipeline_helpers import fixture_question
from grader.pipeline import grade
from grader.sandbox import fake

def peak_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmHWM"))

def nested_try_finally(depth, body_lines):
    lines, indent = ["def add(a, b):", "    x = a"], "    "
    for _ in range(depth):
        lines += [indent + "try:", indent + "    x = x + 1", indent + "finally:"]
        indent += "    "
    lines += [indent + f"x = x * {i} + b" for i in range(body_lines)]
    return "\n".join(lines + ["    return a + b", ""])

q = fixture_question("arith/add")
grade(q, "def add(a, b):\n    return a + b\n", sandbox=fake.run)  # warm: imports, caches
before = peak_mb()
result = grade(q, nested_try_finally(20, 40), sandbox=fake.run)
print(json.dumps({"before": before, "after": peak_mb(),
                  "status": result.status, "feedback": [c.feedback for c in result.checks]}))
"""

# Enough for the interpreter and the budget of its analysis; a worker without a budget
# hits this cap (MemoryError) instead of taking the machine's memory.
CAP = 3 * 1024**3


def test_it_fails_a_try_finally_bomb_and_keeps_the_worker_its_size():
    report = run_capped(
        GRADE_IN_A_FRESH_PROCESS, str(ROOT), limits={resource.RLIMIT_AS: CAP}, timeout=300
    )
    assert report["status"] == "graded"
    assert report["feedback"] and set(report["feedback"]) == {messages.too_complex()}
    assert report["after"] - report["before"] < 100, report
