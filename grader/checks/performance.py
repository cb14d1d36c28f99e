"""``kind = "performance"``: is the submission fast enough compared with a baseline?

Options (validated here, by ``PerformanceCheck.validate``, when a package is loaded)::

    baseline = "reference"        # or "file.py:function", a visible slow version
    inputs = "perf_input"         # def perf_input(n, rng) -> tuple of arguments (cases.py)
    sizes = [1000, 100000]        # the verdict on speed is about the largest size
    faster_by = 50                # or: slower_by_at_most = 2.0
    growth = "linear"             # optional: cost grows no faster than this across sizes

How it measures, and why:

- Each measurement is one sandbox run of ``grader.harness.perf:main``: the input is
  built, the harness calls ``child.mark()`` before any line of the timed module has
  run, then the module runs and the function is called ``k`` times. The CPU time
  after the mark is read by the trusted side from outside the child
  (``RunResult.cpu_after_mark_seconds``): no clock the submission can patch plays
  any part, and the submission cannot move the mark (the first one counts).
- ``k`` is calibrated per side so that a run's timed part lasts about
  ``TIMED_SECONDS``: long enough to dwarf the clock's resolution, short enough to
  keep a check at a few seconds.
- Baseline and submission are timed in alternating runs (A B, B A, A B, ...) within
  the same grading run, and the verdict uses the median over rounds of the paired
  ratio baseline/submission. Load on the machine slows both sides of a pair alike,
  so it cancels in the ratio; the median discards rounds where it did not.
- When to stop measuring is decided after every round by ``decide`` (a pure
  function): from ``MIN_ROUNDS`` on, it stops as soon as the 95% confidence interval
  of the mean log-ratio (Student's t over the rounds so far) lies entirely beyond the
  threshold by the factor ``NEAR``, on either side. A submission far from its
  threshold (the usual case: hundreds of times faster against a threshold of 20) is
  decided after three rounds; one whose ratio is noisy or near the threshold
  gets ``ROUNDS`` rounds, and more (up to ``MAX_ROUNDS``) while the median lies within
  ``NEAR`` of it. The calibration's last runs (one per side, calibrated in step) are
  a measurement of their own and count as the first round.
- While every round so far lies beyond ``FAR``, the next round's runs are timed for
  ``FAR_TIMED_SECONDS`` instead of ``TIMED_SECONDS`` (``round_seconds``, pure): a
  check far from its threshold needs no precision, and a shorter pair costs about
  half as much. Near the threshold every round keeps the full length.
- With ``growth``, the submission is also timed at every other size and the slope
  of log(time) against log(n) is fitted; it may exceed the slope of the named class
  over the same sizes by at most ``GROWTH_SLACK``.

The result's ``details`` carry the ratio, the threshold and the fitted exponent, and
a failing result says in one sentence how far off the submission is.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader import messages
from grader.checks.base import Check, CheckResult, Found, GradingContext
from grader.checks.common import is_number, result, target_of
from grader.sandbox.api import Limits, Outcome, RunResult

if TYPE_CHECKING:
    from questions.format import CheckOptions

PERF_TASK = "grader.harness.perf:main"
TIMED_SECONDS = 0.05  # CPU per run's timed part
CALIBRATE_MIN_SECONDS = 0.01  # a calibration run shorter than this is repeated with more calls
CALIBRATE_AIM_SECONDS = 0.02  # ... aiming at this much, so it is rarely short again
CLOCK_FLOOR_SECONDS = 0.0005  # a CPU reading below this may be mostly the clock's error
MAX_CALLS = 10**6
# Paired rounds before any verdict (the calibration pair is one): the median of three
# survives one disturbed round, which two agreeing by chance do not.
MIN_ROUNDS = 3
ROUNDS = 5  # paired rounds for a verdict the confidence interval did not settle early
MAX_ROUNDS = 17
NEAR = 1.25  # "near the threshold": within this factor of it
FAR = 1.6  # every round so far at least this factor beyond the threshold: "far"
# While every round so far is far, the next round's runs are this short: the verdict does
# not hang on a few percent then, and a round's noise under load (other processes evicting
# caches) is not much smaller at 50 ms (docs/grading.md has the figures).
FAR_TIMED_SECONDS = 0.02
# Two-sided 95% quantiles of Student's t by degrees of freedom (rounds - 1).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
    2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
)  # fmt: skip
GROWTH_ROUNDS = 3  # runs per smaller size for the growth fit
GROWTH_SLACK = 0.45  # allowed excess of the fitted exponent over the class's (caches)
RUN_BUDGET = 0.5  # a run's timed part uses at most this share of the CPU limit
WALL_PER_CPU = 4  # timing runs get this much wall time per second of CPU limit

_GROWTH: dict[str, Any] = {
    "constant": lambda n: 1.0,
    "logarithmic": lambda n: math.log(max(n, 2)),
    "linear": lambda n: float(n),
    "linearithmic": lambda n: n * math.log(max(n, 2)),
    "quadratic": lambda n: float(n) ** 2,
}
GROWTH_CLASSES = tuple(_GROWTH)
_GROWTH_WORDS = {
    "constant": "a constant",
    "logarithmic": "log n",
    "linear": "n",
    "linearithmic": "n log n",
    "quadratic": "n squared",
}


class StudentRunFailed(Exception):
    """The submission failed in a timing run: the check fails with this reason."""

    def __init__(self, reason: str, n: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.n = n


@dataclass(frozen=True)
class Side:
    """One thing to time: a module's source and the function in it."""

    label: str  # "submission" or "baseline"
    source: str
    filename: str
    function: str

    @property
    def is_student(self) -> bool:
        return self.label == "submission"


