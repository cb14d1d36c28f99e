"""Helpers for the pipeline tests: fixture questions and sandbox runners.

Imported by test modules as ``pipeline_helpers`` (pytest puts this folder on sys.path);
the fixtures are re-exported by this folder's conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.pipeline import clear_reference_cache
from grader.sandbox.api import Limits, Outcome, RunResult
from questions.format import Question, load_question

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


def fixture_question(qid: str) -> Question:
    return load_question(FIXTURES / qid, qid)


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> None:
    clear_reference_cache()


@pytest.fixture
def fake_run():
    from grader.sandbox import fake

    return fake.run


class Recorder:
    """Wraps a runner; records every payload; can make chosen runs die on a limit."""

    def __init__(self, inner, die_when=None, outcome: Outcome = Outcome.TIME_LIMIT) -> None:
        self.inner = inner
        self.die_when = die_when
        self.outcome = outcome
        self.payloads: list[dict[str, Any]] = []

    def __call__(self, task: str, payload: dict[str, Any], limits: Limits) -> RunResult:
        self.payloads.append(payload)
        if self.die_when is not None and self.die_when(payload):
            return RunResult(outcome=self.outcome, detail="simulated")
        return self.inner(task, payload, limits)


def by_name(result) -> dict[str, Any]:
    return {c.name: c for c in result.checks}
