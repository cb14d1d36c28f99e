"""The attempt, results and staff pages cost the same number of queries whatever the
number of questions or attempts (no query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Quiz, QuizPool
from quizsite.quizzes.tests.conftest import SMALL_BANK, T0, store_question

NOW = T0 + timedelta(minutes=5)


def _choice(i: int) -> dict[str, str]:
    toml = SMALL_BANK["t/choice"]["question.toml"].replace(
        'title = "Which opcode"', f'title = "Q{i}"'
    )
    return {"question.toml": toml}


def _quiz_with(course, n: int, **fields) -> Quiz:
    quiz = Quiz.objects.create(
        course=course,
        title=f"{n} questions",
        opens_at=T0,
        closes_at=T0 + timedelta(hours=2),
        time_limit=timedelta(minutes=30),
        **fields,
    )
    pool = QuizPool.objects.create(quiz=quiz, count=n)
    pool.questions.set([store_question(f"n{n}/q{i}", _choice(i)) for i in range(n)])
    return quiz


def _count(client, url) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["attempt", "results"])
def test_it_needs_the_same_queries_for_3_questions_as_for_12(course, student, client_for, page):
    client = client_for(student)
    counts = []
    for n in (3, 12):
        attempt = start_attempt(
            _quiz_with(course, n, feedback_release="immediate"), student, now=T0
        )
        for position in range(1, n + 1):
            save_answer(attempt, position, "LOAD_DEREF", now=T0)
        if page == "results":
            submit_attempt(attempt, now=T0 + timedelta(minutes=1))
        url = reverse(f"quizzes:{page}", args=[attempt.pk])
        _count(client, url)  # warm the per-process caches of parsed questions
        counts.append(_count(client, url))
    assert counts[0] == counts[1]


def test_it_needs_the_same_queries_for_2_attempts_as_for_8(course, instructor, client_for):
    from quizsite.accounts.models import Membership, User

    quiz = _quiz_with(course, 2)
    url = reverse("quizzes:staff_quiz", args=[course.code, quiz.pk])
    client = client_for(instructor)
    counts = []
    for total in (2, 8):
        while quiz.attempts.count() < total:
            user = User.objects.create_user(f"s{quiz.attempts.count()}")
            Membership.objects.create(user=user, course=course, role="student")
            start_attempt(quiz, user, now=T0)
        counts.append(_count(client, url))
    assert counts[0] == counts[1]