def _reason(run: RunResult) -> str:
    if run.outcome is Outcome.TIME_LIMIT:
        return "it ran out of time"
    if run.outcome is Outcome.MEMORY_LIMIT:
        return "it ran out of memory"
    if run.outcome is Outcome.OUTPUT_LIMIT:
        return "it printed too much output"
    if run.outcome is Outcome.EXCEPTION:
        return f"it raised {run.exc_type or 'an exception'}"
    if run.outcome is Outcome.OK:
        return "its running time could not be measured"
    return "it crashed the Python process"


class Timer:
    """Runs timing runs for one check and turns them into seconds per call."""

    def __init__(self, ctx: GradingContext, cases_source: str, inputs: str, limits: Limits):
        self.ctx = ctx
        self.cases_source = cases_source
        self.inputs = inputs
        self.limits = limits
        self.runs = 0

    def seconds(self, side: Side, n: int, calls: int) -> float:
        """CPU seconds of ``calls`` calls at size ``n``, measured outside the child."""
        payload = {
            "source": side.source,
            "filename": side.filename,
            "function": side.function,
            "cases_source": self.cases_source,
            "inputs": self.inputs,
            "n": n,
            "seed": self.ctx.seed * 1_000_003 + n,  # the same input for both sides
            "calls": calls,
        }
        run = self.ctx.run_sandbox(PERF_TASK, payload, self.limits)
        self.runs += 1
        measured = run.cpu_after_mark_seconds
        if run.ok and measured is not None:
            return max(float(measured), 0.0)
        if run.outcome is Outcome.SANDBOX_ERROR or not side.is_student:
            # The baseline is the question's own code: its failure is never the student's.
            raise RuntimeError(
                f"{side.label} timing run failed at n={n}: {run.outcome.value} "
                f"{run.exc_type} {run.detail}".strip()
            )
        raise StudentRunFailed(_reason(run), n)

    def calibrate(self, side: Side, n: int) -> tuple[int, float]:
        """``(calls per run, seconds per call)`` so a run's timed part is about TIMED_SECONDS."""
        (per_call,) = self.calibrate_together((side,), n)
        return self.calls_for(per_call, TIMED_SECONDS), per_call

    def calibrate_together(self, sides: Sequence[Side], n: int) -> list[float]:
        """Seconds per call of each side, calibrated in step (each pass runs every side
        not settled yet, in order), so the sides' last runs follow one another and can
        serve as a paired round."""
        calls = [1] * len(sides)
        per_call: list[float | None] = [None] * len(sides)
        while None in per_call:
            for i, side in enumerate(sides):
                if per_call[i] is not None:
                    continue
                took = self.seconds(side, n, calls[i])
                if took >= CALIBRATE_MIN_SECONDS or calls[i] >= MAX_CALLS:
                    per_call[i] = max(took / calls[i], 1e-9)
                    continue
                # A reading under CLOCK_FLOOR may be mostly the clock's own error (the
                # run's CPU is read while it exits), so it never multiplies the calls by
                # more than the floor allows: a 0.7 ms call read as 0 became a 0.4 s run.
                grow = math.ceil(CALIBRATE_AIM_SECONDS / max(took, CLOCK_FLOOR_SECONDS))
                calls[i] = min(MAX_CALLS, calls[i] * max(2, min(grow, 1000)))
        return [p for p in per_call if p is not None]

    def calls_for(self, per_call: float, seconds: float) -> int:
        """How many calls make a timed part of about ``seconds`` (within the run budget)."""
        budget = max(1, math.floor(RUN_BUDGET * self.limits.cpu_seconds / per_call))
        wanted = math.ceil(seconds / per_call - 1e-6)  # not 2 calls for 0.1000001
        return max(1, min(wanted, budget, MAX_CALLS))


