"""Drawing an attempt's questions from the quiz's pools: the same questions, points and
variant seeds every time for the same quiz, student and attempt number."""

from __future__ import annotations

import random
from typing import Any

from django.db.models import Prefetch

from quizsite.bank.models import Question
from quizsite.quizzes import content
from quizsite.quizzes.models import Quiz


def _seed(*parts: Any) -> random.Random:
    # String seeds hash with SHA-512: stable across processes and Python runs.
    return random.Random(":".join(str(p) for p in parts))  # noqa: S311 - a reproducible draw, not a secret


def draw_questions(quiz: Quiz, user, number: int) -> list[tuple[Question, float, int]]:
    """(question, points, variant seed) for one student's attempt, the same every time
    for the same quiz, student and attempt number. Retired questions and questions
    without a current version are never drawn; a question is drawn at most once."""
    rng = _seed("quiz", quiz.pk, "user", user.pk, "attempt", number)
    # Versions without their files: content.parsed needs only id and hash when cached.
    questions = Question.objects.select_related("current").defer("current__files")
    pools = list(quiz.pools.prefetch_related(Prefetch("questions", queryset=questions)))
    live: list[Question] | None = None
    taken: set[int] = set()
    drawn: list[tuple[Question, float | None]] = []
    for pool in pools:
        if pool.topic:
            if live is None:
                live = list(questions.filter(retired=False, current__isnull=False))
            candidates = [q for q in live if pool.topic in (q.topics or [])]
        else:
            candidates = [q for q in pool.questions.all() if not q.retired and q.current_id]
        candidates = sorted(
            (q for q in candidates if q.pk not in taken), key=lambda q: (q.bank, q.path)
        )
        picked = rng.sample(range(len(candidates)), min(pool.count, len(candidates)))
        # Without shuffling, questions keep the bank's order within their pool.
        for q in (candidates[i] for i in sorted(picked)):
            taken.add(q.pk)
            drawn.append((q, pool.points))
    if quiz.shuffle:
        rng.shuffle(drawn)
    result = []
    for q, points in drawn:
        own = content.parsed(content.current_version(q)).points
        result.append((q, float(points if points is not None else own), rng.randrange(2**31)))
    return result
