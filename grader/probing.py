"""The probe runs of a grading: what the probe is asked, and its answers.

One sandbox run of ``grader.harness.probe:main`` executes the module, evaluates every
test (an expression, or a ``case_<name>(m, rng)`` driver with a seed chosen here) and
every item a check kind asks for in its ``probe_section`` (a ``raises`` expression),
and reports which function each check target and entry name is bound to. Visible
tests and check items run before hidden tests, so nothing a hidden test handed the
submission comes back through them. If the submission's run dies on a limit, the
module is run again on its own and then every test and item in a sandbox of its own,
so one runaway test costs only its own points. The reference gets the same questions
in a sandbox of its own, cached per question version, variant and seed.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from grader.checks import KINDS, PROBE_SECTIONS
from grader.checks.base import SandboxRun
from grader.harness.probe import well_formed as probe_answer_well_formed
from grader.sandbox.api import Limits, Outcome, RunResult
from questions.format import Question, TestSpec

PROBE_TASK = "grader.harness.probe:main"
SUBMISSION_FILE = "submission.py"
REFERENCE_FILE = "reference.py"
_REFERENCE_CACHE_SIZE = 256


class GraderFailure(Exception):
    """The grader or the question failed (not the student)."""


def driver_seed(base_seed: int, name: str) -> int:
    """The seed a test driver's ``random.Random`` gets: fixed by the trusted side."""
    digest = hashlib.sha256(f"{base_seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def limits_for(question: Question) -> Limits:
    if question.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected question.code is not None")
    return Limits(cpu_seconds=question.code.cpu_seconds, memory_mb=question.code.memory_mb)


def _targets(question: Question) -> list[str]:
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
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


def probe_items(question: Question) -> dict[str, list[dict[str, Any]]]:
    """What the checks ask the probe to evaluate, by section (every kind's section, even
    when no check of the question uses it: the probe answers each)."""
    if question.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected question.code is not None")
    items: dict[str, list[dict[str, Any]]] = {section: [] for section in PROBE_SECTIONS}
    for spec in question.code.checks:
        cls = KINDS.get(spec.kind)
        if cls is not None and cls.probe_section is not None:
            item = cls.probe_item(spec)
            if item is not None:
                items[cls.probe_section].append(item)
    return items


def unanswered(question: Question, section: str, name: str, error: str) -> dict[str, Any]:
    """The answer recorded for the probe item ``name`` when no run answered it."""
    if question.code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected question.code is not None")
    for spec in question.code.checks:
        cls = KINDS.get(spec.kind)
        if spec.name == name and cls is not None and cls.probe_section == section:
            return cls.probe_unanswered(error)
    return {"error": error}


def payload(question: Question, source: str, filename: str, base_seed: int) -> dict[str, Any]:
    """What the probe is asked: run ``source``, its tests and the checks' items."""
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
    return {
        "source": source,
        "filename": filename,
        "cases_source": code.cases_source,
        "variant": question.variant,
        "targets": _targets(question),
        "tests": [_test_item(t, base_seed) for t in code.tests],
        **probe_items(question),
    }


# --------------------------------------------------------------------- running


def _valid_probe(value: Any) -> bool:
    # Exactly the probe's answer, nothing more: the fields this module adds when it
    # observed a run fail (sandbox_error, limit, fallback) can then only be its own.
    return probe_answer_well_formed(value)


def _limit_entry(r: RunResult) -> dict[str, Any]:
    return {"limit": r.outcome.value}


def probe_student(
    run: SandboxRun, question: Question, asked: dict[str, Any], limits: Limits
) -> dict[str, Any]:
    """The student's probe answer; falls back to one sandbox per test when a run dies."""
    r = run(PROBE_TASK, asked, limits)
    if r.outcome is Outcome.SANDBOX_ERROR:
        raise GraderFailure(f"sandbox error on the submission: {r.detail}")
    if r.ok and _valid_probe(r.value):
        answer: dict[str, Any] = r.value
        return answer
    # The whole run died (a limit, a crash, a harness the submission broke): find out
    # whether the module alone runs, then give every test and expression its own run.
    base = dict(asked, tests=[], **{section: [] for section in PROBE_SECTIONS})
    m = run(PROBE_TASK, base, limits)
    if m.outcome is Outcome.SANDBOX_ERROR:
        raise GraderFailure(f"sandbox error on the submission: {m.detail}")
    if not (m.ok and _valid_probe(m.value)):
        return {
            "module": {"ok": False, "limit": m.outcome.value},
            "bindings": {},
            "tests": {},
            **{section: {} for section in PROBE_SECTIONS},
        }
    probe = m.value
    for item in asked["tests"]:
        one = run(PROBE_TASK, dict(base, tests=[item]), limits)
        if one.outcome is Outcome.SANDBOX_ERROR:
            probe["tests"][item["name"]] = {"sandbox_error": one.detail or "sandbox error"}
        elif one.ok and _valid_probe(one.value) and item["name"] in one.value["tests"]:
            probe["tests"][item["name"]] = one.value["tests"][item["name"]]
        else:
            probe["tests"][item["name"]] = _limit_entry(one)
    for section in PROBE_SECTIONS:
        for item in asked[section]:
            name = item["name"]
            one = run(PROBE_TASK, dict(base, **{section: [item]}), limits)
            if one.outcome is Outcome.SANDBOX_ERROR:
                probe[section][name] = unanswered(question, section, name, "sandbox_error")
            elif one.ok and _valid_probe(one.value) and name in one.value[section]:
                probe[section][name] = one.value[section][name]
            else:
                probe[section][name] = unanswered(question, section, name, one.outcome.value)
    probe["fallback"] = True
    return dict(probe)


_reference_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()


def probe_reference(
    run: SandboxRun, question: Question, base_seed: int, limits: Limits
) -> dict[str, Any]:
    code = question.code
    if code is None:  # an invariant, kept under python -O
        raise RuntimeError("expected code is not None")
    asked = payload(question, code.reference_source, REFERENCE_FILE, base_seed)
    # Keyed by exactly what the reference run is asked (source, tests, seeds, variant), so
    # a derived question (a visible-tests-only trial run, say) never reuses another's answer.
    key = hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()
    cached = _reference_cache.get(key)
    if cached is not None:
        _reference_cache.move_to_end(key)
        return cached
    r = run(PROBE_TASK, asked, limits)
    if not (r.ok and _valid_probe(r.value)):
        why = r.detail or f"{r.exc_type} {r.exc_message}".strip()
        raise GraderFailure(f"the reference did not run: {r.outcome.value} {why}".strip())
    probe: dict[str, Any] = r.value
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
    """Forget every reference answer (tests, and a process that reloads the bank)."""
    _reference_cache.clear()