class Step(enum.Enum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    MORE = "more"  # measure another round


def decide(margins: Sequence[float]) -> Step:
    """What to do after the rounds so far; ``margins`` are per-round ratio / threshold.

    A margin above 1 passes by that factor, below 1 fails by it. The verdict is early
    when the 95% confidence interval of the mean log-margin lies entirely beyond
    ``NEAR`` on one side (log-ratios, because a ratio's noise is multiplicative);
    otherwise the median decides after ``ROUNDS``, or after more rounds (up to
    ``MAX_ROUNDS``) while it lies within ``NEAR`` of the threshold.
    """
    n = len(margins)
    if n < MIN_ROUNDS:
        return Step.MORE
    logs = [math.log(max(m, 1e-12)) for m in margins]
    mean = statistics.fmean(logs)
    half = _T975[min(n - 1, len(_T975)) - 1] * statistics.stdev(logs) / math.sqrt(n)
    edge = math.log(NEAR)
    if mean - half > edge:
        return Step.PASS
    if mean + half < -edge:
        return Step.FAIL
    median = statistics.median(margins)
    if n < ROUNDS or (1 / NEAR < median < NEAR and n < MAX_ROUNDS):
        return Step.MORE
    return Step.PASS if median >= 1 else Step.FAIL


def _far(margins: Sequence[float]) -> bool:
    """Every round lies beyond ``FAR`` on the same side of the threshold."""
    return all(m > FAR for m in margins) or all(m < 1 / FAR for m in margins)


def round_seconds(margins: Sequence[float]) -> float:
    """How long the next round's timed runs should be, after the rounds so far."""
    return FAR_TIMED_SECONDS if margins and _far(margins) else TIMED_SECONDS


def _fit_slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) against log(n)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-12)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def growth_limit(growth: str, sizes: list[int]) -> float:
    """The largest exponent accepted for ``growth`` over ``sizes`` (class slope + slack)."""
    g = _GROWTH[growth]
    lo, hi = min(sizes), max(sizes)
    return math.log(g(hi) / g(lo)) / math.log(hi / lo) + GROWTH_SLACK


def _speed_words(ratio: float) -> str:
    if ratio >= 1:
        return f"{ratio:.1f}x faster"
    return f"{1 / ratio:.1f}x slower"


