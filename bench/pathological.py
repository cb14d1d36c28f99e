"""What pathological answers cost the grading worker: time and the worker's memory.

Each answer is graded once by ``grader.pipeline.grade`` in a fresh process (the worker's
stand-in) against the sample bank's ``bytecode/loop-total`` (tests, bytecode checks and
``calls_forbidden``), under an address-space cap and a time limit, so a checkout whose
worker has no budget of its own cannot take the machine's memory. Printed per answer:
its size, the grading's wall time, what the student reads, and the grading process's
resident memory before and after grading and its peak growth (VmHWM).

    .venv/bin/python bench/pathological.py [--root CHECKOUT] [--sandbox real|fake]
        [--cap-mb 3072] [--timeout 600] [--only NAME ...]

``--root`` grades with another checkout's code (the figures of an older version).
The real sandbox needs root.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def nested_try_finally(depth: int, body_lines: int) -> str:
    """CPython compiles a finally body once per way out of its try, so the innermost
    body of ``depth`` nested try/finally statements is emitted 2**depth times."""
    lines, indent = ["def total(xs):", "    s = 0"], "    "
    for _ in range(depth):
        lines += [indent + "try:", indent + "    s = s + 1", indent + "finally:"]
        indent += "    "
    lines += [indent + f"s = s * {i} + 1" for i in range(body_lines)]
    return "\n".join([*lines, "    return s", ""])


def alias_chain(kilobytes: int) -> str:
    """``a1 = a0; a2 = a1; ...`` down to a call of ``sum`` (which the question forbids)."""
    lines = ["a0 = sum"]
    size, i = len(lines[0]) + 1, 1
    while size < kilobytes * 1024:
        lines.append(f"a{i} = a{i - 1}")
        size += len(lines[-1]) + 1
        i += 1
    lines.append(
        f"def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return a{i - 1}([s])"
    )
    return "\n".join(lines) + "\n"


CASES = {
    "try-finally-depth-19": lambda: nested_try_finally(19, 1),
    "try-finally-depth-20-body-40": lambda: nested_try_finally(20, 40),
    "alias-chain-41kb": lambda: alias_chain(41),
    "alias-chain-81kb": lambda: alias_chain(81),
    "alias-chain-163kb": lambda: alias_chain(163),
    "alias-chain-200kb": lambda: alias_chain(200),
}

GRADE_ONE = r"""
import json, sys, time
root, sandbox_kind, source_file, time_calls = sys.argv[1:5]
sys.path.insert(0, root)
from questions.format import load_question
from grader.pipeline import grade
if sandbox_kind == "fake":
    from grader.sandbox.fake import run
else:
    from grader.sandbox import run

def status(field):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) // 1024 for l in f if l.startswith(field + ":"))

q = load_question(root + "/questions/bank/bytecode/loop-total", "bytecode/loop-total")
ref = q.code.reference_source
grade(q, ref, sandbox=run)  # warm: imports, the sandbox's zygote, the reference's cache
before_rss, before_peak = status("VmRSS"), status("VmHWM")
source = open(source_file).read()
start = time.perf_counter()
result = grade(q, source, sandbox=run)
seconds = time.perf_counter() - start
after_rss, after_peak = status("VmRSS"), status("VmHWM")
calls_seconds = None
if time_calls == "1":  # the calls_forbidden analysis alone, here, after the figures above
    import types
    from grader.checks.calls import find_forbidden
    module = compile(source, "submission.py", "exec")
    target = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    t = time.perf_counter()
    find_forbidden(target, ["sum"], module=module)
    calls_seconds = time.perf_counter() - t
print(json.dumps({
    "seconds": seconds, "calls_seconds": calls_seconds, "status": result.status,
    "rss_before": before_rss, "rss_after": after_rss, "peak_growth": after_peak - before_peak,
    "feedback": sorted({c.feedback for c in result.checks}),
    "errors": result.errors,
}))
"""


def run_case(name: str, root: Path, sandbox: str, cap_mb: int, timeout: float) -> dict:
    source = CASES[name]()
    time_calls = "1" if name.startswith("alias-chain") else "0"
    path = Path(f"/tmp/pathological-{name}.py")
    path.write_text(source)
    cap = cap_mb * 1024 * 1024

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", GRADE_ONE, str(root), sandbox, str(path), time_calls],
            capture_output=True,
            text=True,
            preexec_fn=capped,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"bytes": len(source), "outcome": f"still grading after {timeout:g} s (killed)"}
    finally:
        path.unlink(missing_ok=True)
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        elapsed = time.perf_counter() - start
        return {
            "bytes": len(source),
            "outcome": f"grading process died (status {done.returncode}) after {elapsed:.1f} s: "
            f"{tail[:160]}",
        }
    report["bytes"] = len(source)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--sandbox", choices=("real", "fake"), default="real")
    parser.add_argument("--cap-mb", type=int, default=3072)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES))
    args = parser.parse_args()
    print(f"code: {args.root}  sandbox: {args.sandbox}  cap: {args.cap_mb} MB")
    for name in args.only or CASES:
        r = run_case(name, args.root.resolve(), args.sandbox, args.cap_mb, args.timeout)
        head = f"{name:30} {r['bytes'] / 1024:6.1f} KB"
        if "outcome" in r:
            print(f"{head}  {r['outcome']}", flush=True)
            continue
        said = "; ".join(f for f in r["feedback"] if f)[:100]
        calls = r.get("calls_seconds")
        calls_text = f" (calls_forbidden alone {calls:.2f} s)" if calls is not None else ""
        print(
            f"{head}  {r['seconds']:7.2f} s{calls_text}  {r['status']:6}  RSS "
            f"{r['rss_before']} -> {r['rss_after']} MB, peak +{r['peak_growth']} MB  | {said}",
            flush=True,
        )
        for error in r["errors"]:
            print(f"{'':40}error: {error[:140]}", flush=True)


if __name__ == "__main__":
    main()
