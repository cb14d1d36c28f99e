"""The demo quizzes draw from the topics in the database and are open at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from questions.tests.banks import SAMPLE
from quizsite.bank.sync import sync_bank
from quizsite.quizzes import demo
from quizsite.quizzes.actions.attempts import start_attempt


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 3, 10, 15, 0, tzinfo=UTC), datetime(2026, 3, 10, 3, 0, tzinfo=UTC)],
    ids=["during the day", "at night"],
)
def test_it_builds_an_open_twelve_question_quiz(course, student, now) -> None:
    sync_bank(SAMPLE, check=False)
    quiz = demo.create_demo_quiz(course, now=now)
    assert demo.create_demo_quiz(course, now=now).pk == quiz.pk
    assert quiz.time_limit.total_seconds() == 25 * 60
    assert (quiz.closes_at - quiz.opens_at).total_seconds() == 12 * 3600
    assert sum(p.count for p in quiz.pools.all()) == 12
    assert {p.topic for p in quiz.pools.all()} == set(demo.SAMPLE_TOPICS)
    attempt = start_attempt(quiz, student, now=now)
    assert attempt.questions.count() == 12
    homework = quiz.course.quizzes.get(title=demo.HOMEWORK_TITLE)
    assert homework.is_homework
    assert start_attempt(homework, student, now=now).questions.count() == 8


def test_it_opens_at_nine_course_time(course) -> None:
    # 10:00 in New York (EDT, UTC-4 on 10 March 2026 after the switch on the 8th).
    now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    quiz = demo.create_demo_quiz(course, now=now)
    local = quiz.opens_at.astimezone(course.tz)
    assert (local.hour, local.minute) == (9, 0)
