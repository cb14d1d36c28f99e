"""``calls_forbidden`` reads a whole submission (up to its 256 KB limit): a chain of
aliases ``a1 = a0; a2 = a1; ...`` must cost work in proportion to its length, not to
its square, and still be followed to its end."""

import resource
from pathlib import Path

from grader.tests.capped import run_capped

ROOT = Path(__file__).resolve().parents[3]

ANALYSE_IN_A_FRESH_PROCESS = r"""
import json, sys
sys.path[:0] = [sys.argv[1]]
from grader.checks.calls import find_forbidden

def alias_chain(links):
    lines = ["a0 = sum"] + [f"a{i} = a{i - 1}" for i in range(1, links)]
    lines.append("def f(xs):\n    return a%d(xs)" % (links - 1))
    return "\n".join(lines) + "\n"

source = alias_chain(16_000)
module = compile(source, "submission.py", "exec")
f = next(c for c in module.co_consts if getattr(c, "co_name", "") == "f")
found = find_forbidden(f, ["sum", "len"], module=module)
print(json.dumps({"bytes": len(source), "calls": found.calls, "lookups": found.lookups}))
"""

# Many times what linear work needs here; squared work needs minutes of CPU and
# gigabytes of memory, which the caps keep off the machine.
CPU_SECONDS = 60
MEMORY = 2 * 1024**3


def test_it_follows_a_200_kb_chain_of_aliases_to_the_forbidden_call():
    report = run_capped(
        ANALYSE_IN_A_FRESH_PROCESS,
        str(ROOT),
        limits={resource.RLIMIT_CPU: CPU_SECONDS, resource.RLIMIT_AS: MEMORY},
        timeout=10 * CPU_SECONDS,
    )
    assert report["bytes"] > 200 * 1024
    assert report["calls"] == ["sum"]
    assert report["lookups"] == []
