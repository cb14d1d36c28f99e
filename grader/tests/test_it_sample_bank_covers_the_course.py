"""The sample bank is big and varied enough for the course's quizzes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from grader.checks import CHECK_KINDS
from questions.format import TYPES, load_bank

BANK = Path(__file__).resolve().parents[2] / "questions" / "bank"
TOPICS = {
    "code-objects",
    "bytecode",
    "scopes",
    "objects",
    "frames",
    "generators",
    "memory",
    "numpy",
}


def test_it_has_enough_questions_per_topic() -> None:
    questions = load_bank(BANK)
    assert len(questions) >= 36
    per_topic = Counter(t for q in questions for t in q.topics)
    assert set(per_topic) == TOPICS
    assert min(per_topic.values()) >= 3
    # Each question sits in the folder of its topic.
    assert all(q.id.split("/")[0] in q.topics for q in questions)


def test_it_uses_every_type_and_every_check_kind() -> None:
    questions = load_bank(BANK)
    assert {q.type for q in questions} == set(TYPES)
    code = [q for q in questions if q.type == "code"]
    assert len(code) >= 12
    checks = [c for q in code for c in q.code.checks]
    assert {c.kind for c in checks} == set(CHECK_KINDS)
    bytecode_keys = {k for c in checks if c.kind == "bytecode" for k in c.options}
    assert bytecode_keys == {"require", "forbid", "max_instructions", "calls_forbidden"}
    flags = {k for c in checks if c.kind == "flags" for k in c.options}
    assert {"generator", "nested", "coroutine", "async_generator"} <= flags
    assert any(c.kind == "raises" and c.options["exception"] == "UnboundLocalError" for c in checks)


def test_it_has_the_lecture_performance_question() -> None:
    (q,) = [q for q in load_bank(BANK) if q.id == "numpy/fast-sum"]
    (perf,) = [c for c in q.code.checks if c.kind == "performance"]
    assert perf.options["baseline"] == "slow.py:pysum"
    assert max(perf.options["sizes"]) == 100_000
    assert perf.options["faster_by"] >= 10


def test_it_has_questions_with_variants() -> None:
    assert sum(q.has_variants for q in load_bank(BANK)) >= 2
