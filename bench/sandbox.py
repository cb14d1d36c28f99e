"""Per-run overhead of the sandbox: warm (zygote), cold, against a bare fork.

    .venv/bin/python bench/sandbox.py [--runs N] [--cold-runs N]

Prints p50 and p95 in milliseconds of:

- bare fork: ``os.fork()`` + ``_exit`` + ``waitpid`` in this process (NumPy loaded);
- warm run: ``grader.sandbox.run`` of a task that does nothing, through the zygote,
  paced (10 ms after other work, as a worker spends time on its checks between
  runs: the next child is already isolated and waiting), back to back (right
  after another run: the second child of the zygote's pool), and sustained (20
  in a row: the pool runs dry and namespace setup becomes the limit);
- cold run: the same task with no zygote: namespaces, then a fresh interpreter
  that imports NumPy and the harness inside the sandbox;
- ``python -c "import numpy"`` for reference.

Targets (from the issue): warm p50 <= 3x bare fork p50; cold p50 <= 1.5x import numpy.
Needs root, like the sandbox itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy  # noqa: F401 - the bare fork is timed with NumPy loaded, like the zygote

from grader.sandbox import runner
from grader.sandbox.api import Limits

NOOP = "grader.harness._selftest:noop"


def clock(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def bare_fork() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def warm() -> None:
    r = runner.run(NOOP, {})
    if not r.ok or r.extra.get("mode") != "warm":
        raise SystemExit(f"warm run failed: {r}")


def cold() -> None:
    r = runner.run_cold(NOOP, {}, Limits())
    if not r.ok:
        raise SystemExit(f"cold run failed: {r}")


def import_numpy() -> None:
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--cold-runs", type=int, default=30)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("the sandbox needs root", file=sys.stderr)
        return 2
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    warm()  # start the zygote outside the measurement
    # Interleaved, so that every row sees the same machine load: the others' work on
    # a shared machine moves all of them together.
    rows: dict[str, list[float]] = {
        "bare os.fork()": [],
        "warm run (paced, 10 ms apart)": [],
        "warm run (back to back)": [],
        "warm run (sustained, 20 in a row)": [],
        "cold run": [],
        'python -c "import numpy"': [],
    }
    for _ in range(args.runs):
        rows["bare os.fork()"].append(clock(bare_fork))
        time.sleep(0.01)
        rows["warm run (paced, 10 ms apart)"].append(clock(warm))
        rows["warm run (back to back)"].append(clock(warm))
    for _ in range(max(1, args.runs // 20)):
        time.sleep(0.05)
        rows["warm run (sustained, 20 in a row)"] += [clock(warm) for _ in range(20)]
    for _ in range(args.cold_runs):
        rows["cold run"].append(clock(cold))
        rows['python -c "import numpy"'].append(clock(import_numpy))
    runner.shutdown()
    print(f"{'':36}{'p50 ms':>9}{'p95 ms':>9}{'n':>6}")
    for name, xs in rows.items():
        print(f"{name:36}{statistics.median(xs):9.2f}{pct(xs, 0.95):9.2f}{len(xs):6}")
    fork50 = statistics.median(rows["bare os.fork()"])
    np50 = statistics.median(rows['python -c "import numpy"'])
    print()
    for name in (
        "warm run (paced, 10 ms apart)",
        "warm run (back to back)",
        "warm run (sustained, 20 in a row)",
    ):
        ratio = statistics.median(rows[name]) / fork50
        print(f"{name}: {ratio:.2f}x bare fork at p50 (target <= 3x)")
    ratio = statistics.median(rows["cold run"]) / np50
    print(f"cold run: {ratio:.2f}x python -c 'import numpy' at p50 (target <= 1.5x)")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus (rows interleaved)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
