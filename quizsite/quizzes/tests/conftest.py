"""Fixtures for quiz tests: a small bank with one question of every type (stored as
versions, exactly as the bank import stores them) and a quiz factory."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

# A Tuesday morning; the course fixture's timezone is America/New_York.
T0 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

SMALL_BANK: dict[str, dict[str, str]] = {
    "t/choice": {
        "question.toml": """title = "Which opcode"
type = "choice"
points = 1
topics = ["alpha"]
prompt = "Which opcode reads a **closure** variable?"
options = ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"]
answer = "LOAD_DEREF"
"""
    },
    "t/multi": {
        "question.toml": """title = "Code object fields"
type = "multi"
points = 2
topics = ["alpha"]
prompt = "Pick the code object attributes."
options = ["co_cellvars", "co_freevars", "f_locals", "f_back"]
answers = ["co_cellvars", "co_freevars"]
"""
    },
    "t/numeric": {
        "question.toml": """title = "How many"
type = "numeric"
points = 1
topics = ["beta"]
prompt = "How much is 10 * 10?"
answer = 100
tolerance = 0.5
"""
    },
    "t/text": {
        "question.toml": """title = "Which exception"
type = "text"
points = 1
topics = ["beta"]
prompt = "Which exception does reading an unassigned local raise?"
answers = ["UnboundLocalError"]
"""
    },
    "t/code": {
        "question.toml": """title = "Double it"
type = "code"
points = 4
topics = ["gamma"]
prompt = "Write `double(x)`."

[code]
entry = ["double"]
reference = "reference.py"
starter = "starter.py"

[[tests]]
expr = "double(2)"
points = 2

[[tests]]
expr = "double(-5)"
hidden = true
points = 2
""",
        "reference.py": "def double(x):\n    return 2 * x\n",
        "starter.py": "def double(x):\n    pass\n",
    },
}


# Questions for the results page's review: Markdown in the options, explanations, and
# a code question whose tests carry titles (one hidden) and whose reference must never
# reach a student.
REVIEW_BANK: dict[str, dict[str, str]] = {
    "r/choice": {
        "question.toml": """title = "Closure reads"
type = "choice"
prompt = "Which opcode reads a **closure** variable?"
options = ["`LOAD_FAST`", "`LOAD_DEREF`", "`LOAD_GLOBAL`"]
answer = "`LOAD_DEREF`"
shuffle = false
explanation = "A closure variable lives in a *cell*: `LOAD_DEREF` reads it."
"""
    },
    "r/text": {
        "question.toml": """title = "The exception"
type = "text"
prompt = "Which exception?"
answers = ["UnboundLocalError"]
explanation = "The name is local to the whole function."
"""
    },
    "r/code": {
        "question.toml": """title = "Double it"
type = "code"
prompt = "Write `double(x)`."
explanation = "Multiply by two."

[code]
entry = ["double"]
reference = "reference.py"

[[tests]]
expr = "double(2)"
title = "doubles a small number"

[[tests]]
expr = "double(-12345)"
hidden = true
title = "doubles a negative number"
""",
        "reference.py": "def double(x):\n    return x + x  # SECRET-REFERENCE\n",
    },
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits count in the cache, which outlives a test's database rollback (and
    # its reused ids): every test starts with none used.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas get real passwords; the default hasher spends most of a test on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def store_question(path: str, files: dict[str, str], *, bank: str = "test", retired: bool = False):
    """A Question with one QuestionVersion holding ``files`` (as the bank import does)."""
    import tomllib

    from quizsite.bank.models import Question, QuestionVersion

    raw = tomllib.loads(files["question.toml"])
    question = Question.objects.create(
        bank=bank,
        path=path,
        title=raw["title"],
        type=raw["type"],
        topics=raw.get("topics", []),
        retired=retired,
    )
    digest = hashlib.sha256(json.dumps(sorted(files.items())).encode()).hexdigest()
    version = QuestionVersion.objects.create(
        question=question, number=1, content_hash=digest, files=files
    )
    question.current = version
    question.save(update_fields=["current"])
    return question


@pytest.fixture
def small_bank(db) -> dict:
    """{"choice": Question, "multi": ..., "numeric": ..., "text": ..., "code": ...}"""
    return {path.split("/")[1]: store_question(path, files) for path, files in SMALL_BANK.items()}


@pytest.fixture
def make_quiz(course, small_bank):
    """make_quiz(**fields) -> a quiz with one pool listing every small-bank question
    (5 questions, 9 points); fields override the defaults."""

    def make(*, pool: bool = True, **fields):
        from quizsite.quizzes.models import Quiz, QuizPool

        values = {
            "course": course,
            "title": "Quiz 1",
            "opens_at": T0,
            "closes_at": T0 + timedelta(hours=12),
            "time_limit": timedelta(minutes=25),
            "shuffle": False,
        }
        values.update(fields)
        quiz = Quiz.objects.create(**values)
        if pool:
            p = QuizPool.objects.create(quiz=quiz, count=len(small_bank))
            p.questions.set(small_bank.values())
        return quiz

    return make


@pytest.fixture
def quiz(make_quiz):
    return make_quiz()


def position_of(attempt, question_type: str) -> int:
    """The position of the attempt's question of this type."""
    return attempt.questions.get(question_version__question__type=question_type).position


@pytest.fixture
def review_quiz(make_quiz):
    """review_quiz(**fields) -> a quiz drawing the three REVIEW_BANK questions, in bank
    order, results released by hand."""

    def make(**fields):
        from quizsite.quizzes.models import QuizPool

        values = {"feedback_release": "manual", **fields}
        quiz = make_quiz(pool=False, **values)
        pool = QuizPool.objects.create(quiz=quiz, count=len(REVIEW_BANK))
        pool.questions.set([store_question(p, files) for p, files in REVIEW_BANK.items()])
        return quiz

    return make


# A hand-graded question beside one the quiz scores at once.
ESSAY_BANK: dict[str, dict[str, str]] = {
    "e/choice": SMALL_BANK["t/choice"],
    "e/essay": {
        "question.toml": """title = "Why cells"
type = "essay"
points = 4
prompt = "Explain why `x` becomes a cell variable."
min_words = 5
max_words = 200
response_lines = 8
grader_info = "One point each: SECRET-RUBRIC compile time, cell, LOAD_DEREF, nonlocal."
explanation = "The compiler sees the inner function read `x`."
"""
    },
}


@pytest.fixture
def essay_quiz(make_quiz):
    """essay_quiz(**fields) -> a quiz drawing the choice and the essay of ESSAY_BANK,
    in that order, results released at once."""

    def make(**fields):
        from quizsite.quizzes.models import QuizPool

        values = {"feedback_release": "immediate", **fields}
        quiz = make_quiz(pool=False, **values)
        pool = QuizPool.objects.create(quiz=quiz, count=len(ESSAY_BANK))
        pool.questions.set([store_question(p, files) for p, files in ESSAY_BANK.items()])
        return quiz

    return make


@pytest.fixture
def fake_sandbox(settings):
    """Code graded with the no-isolation sandbox, in this process. The grader keeps
    reference results per process: start and leave them empty, so these tests neither
    depend on nor leak into what other tests graded."""
    from grader import pipeline

    settings.GRADER_SANDBOX = "fake"
    pipeline.clear_reference_cache()
    yield
    pipeline.clear_reference_cache()
