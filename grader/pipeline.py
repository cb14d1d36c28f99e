"""Grade one submission of a code question: ``grade(question, source) -> Result``.

Steps (what runs where):

1. The trusted side compiles the submission with ``compile()``, in a budgeted child
   (``grader.bounded``). A SyntaxError is the student's: status ``graded``, score 0,
   feedback naming the line.
2. ONE sandbox run of the probe executes the module, its tests and what the check
   kinds ask for (``grader.probing``).
3. ANOTHER sandbox run does the same for the reference (never in the student's
   sandbox), cached per question version, variant and seed.
4. Values are compared as plain data (``grader.verdicts``, ``grader.values``).
5. Each ``[[checks]]`` entry runs through its kind (``grader.checks.KINDS``) with a
   ``GradingContext`` whose ``resolve(target)`` returns a code object from the trusted
   compile of step 1 (``grader.resolving``), and whose ``probe``, ``explain`` and
   ``limits`` say the rest. Kinds that read only code and data run in the budgeted
   child; kinds that declare ``uses_sandbox`` run here, after it.

``status`` is ``error`` only when the grader or the question failed (a sandbox
failure, a reference that cannot run, a check that crashed): never a student's zero.
"""

from __future__ import annotations

import logging
import platform
import types
from dataclasses import dataclass, field
from typing import Any

from grader import bounded, messages
from grader.checks import KINDS
from grader.checks.base import CheckResult, GradingContext, SandboxRun
from grader.probing import (
    PROBE_TASK,
    SUBMISSION_FILE,
    GraderFailure,
    clear_reference_cache,
    driver_seed,
    limits_for,
    payload,
    probe_items,
    probe_reference,
    probe_student,
    unanswered,
)
from grader.resolving import Resolver
from grader.sandbox.api import Limits, RunResult
from grader.verdicts import all_failed, entry_missing, module_failure_feedback, test_result
from questions.format import CheckSpec, Question, instantiate

__all__ = [
    "ANALYSIS_BUDGET",
    "MAX_SOURCE_BYTES",
    "PROBE_TASK",
    "GraderFailure",
    "Resolver",
    "Result",
    "clear_reference_cache",
    "driver_seed",
    "grade",
    "limits_for",
]

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 256 * 1024
# Compiling the submission and everything read from that compile (tests' values,
# static checks) run in a forked child within this budget (grader.bounded).
ANALYSIS_BUDGET = bounded.Budget(memory_mb=512, cpu_seconds=10, wall_seconds=30.0)


@dataclass
class Result:
    question: str
    status: str  # "graded" | "error"
    score: float
    max_score: float
    checks: list[CheckResult] = field(default_factory=list)
    python: str = field(default_factory=platform.python_version)
    # For staff and logs only (never in as_dict): why something is an error.
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [c.as_dict() for c in self.checks],
            "python": self.python,
        }


def _default_sandbox() -> SandboxRun:
    from grader.sandbox import choose

    return choose("real")


# -------------------------------------------------------------------- grading


def _run_check(spec: CheckSpec, ctx: GradingContext, errors: list[str]) -> tuple[CheckResult, bool]:
    cls = KINDS.get(spec.kind)
    if cls is None:
        errors.append(f"check {spec.name}: no grader for kind '{spec.kind}'")
        return CheckResult(
            spec.name, spec.kind, False, 0.0, spec.points, messages.grader_error()
        ), True
    try:
        r = cls(spec).run(ctx)
        if not isinstance(r, CheckResult):
            raise TypeError(f"returned {type(r).__name__}, not CheckResult")
    except Exception as e:  # a crashing check is the grader's fault, not the student's
        log.exception("check %s (%s) failed", spec.name, spec.kind)
        errors.append(f"check {spec.name} ({spec.kind}) crashed: {type(e).__name__}: {e}")
        return CheckResult(
            spec.name, spec.kind, False, 0.0, spec.points, messages.grader_error()
        ), True
    return r, False