class PerformanceCheck(Check):
    kind = "performance"
    option_keys = frozenset(
        {"baseline", "inputs", "sizes", "faster_by", "slower_by_at_most", "growth"}
    )
    needs_an_option = False  # says below which ones it needs
    uses_sandbox = True

    @classmethod
    def validate(cls, check: CheckOptions) -> Found:
        # Here, not at the top: the analyses beside this kind also run on older Pythons.
        from questions.format import IDENTIFIER, QUESTION_FILE
        from questions.format.collect import top_level_functions

        o = check.options
        found: Found = []
        base = o.get("baseline", "reference")
        if not isinstance(base, str):
            found.append(("baseline", 'must be "reference" or "file.py:function"'))
        elif base != "reference":
            fname, _, fn = base.partition(":")
            path = check.folder / fname
            if not fname.endswith(".py") or not IDENTIFIER.match(fn or "-"):
                found.append(("baseline", 'must be "reference" or "file.py:function"'))
            elif not path.is_file() or "/" in fname:
                found.append(("baseline", f"file '{fname}' does not exist beside {QUESTION_FILE}"))
            elif fn not in top_level_functions(path.read_text(encoding="utf-8")):
                found.append(("baseline", f"{fname} does not define {fn}"))
        inputs = o.get("inputs")
        if "inputs" not in o:
            found.append(
                ("inputs", "is required (a function perf_input(n, rng) in the cases file)")
            )
        elif not isinstance(inputs, str) or not IDENTIFIER.match(inputs):
            found.append(("inputs", "must be a function name"))
        elif check.cases is None:
            found.append(("inputs", "needs a cases file: set code.cases"))
        elif check.case_names is not None and inputs not in check.case_names:
            found.append(("inputs", f"{check.cases} does not define {inputs}(n, rng)"))
        sizes = o.get("sizes")
        if (
            not isinstance(sizes, list)
            or not sizes
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
        ):
            found.append(("sizes", "must be a non-empty list of positive whole numbers"))
        if "faster_by" in o and "slower_by_at_most" in o:
            found.append(("faster_by", "give faster_by or slower_by_at_most, not both"))
        for k in ("faster_by", "slower_by_at_most"):
            if k in o and (not is_number(o[k]) or o[k] <= 0):
                found.append((k, "must be a positive number"))
        if not any(k in o for k in ("faster_by", "slower_by_at_most", "growth")):
            found.append(("", "needs faster_by, slower_by_at_most or growth"))
        if "growth" in o and o["growth"] not in GROWTH_CLASSES:
            found.append(("growth", f"must be one of {', '.join(GROWTH_CLASSES)}"))
        return found

    def run(self, ctx: GradingContext) -> CheckResult:
        spec = self.spec
        opts: dict[str, Any] = dict(spec.options)
        code = ctx.question.code
        if code is None:
            raise ValueError("a performance check needs a code question")
        target = target_of(spec, ctx)
        sizes = sorted({int(n) for n in opts["sizes"]})
        growth = opts.get("growth")
        if growth is not None and len(sizes) < 2:
            raise ValueError("growth needs at least two sizes")
        if not code.cases_source:
            raise ValueError("a performance check needs the question's cases file")
        limits = ctx.limits or Limits(cpu_seconds=code.cpu_seconds, memory_mb=code.memory_mb)
        # CPU time is what is limited and measured; a busy machine stretches wall time,
        # and a wall-clock kill there must not read as the student's slowness.
        limits = dataclasses.replace(
            limits, wall_seconds=max(limits.wall, WALL_PER_CPU * limits.cpu_seconds + 2)
        )
        timer = Timer(ctx, code.cases_source, opts["inputs"], limits)
        student = Side("submission", ctx.source, "submission.py", target)
        details: dict[str, Any] = {"n": sizes[-1]}
        try:
            if "faster_by" in opts or "slower_by_at_most" in opts:
                baseline = self._baseline(opts.get("baseline", "reference"), code, target)
                verdict = self._compare(timer, student, baseline, sizes[-1], opts, details)
                if verdict is not None:
                    details["runs"] = timer.runs
                    return result(spec, False, verdict, details)
            if growth is not None:
                verdict = self._growth(timer, student, sizes, growth, details)
                if verdict is not None:
                    details["runs"] = timer.runs
                    return result(spec, False, verdict, details)
        except StudentRunFailed as failed:
            details["runs"] = timer.runs
            text = messages.PERF_FAILED.format(n=failed.n, reason=failed.reason)
            return result(spec, False, text, details)
        details["runs"] = timer.runs
        return result(spec, True, details=details)

    @staticmethod
    def _baseline(baseline: str, code: Any, target: str) -> Side:
        if baseline == "reference":
            return Side("baseline", code.reference_source, "reference.py", target)
        fname, _, fn = baseline.partition(":")
        source = (getattr(code, "files", None) or {}).get(fname)
        if source is None:
            raise ValueError(f"baseline file {fname!r} is not part of the question")
        return Side("baseline", source, fname, fn)

    def _compare(
        self,
        timer: Timer,
        student: Side,
        baseline: Side,
        n: int,
        opts: dict[str, Any],
        details: dict[str, Any],
    ) -> str | None:
        """Time both sides at ``n``; return the failing sentence, or None when fast enough."""
        base_per_call, sub_per_call = timer.calibrate_together((baseline, student), n)
        # The calibration's last runs are a pair measured back to back: the first round.
        base_times: list[float] = [base_per_call]
        sub_times: list[float] = [sub_per_call]
        ratios: list[float] = [base_per_call / sub_per_call]
        faster = "faster_by" in opts
        threshold = float(opts["faster_by"] if faster else opts["slower_by_at_most"])

        def margin(speedup: float) -> float:
            # > 1: passes by that factor; < 1: fails by that factor.
            return speedup / threshold if faster else threshold * speedup

        while (step := decide(margins := [margin(r) for r in ratios])) is Step.MORE:
            # Alternate which side goes first, so a trend in load favours neither.
            order = (baseline, student) if len(ratios) % 2 == 0 else (student, baseline)
            seconds = round_seconds(margins)
            per_call = {}
            for side in order:
                estimate = base_per_call if side is baseline else sub_per_call
                k = timer.calls_for(estimate, seconds)
                per_call[side.label] = max(timer.seconds(side, n, k) / k, 1e-12)
            base_times.append(per_call["baseline"])
            sub_times.append(per_call["submission"])
            ratios.append(per_call["baseline"] / per_call["submission"])
        speedup = statistics.median(ratios)
        details.update(
            {
                "ratio": round(speedup, 4),
                "threshold": threshold,
                "mode": "faster_by" if faster else "slower_by_at_most",
                "rounds": len(ratios),
                "ratio_min": round(min(ratios), 4),
                "ratio_max": round(max(ratios), 4),
                "seconds_per_call": {
                    "submission": statistics.median(sub_times),
                    "baseline": statistics.median(base_times),
                },
            }
        )
        if step is Step.PASS:
            return None
        template = messages.PERF_TOO_SLOW if faster else messages.PERF_SLOWER_THAN_ALLOWED
        return template.format(speed=_speed_words(speedup), n=n, factor=threshold)

    def _growth(
        self,
        timer: Timer,
        student: Side,
        sizes: list[int],
        growth: str,
        details: dict[str, Any],
    ) -> str | None:
        points: list[tuple[int, float]] = []
        known = details.get("seconds_per_call", {}).get("submission")
        for n in sizes:
            if n == sizes[-1] and known is not None:
                points.append((n, known))
                continue
            k, _ = timer.calibrate(student, n)
            times = [timer.seconds(student, n, k) / k for _ in range(GROWTH_ROUNDS)]
            points.append((n, statistics.median(times)))
        exponent = _fit_slope(points)
        limit = growth_limit(growth, sizes)
        details.update(
            {
                "growth": growth,
                "growth_exponent": round(exponent, 3),
                "growth_limit": round(limit, 3),
                "seconds_by_size": {str(n): t for n, t in points},
            }
        )
        if exponent <= limit:
            return None
        return messages.PERF_GROWTH.format(
            exponent=exponent, n_min=sizes[0], n_max=sizes[-1], growth=_GROWTH_WORDS[growth]
        )
