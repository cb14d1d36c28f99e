"""Grade one submission of a code question: ``grade(question, source) -> Result``.

Steps (what runs where):

1. The trusted side compiles the submission with ``compile()``. A SyntaxError is the
   student's: status ``graded``, score 0, feedback naming the line.
2. ONE sandbox run of ``grader.harness.probe:main`` executes the module, evaluates
   every test (expression or ``case_<name>(m, rng)`` driver with a seed chosen here),
   every ``raises`` check's expression, and reports which function each check target
   and entry name is bound to (visible tests and ``raises`` before hidden tests, so
   nothing a hidden test handed the submission comes back through them). If that run
   dies on a limit, the module is run again on
   its own and then every test and ``raises`` expression in a sandbox of its own, so
   one runaway test costs only its own points.
3. ANOTHER sandbox run does the same for the reference (never in the student's
   sandbox), cached per question version, variant and seed.
4. Values are compared here as plain data (``grader.values``).
5. Each ``[[checks]]`` entry runs through ``grader.checks`` with a
   ``GradingContext`` whose ``resolve(target)`` returns a code object from the
   trusted compile of step 1: the sandbox only says *which* function a name is bound
   to (qualname, first line, digests of its bytecode and positions); nested targets
   (``make_counter.c``) are found by walking ``co_consts`` of the resolved code.

Extra context attributes for checks (set on the ``GradingContext`` instance):

* ``ctx.probe``: the student's probe answer (see ``grader.harness.probe``), e.g.
  ``ctx.probe["raises"][check_name] == {"raised": "UnboundLocalError" | None,
  "error": None | "time_limit" | ...}``.
* ``ctx.bindings``: ``ctx.probe["bindings"]`` (target -> binding dict).
* ``ctx.explain(target) -> str``: the student-facing reason ``resolve`` gave None
  ("make_counter is not a function (it is bound to a int).").
* ``ctx.limits``: the question's ``Limits`` for any further sandbox run.

``status`` is ``error`` only when the grader or the question failed (a sandbox
failure, a reference that cannot run, a check that crashed): never a student's zero.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import platform
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from grader import bounded, messages
from grader.checks.base import Check, CheckResult, GradingContext
from grader.harness.probe import well_formed as probe_answer_well_formed
from grader.sandbox.api import Limits, Outcome, RunResult
from grader.values import equal, render
from questions.format import CheckSpec, Question, TestSpec, instantiate

log = logging.getLogger(__name__)

PROBE_TASK = "grader.harness.probe:main"
SUBMISSION_FILE = "submission.py"
REFERENCE_FILE = "reference.py"
MAX_SOURCE_BYTES = 256 * 1024
_REFERENCE_CACHE_SIZE = 256
# Compiling the submission and everything read from that compile (tests' values,
# static checks) run in a forked child within this budget (grader.bounded).
ANALYSIS_BUDGET = bounded.Budget(memory_mb=512, cpu_seconds=10, wall_seconds=30.0)

SandboxRun = Callable[[str, dict[str, Any], Limits], RunResult]


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


class GraderFailure(Exception):
    """The grader or the question failed (not the student)."""


def _default_sandbox() -> SandboxRun:
    from grader import sandbox

    return sandbox.run  # type: ignore[attr-defined,no-any-return]


def driver_seed(base_seed: int, name: str) -> int:
    """The seed a test driver's ``random.Random`` gets: fixed by the trusted side."""
    digest = hashlib.sha256(f"{base_seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def limits_for(question: Question) -> Limits:
    assert question.code is not None
    return Limits(cpu_seconds=question.code.cpu_seconds, memory_mb=question.code.memory_mb)


# ---------------------------------------------------------------------- payloads


def _targets(question: Question) -> list[str]:
    code = question.code
    assert code is not None
    names = list(code.entry) + [c.target for c in code.checks if c.target]
    return list(dict.fromkeys(names))


def _test_item(t: TestSpec, base_seed: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": t.name,
        "seed": driver_seed(base_seed, t.name),
        "hidden": t.hidden,
    }
    if t.expr is not None:
        item["expr"] = t.expr
    else:
        item["case"] = t.case
    return item


def _raises_items(question: Question) -> list[dict[str, Any]]:
    assert question.code is not None
    return [
        {"name": c.name, "expr": c.options["expr"]}
        for c in question.code.checks
        if c.kind == "raises" and isinstance(c.options.get("expr"), str)
    ]


def _payload(question: Question, source: str, filename: str, base_seed: int) -> dict[str, Any]:
    code = question.code
    assert code is not None
    return {
        "source": source,
        "filename": filename,
        "cases_source": code.cases_source,
        "variant": question.variant,
        "targets": _targets(question),
        "tests": [_test_item(t, base_seed) for t in code.tests],
        "raises": _raises_items(question),
    }


# --------------------------------------------------------------------- running


def _valid_probe(value: Any) -> bool:
    # Exactly the probe's answer, nothing more: the fields this module adds when it
    # observed a run fail (sandbox_error, limit, fallback) can then only be its own.
    return probe_answer_well_formed(value)


def _limit_entry(r: RunResult) -> dict[str, Any]:
    return {"limit": r.outcome.value}


def _probe_student(run: SandboxRun, payload: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """The student's probe answer; falls back to one sandbox per test when a run dies."""
    r = run(PROBE_TASK, payload, limits)
    if r.outcome is Outcome.SANDBOX_ERROR:
        raise GraderFailure(f"sandbox error on the submission: {r.detail}")
    if r.ok and _valid_probe(r.value):
        return r.value
    # The whole run died (a limit, a crash, a harness the submission broke): find out
    # whether the module alone runs, then give every test and expression its own run.
    base = dict(payload, tests=[], raises=[])
    m = run(PROBE_TASK, base, limits)
    if m.outcome is Outcome.SANDBOX_ERROR:
        raise GraderFailure(f"sandbox error on the submission: {m.detail}")
    if not (m.ok and _valid_probe(m.value)):
        return {
            "module": {"ok": False, "limit": m.outcome.value},
            "bindings": {},
            "tests": {},
            "raises": {},
        }
    probe = m.value
    for item in payload["tests"]:
        one = run(PROBE_TASK, dict(base, tests=[item]), limits)
        if one.outcome is Outcome.SANDBOX_ERROR:
            probe["tests"][item["name"]] = {"sandbox_error": one.detail or "sandbox error"}
        elif one.ok and _valid_probe(one.value) and item["name"] in one.value["tests"]:
            probe["tests"][item["name"]] = one.value["tests"][item["name"]]
        else:
            probe["tests"][item["name"]] = _limit_entry(one)
    for item in payload["raises"]:
        one = run(PROBE_TASK, dict(base, raises=[item]), limits)
        if one.outcome is Outcome.SANDBOX_ERROR:
            probe["raises"][item["name"]] = {"raised": None, "error": "sandbox_error"}
        elif one.ok and _valid_probe(one.value) and item["name"] in one.value["raises"]:
            probe["raises"][item["name"]] = one.value["raises"][item["name"]]
        else:
            probe["raises"][item["name"]] = {"raised": None, "error": one.outcome.value}
    probe["fallback"] = True
    return probe


_reference_cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()


def _probe_reference(
    run: SandboxRun, question: Question, base_seed: int, limits: Limits
) -> dict[str, Any]:
    code = question.code
    assert code is not None
    payload = _payload(question, code.reference_source, REFERENCE_FILE, base_seed)
    # Keyed by exactly what the reference run is asked (source, tests, seeds, variant), so
    # a derived question (a visible-tests-only trial run, say) never reuses another's answer.
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    cached = _reference_cache.get(key)
    if cached is not None:
        _reference_cache.move_to_end(key)
        return cached
    r = run(PROBE_TASK, payload, limits)
    if not (r.ok and _valid_probe(r.value)):
        why = r.detail or f"{r.exc_type} {r.exc_message}".strip()
        raise GraderFailure(f"the reference did not run: {r.outcome.value} {why}".strip())
    probe = r.value
    if not probe["module"].get("ok"):
        mod = probe["module"]
        raise GraderFailure(
            f"the reference raised {mod.get('exc_type')} at line {mod.get('line')}: "
            f"{mod.get('exc_message', '')}"
        )
    _reference_cache[key] = probe
    while len(_reference_cache) > _REFERENCE_CACHE_SIZE:
        _reference_cache.popitem(last=False)
    return probe


def clear_reference_cache() -> None:
    _reference_cache.clear()


# ------------------------------------------------------------------- resolving


def _walk_code(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _walk_code(const)


def _digest(code: types.CodeType) -> tuple[str, str]:
    return (
        hashlib.sha256(code.co_code).hexdigest(),
        hashlib.sha256(repr(list(code.co_positions())).encode()).hexdigest(),
    )


class Resolver:
    """Maps the probe's bindings to code objects of the trusted compile."""

    def __init__(self, module_code: types.CodeType, bindings: dict[str, Any]) -> None:
        self.module_code = module_code
        self.bindings = bindings
        self._all = list(_walk_code(module_code))[1:]

    def _find(self, b: dict[str, Any]) -> types.CodeType | None:
        for code in self._all:
            if (
                code.co_qualname == b.get("qualname")
                and code.co_firstlineno == b.get("firstlineno")
                and code.co_filename == b.get("filename")
                and _digest(code) == (b.get("code_sha256"), b.get("positions_sha256"))
            ):
                return code
        return None

    def resolve(self, target: str) -> types.CodeType | None:
        code, _ = self._resolve(target)
        return code

    def explain(self, target: str) -> str:
        _, why = self._resolve(target)
        return why

    def _resolve(self, target: str) -> tuple[types.CodeType | None, str]:
        b = self.bindings.get(target)
        if type(b) is not dict:
            return None, messages.target_missing(target)
        kind = b.get("kind")
        if kind == "missing":
            return None, messages.target_missing(str(b.get("path", target)))
        if kind != "function":
            return None, messages.target_not_function(
                str(b.get("path", target)), str(b.get("type", "?"))
            )
        code = self._find(b)
        if code is None:
            return None, messages.target_not_from_source(str(b.get("path", target)))
        outer = str(b.get("path", target))
        for part in b.get("rest") or []:
            inner = next(
                (c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == part),
                None,
            )
            if inner is None:
                return None, messages.nested_missing(outer, part)
            code, outer = inner, f"{outer}.{part}"
        return code, ""


# -------------------------------------------------------------------- grading


def _load_check_kinds() -> None:
    """Import the check modules; each registers its kind in ``Check.registry``."""
    import importlib

    from questions.format import CHECK_KINDS

    for module in ("grader.checks", *(f"grader.checks.{kind}" for kind in CHECK_KINDS)):
        try:
            importlib.import_module(module)
        except ImportError as e:  # a kind without a module is reported per check
            log.warning("%s could not be imported: %s", module, e)


def _entry_missing(probe: dict[str, Any], question: Question) -> str | None:
    assert question.code is not None
    for name in question.code.entry:
        b = probe.get("bindings", {}).get(name)
        if type(b) is dict and b.get("kind") == "missing":
            return name
    return None


def _hidden_raised(name: Any) -> str:
    # Only a builtin's name: the submission names its own classes, and a class made
    # while a hidden test ran could carry that test's inputs in its name.
    if type(name) is str and name.isidentifier() and name in _BUILTIN_EXCEPTIONS:
        return messages.hidden_test_raised(name)
    return messages.hidden_test_failed()


_BUILTIN_EXCEPTIONS = frozenset(
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
)


def _test_result(
    t: TestSpec,
    expected: Any,
    got: Any,
    limits: Limits,
    missing_entry: str | None,
    errors: list[str],
) -> tuple[CheckResult, bool]:
    """(result, grader_error) for one test."""

    def res(passed: bool, feedback: str = "") -> CheckResult:
        return CheckResult(t.name, "test", passed, t.points if passed else 0.0, t.points, feedback)

    label = t.expr if t.expr is not None else f"Test {t.name}"
    if type(expected) is not dict or not ("value" in expected or "raised" in expected):
        errors.append(f"test {t.name}: the reference gave no value ({expected!r})")
        return res(False, messages.grader_error()), True
    if type(got) is not dict:
        # The submission's process answered without this test: only the submission can
        # have caused that (the probe always answers for every test it was given).
        return res(False, messages.hidden_test_failed() if t.hidden else messages.crashed()), False
    if "sandbox_error" in got:
        errors.append(f"test {t.name}: sandbox error: {got['sandbox_error']}")
        return res(False, messages.grader_error()), True

    if "limit" in got:
        outcome = got["limit"]
        if t.hidden:
            fb = (
                messages.hidden_memory_limit()
                if outcome == Outcome.MEMORY_LIMIT.value
                else messages.hidden_time_limit()
                if outcome == Outcome.TIME_LIMIT.value
                else messages.hidden_test_failed()
            )
        elif outcome == Outcome.TIME_LIMIT.value:
            fb = messages.test_time_limit(label, limits.cpu_seconds)
        elif outcome == Outcome.MEMORY_LIMIT.value:
            fb = messages.test_memory_limit(label, limits.memory_mb)
        elif outcome == Outcome.OUTPUT_LIMIT.value:
            fb = messages.test_output_limit(label)
        else:
            fb = messages.crashed()
        return res(False, fb), False
    if got.get("too_large"):
        return res(
            False, messages.hidden_test_failed() if t.hidden else messages.test_too_large(label)
        ), False

    if "raised" in expected:
        if got.get("raised") == expected["raised"]:
            return res(True), False
        if t.hidden:
            fb = _hidden_raised(got["raised"]) if "raised" in got else messages.hidden_test_failed()
        elif "raised" in got:
            fb = messages.test_raised_wrong(label, expected["raised"], got["raised"])
        else:
            fb = messages.test_should_raise(label, expected["raised"], render(got.get("value")))
        return res(False, fb), False

    if "raised" in got:
        if missing_entry and got["raised"] == "NameError":
            return res(False, messages.not_defined(missing_entry)), False
        if t.hidden:
            return res(False, _hidden_raised(got["raised"])), False
        return (
            res(
                False,
                messages.test_raised(
                    label, got["raised"], str(got.get("message", "")), got.get("line")
                ),
            ),
            False,
        )
    if "value" not in got:
        return res(False, messages.hidden_test_failed() if t.hidden else messages.crashed()), False
    if equal(expected["value"], got["value"], t.tolerance):
        return res(True), False
    if t.hidden:
        return res(False, messages.hidden_test_failed()), False
    exp_text, got_text = render(expected["value"]), render(got["value"])
    if t.expr is not None:
        return res(False, messages.test_wrong_value(t.expr, got_text, exp_text)), False
    return res(False, messages.test_wrong_value_case(t.name, got_text, exp_text)), False


def _module_failure_feedback(mod: dict[str, Any], limits: Limits) -> str:
    if "limit" in mod:
        outcome = mod["limit"]
        if outcome == Outcome.TIME_LIMIT.value:
            return messages.time_limit(limits.cpu_seconds)
        if outcome == Outcome.MEMORY_LIMIT.value:
            return messages.memory_limit(limits.memory_mb)
        if outcome == Outcome.OUTPUT_LIMIT.value:
            return messages.output_limit()
        return messages.crashed()
    return messages.module_raised(str(mod.get("exc_type", "an exception")), mod.get("line"))


def _all_failed(question: Question, feedback: str) -> list[CheckResult]:
    code = question.code
    assert code is not None
    out = [CheckResult(t.name, "test", False, 0.0, t.points, feedback) for t in code.tests]
    out += [CheckResult(c.name, c.kind, False, 0.0, c.points, feedback) for c in code.checks]
    return out


def _run_check(spec: CheckSpec, ctx: GradingContext, errors: list[str]) -> tuple[CheckResult, bool]:
    cls = Check.registry.get(spec.kind)
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
        return _finish(question, _all_failed(question, fb), "graded", errors)
    if question.code.checks:
        _load_check_kinds()  # before the fork, so the child need not import them
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
        return _finish(question, _all_failed(question, fb), "graded", errors)

    # 2-3. The submission's probe, then the reference's (separate sandboxes).
    try:
        probe = _probe_student(run, _payload(question, source, SUBMISSION_FILE, base_seed), limits)
        reference = _probe_reference(run, question, base_seed, limits)
    except GraderFailure as e:
        errors.append(str(e))
        return Result(question.id, "error", 0.0, question.points, [], errors=errors)

    mod = probe["module"]
    for item in _raises_items(question):
        # A process that dropped an answer (tampering) fails that check, not the grader.
        if type(probe["raises"].get(item["name"])) is not dict:
            probe["raises"][item["name"]] = {"raised": None, "error": "no answer"}
    if not mod.get("ok"):
        fb = _module_failure_feedback(mod, limits)
        return _finish(question, _all_failed(question, fb), "graded", errors)

    # 4-5. Tests and the checks that read only code and data, within the budget; then
    # the checks that time the submission in sandboxes, here.
    try:
        analysed = child.ask({"probe": probe, "reference": reference})
    except bounded.OverBudget as e:
        log.warning("analysing a submission to %s ran over its budget: %s", question.id, e)
        return _finish(question, _all_failed(question, messages.too_complex()), "graded", errors)
    except bounded.ChildFailed as e:
        errors.append(f"analysing the submission failed: {e}")
        return Result(question.id, "error", 0.0, question.points, [], errors=errors)
    errors.extend(analysed["errors"])
    grader_error = bool(analysed["grader_error"])
    results = [_check_result(d) for d in analysed["results"]]
    code = question.code
    assert code is not None
    if any(_uses_sandbox(spec) for spec in code.checks):
        ctx = _context(question, source, None, lambda target: None, run, base_seed)
        ctx.probe = probe  # type: ignore[attr-defined]
        ctx.bindings = probe["bindings"]  # type: ignore[attr-defined]
        ctx.limits = limits  # type: ignore[attr-defined]
        ctx.reference_probe = reference  # type: ignore[attr-defined]
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
        assert self.module_code is not None
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
    cls = Check.registry.get(spec.kind)
    return cls is not None and cls.uses_sandbox


def _no_sandbox(task: str, payload: dict[str, Any], limits: Limits) -> RunResult:
    raise RuntimeError("a check that runs sandboxes must set Check.uses_sandbox")


def _context(
    question: Question,
    source: str,
    module_code: types.CodeType | None,
    resolve: Callable[[str], types.CodeType | None],
    run: SandboxRun,
    seed: int,
) -> GradingContext:
    return GradingContext(
        question=question,
        source=source,
        module_code=module_code,
        resolve=resolve,
        run_sandbox=run,
        seed=seed,
    )


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
    assert code is not None
    errors: list[str] = []
    results: list[CheckResult] = []
    grader_error = False
    missing = _entry_missing(probe, question)
    for t in code.tests:
        r, err = _test_result(
            t, reference["tests"].get(t.name), probe["tests"].get(t.name), limits, missing, errors
        )
        results.append(r)
        grader_error |= err

    if code.checks:
        resolver = Resolver(module_code, probe["bindings"])
        ctx = _context(question, source, module_code, resolver.resolve, _no_sandbox, base_seed)
        ctx.probe = probe  # type: ignore[attr-defined]
        ctx.bindings = probe["bindings"]  # type: ignore[attr-defined]
        ctx.explain = resolver.explain  # type: ignore[attr-defined]
        ctx.limits = limits  # type: ignore[attr-defined]
        ctx.reference_probe = reference  # type: ignore[attr-defined]
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