def _finish(
    question: Question, results: list[CheckResult], status: str, errors: list[str]
) -> Result:
    earned = sum(r.points for r in results)
    total = sum(r.max_points for r in results)
    score = question.points * earned / total if total > 0 else 0.0
    return Result(
        question=question.id,
        status=status,
        score=round(score, 6),
        max_score=question.points,
        checks=results,
        errors=errors,
    )


def grade(
    question: Question,
    source: str,
    *,
    sandbox: SandboxRun | None = None,
    seed: int | None = None,
) -> Result:
    """Grade ``source`` against a code question. Never raises for a student's code.

    ``seed`` picks the variant of a question with variants (unless ``question`` is
    already an instantiated variant) and the seeds of the test drivers; the same seed
    grades the same way. ``sandbox`` is ``grader.sandbox.run`` unless given (tests
    pass ``grader.sandbox.fake.run``).
    """
    if question.type != "code" or question.code is None:
        raise ValueError(f"{question.id} is a {question.type} question; use questions.scoring")
    if question.variants is not None and question.seed is None:
        question = instantiate(question, seed if seed is not None else 0)
    base_seed = seed if seed is not None else (question.seed or 0)
    run = sandbox if sandbox is not None else _default_sandbox()
    limits = limits_for(question)
    errors: list[str] = []

    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        fb = messages.too_long(MAX_SOURCE_BYTES // 1024)
        return _finish(question, all_failed(question, fb), "graded", errors)
    # One budgeted child for all the analysis of this source: it compiles (step 1),
    # keeps the code object, and later reads it and the probes' values (steps 4-5).
    in_child = _InChild(question, source, base_seed, limits)
    with bounded.Child([in_child.compile, in_child.analyse], ANALYSIS_BUDGET) as child:
        return _grade_in(child, question, source, run, base_seed, limits, errors)


def _grade_in(
    child: bounded.Child,
    question: Question,
    source: str,
    run: SandboxRun,
    base_seed: int,
    limits: Limits,
    errors: list[str],
) -> Result:
    # 1. Compile on the trusted side, within the analysis budget.
    try:
        fb = child.ask()
    except bounded.OverBudget as e:
        log.warning("compiling a submission to %s ran over its budget: %s", question.id, e)
        fb = messages.too_complex()
    except bounded.ChildFailed as e:
        errors.append(f"compiling the submission failed: {e}")
        return Result(question.id, "error", 0.0, question.points, [], errors=errors)
    if fb:
        return _finish(question, all_failed(question, fb), "graded", errors)

    # 2-3. The submission's probe, then the reference's (separate sandboxes).
    try:
        asked = payload(question, source, SUBMISSION_FILE, base_seed)
        probe = probe_student(run, question, asked, limits)
        reference = probe_reference(run, question, base_seed, limits)
    except GraderFailure as e:
        errors.append(str(e))
        return Result(question.id, "error", 0.0, question.points, [], errors=errors)

    mod = probe["module"]
    for section, items in probe_items(question).items():
        for item in items:
            # A process that dropped an answer (tampering) fails that check, not the grader.
            if type(probe[section].get(item["name"])) is not dict:
                probe[section][item["name"]] = unanswered(
                    question, section, item["name"], "no answer"
                )
    if not mod.get("ok"):
        fb = module_failure_feedback(mod, limits)
        return _finish(question, all_failed(question, fb), "graded", errors)

    # 4-5. Tests and the checks that read only code and data, within the budget; then
    # the checks that time the submission in sandboxes, here.
    try:
        analysed = child.ask({"probe": probe, "reference": reference})
    except bounded.OverBudget as e:
        log.warning("analysing a submission to %s ran over its budget: %s", question.id, e)
        return _finish(question, all_failed(question, messages.too_complex()), "graded", errors)
    except bounded.ChildFailed as e:
        errors.append(f"analysing the submission failed: {e}")
        return Result(question.id, "error", 0.0, question.points, [], errors=errors)
    errors.extend(analysed["errors"])
    grader_error = bool(analysed["grader_error"])
    results = [_check_result(d) for d in analysed["results"]]
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
    if any(_uses_sandbox(spec) for spec in code.checks):
        ctx = GradingContext(
            question=question,
            source=source,
            module_code=None,
            resolve=lambda target: None,
            run_sandbox=run,
            seed=base_seed,
            probe=probe,
            reference_probe=reference,
            limits=limits,
        )
        for i, spec in enumerate(code.checks, start=len(code.tests)):
            if _uses_sandbox(spec):
                results[i], err = _run_check(spec, ctx, errors)
                grader_error |= err

    return _finish(question, results, "error" if grader_error else "graded", errors)


class _InChild:
    """The steps of the budgeted analysis child (``grader.bounded.Child``). The trusted
    compile is made and kept there: it, and everything read from it, dies with it."""

    def __init__(self, question: Question, source: str, base_seed: int, limits: Limits):
        self.question = question
        self.source = source
        self.base_seed = base_seed
        self.limits = limits
        self.module_code: types.CodeType | None = None

    def compile(self, _: Any) -> str | None:
        """What is wrong with the source for the student (a sentence), or None."""
        try:
            self.module_code = compile(self.source, SUBMISSION_FILE, "exec", dont_inherit=True)
        except SyntaxError as e:
            return messages.syntax_error(e.lineno, e.offset, e.msg)
        except ValueError as e:  # a null byte, say
            return messages.compile_failed(type(e).__name__)
        return None

    def analyse(self, probes: dict[str, Any]) -> dict[str, Any]:
        if self.module_code is None:  # an invariant, kept under python -O
            raise RuntimeError("expected self.module_code is not None")
        return _analyse(
            self.question,
            self.source,
            self.module_code,
            probes["probe"],
            probes["reference"],
            self.base_seed,
            self.limits,
        )


def _uses_sandbox(spec: CheckSpec) -> bool:
    cls = KINDS.get(spec.kind)
    return cls is not None and cls.uses_sandbox


def _no_sandbox(task: str, payload: dict[str, Any], limits: Limits) -> RunResult:
    raise RuntimeError("a check that runs sandboxes must set Check.uses_sandbox")


def _check_result(d: dict[str, Any]) -> CheckResult:
    return CheckResult(
        d["name"],
        d["kind"],
        d["passed"],
        d["points"],
        d["max_points"],
        d["feedback"],
        d.get("details") or {},
    )


def _analyse(
    question: Question,
    source: str,
    module_code: types.CodeType,
    probe: dict[str, Any],
    reference: dict[str, Any],
    base_seed: int,
    limits: Limits,
) -> dict[str, Any]:
    """Steps 4 and 5 but the checks that need a sandbox, as plain data (one result per
    test and check, in order; a placeholder where a sandbox check goes). Runs in the
    budgeted child: the trusted compile and everything read from it (and every value
    the sandbox reported) live and die there."""
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
    errors: list[str] = []
    results: list[CheckResult] = []
    grader_error = False
    missing = entry_missing(probe, question)
    for t in code.tests:
        r, err = test_result(
            t, reference["tests"].get(t.name), probe["tests"].get(t.name), limits, missing, errors
        )
        results.append(r)
        grader_error |= err

    if code.checks:
        resolver = Resolver(module_code, probe["bindings"])
        ctx = GradingContext(
            question=question,
            source=source,
            module_code=module_code,
            resolve=resolver.resolve,
            run_sandbox=_no_sandbox,
            seed=base_seed,
            probe=probe,
            reference_probe=reference,
            explain=resolver.explain,
            limits=limits,
        )
        for spec in code.checks:
            if _uses_sandbox(spec):
                # Filled in by the parent, which may run sandboxes.
                results.append(CheckResult(spec.name, spec.kind, False, 0.0, spec.points))
                continue
            r, err = _run_check(spec, ctx, errors)
            results.append(r)
            grader_error |= err
    return {
        "results": [r.as_dict() for r in results],
        "errors": errors,
        "grader_error": grader_error,
    }
