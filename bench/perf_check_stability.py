"""How stable is the performance check's ratio? Prints the figures.

Grades a submission that is about 4x faster than its baseline (two pure-Python
loops: the baseline runs the same loop four times) with ``faster_by = 2`` (2x away
from the threshold, should pass) and ``faster_by = 8`` (2x away, should fail),
``--runs`` times each, and prints every measured ratio, the verdicts and the time a
check took. With ``--load`` (the default) another process keeps a core busy the
whole time.

    .venv/bin/python bench/perf_check_stability.py [--runs 20] [--no-load] [--fake]
        [--thresholds 2,8]

Uses the isolated sandbox unless ``--fake`` is given or it is not available here
(``grader.sandbox.choose("auto")``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.checks.base import GradingContext
from grader.checks.performance import PerformanceCheck

CASES = "def perf_input(n, rng):\n    return ([rng.randrange(1000) for _ in range(n)],)\n"
HELPER = "def _loop(x):\n    s = 0\n    for i in x:\n        s += i\n    return s\n\n"
BASELINE = HELPER + "def f(x):\n    return _loop(x) + _loop(x) + _loop(x) + _loop(x)\n"
SUBMISSION = HELPER + "def f(x):\n    return _loop(x)\n"


@dataclass(frozen=True)
class _Spec:
    kind: str
    name: str
    points: float
    feedback: str
    target: str
    options: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class _Code:
    entry: tuple[str, ...] = ("f",)
    reference_source: str = BASELINE
    cases_source: str = CASES
    cpu_seconds: float = 2.0
    memory_mb: int = 256
    files: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class _Question:
    code: _Code = _Code()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--fake", action="store_true")
    ap.add_argument(
        "--thresholds",
        default="2,8",
        help="faster_by values to grade against (the submission is about 4x faster)",
    )
    args = ap.parse_args()

    from grader.sandbox import choose

    fell_back: list[str] = []
    run = choose("fake" if args.fake else "auto", warn=fell_back.append)
    runner = "fake (no isolation)" if args.fake or fell_back else "isolated sandbox"
    burner = None
    if not args.no_load:
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    print(f"runner: {runner}; load: {'one core busy' if burner else 'none'}; n={args.size}")
    try:
        for threshold in (float(t) for t in args.thresholds.split(",")):
            expected = threshold < 4.0
            spec = _Spec(
                "performance",
                "perf",
                1.0,
                "",
                "f",
                {
                    "baseline": "reference",
                    "inputs": "perf_input",
                    "sizes": [args.size],
                    "faster_by": threshold,
                },
            )
            ratios, seconds, rounds, verdicts = [], [], [], []
            for seed in range(args.runs):
                ctx = GradingContext(
                    question=_Question(),
                    source=SUBMISSION,
                    module_code=compile(SUBMISSION, "submission.py", "exec"),
                    resolve=lambda target: None,
                    run_sandbox=run,
                    seed=seed,
                )
                t0 = time.monotonic()
                r = PerformanceCheck(spec).run(ctx)
                seconds.append(time.monotonic() - t0)
                ratios.append(r.details["ratio"])
                rounds.append(r.details["rounds"])
                verdicts.append(r.passed)
            same = sum(v == expected for v in verdicts)
            print(
                f"faster_by={threshold:g}: expected {'pass' if expected else 'fail'}, "
                f"{same}/{args.runs} as expected"
            )
            print("  ratios: " + " ".join(f"{x:.2f}" for x in ratios))
            print(
                f"  ratio min {min(ratios):.2f}  median {statistics.median(ratios):.2f}  "
                f"max {max(ratios):.2f}  (spread {max(ratios) / min(ratios):.2f}x)"
            )
            print(
                f"  rounds per check: {min(rounds)}-{max(rounds)}; seconds per check: "
                f"median {statistics.median(seconds):.2f}, max {max(seconds):.2f}"
            )
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()


if __name__ == "__main__":
    main()
