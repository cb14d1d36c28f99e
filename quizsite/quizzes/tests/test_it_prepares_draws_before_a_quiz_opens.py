"""Drawing every student's questions before a quiz opens, and Start using the draw."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizsite.quizzes import preparation, tasks
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.actions.quizzes import save_quiz
from quizsite.quizzes.drawing import draw_questions
from quizsite.quizzes.models import PreparedDraw
from quizsite.quizzes.tests.conftest import T0, store_question

S = timedelta(seconds=1)
AHEAD = preparation.PREPARE_AHEAD


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (T0 - AHEAD - S, False),  # a second too early
        (T0 - AHEAD, True),
        (T0 - AHEAD + S, True),
        (T0 - S, True),
        (T0, False),  # open already: Start draws
        (T0 + S, False),
    ],
)
def test_it_prepares_a_quiz_only_in_the_minutes_before_it_opens(now, due) -> None:
    assert preparation.is_due(T0, now) is due


def _draws(quiz):
    return {d.user_id: d.drawn for d in PreparedDraw.objects.filter(quiz=quiz)}


def test_it_draws_what_start_would_draw_for_every_student(
    make_quiz, student, other_student, ta
) -> None:
    quiz = make_quiz(shuffle=True)
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        assert tasks.prepare_upcoming_quizzes() == 2  # the beat task: students only
    draws = _draws(quiz)
    assert set(draws) == {student.pk, other_student.pk}
    attempt = start_attempt(quiz, student, now=T0 + S)
    stored = [
        [aq.question_version_id, aq.points, aq.seed]
        for aq in attempt.questions.order_by("position")
    ]
    assert stored == draws[student.pk]
    # Without preparation the same student draws the same questions, order and variants.
    live = draw_questions(quiz, student, 1)
    assert stored == [[q.current_id, points, seed] for q, points, seed in live]


def test_it_prepares_once_however_often_it_runs(quiz, student, other_student) -> None:
    now = T0 - timedelta(minutes=5)
    assert preparation.prepare_upcoming(now=now) == 2
    before = _draws(quiz)
    assert preparation.prepare_upcoming(now=now + timedelta(minutes=1)) == 0
    assert _draws(quiz) == before
    assert PreparedDraw.objects.count() == 2


def test_it_skips_a_student_who_already_started(make_quiz, student, other_student) -> None:
    quiz = make_quiz(opens_at=T0 - timedelta(hours=1))
    start_attempt(quiz, student, now=T0 - timedelta(minutes=30))
    assert preparation.prepare_quiz(quiz, now=T0) == 1
    assert set(_draws(quiz)) == {other_student.pk}


def test_it_starts_with_fewer_queries_from_a_prepared_draw(make_quiz, student, other_student):
    quiz = make_quiz()
    preparation.prepare_upcoming(now=T0 - timedelta(minutes=5))
    with CaptureQueriesContext(connection) as prepared:
        start_attempt(quiz, student, now=T0 + S)
    PreparedDraw.objects.filter(user=other_student).delete()
    with CaptureQueriesContext(connection) as drawn:
        start_attempt(quiz, other_student, now=T0 + S)
    assert len(prepared) < len(drawn)


def test_it_reads_the_student_s_attempts_once_at_start(make_quiz, student) -> None:
    # Both the running attempt to resume and the count of attempts used come from one
    # read: Start is the request a whole class sends within seconds.
    quiz = make_quiz()
    preparation.prepare_upcoming(now=T0 - timedelta(minutes=5))
    with CaptureQueriesContext(connection) as queries:
        start_attempt(quiz, student, now=T0 + S)
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "quizzes_attempt" ' in q["sql"]
    ]
    assert len(reads) == 1, reads


def test_it_ignores_a_draw_made_before_the_bank_changed(quiz, student, small_bank) -> None:
    preparation.prepare_upcoming(now=T0 - timedelta(minutes=5))
    assert preparation.prepared_draw(quiz, student, 1) is not None
    small_bank["text"].retired = True
    small_bank["text"].save()
    assert preparation.prepared_draw(quiz, student, 1) is None
    attempt = start_attempt(quiz, student, now=T0 + S)
    assert attempt.questions.count() == 4  # drawn afresh, without the retired question


def test_it_ignores_a_draw_made_before_a_new_question_version(quiz, student) -> None:
    preparation.prepare_upcoming(now=T0 - timedelta(minutes=5))
    store_question(
        "t/new", {"question.toml": 'title = "New"\ntype = "text"\nprompt = "?"\nanswers = ["x"]\n'}
    )
    assert preparation.prepared_draw(quiz, student, 1) is None
    # The next scheduled run draws again with the bank as it is now.
    assert preparation.prepare_upcoming(now=T0 - timedelta(minutes=4)) == 1
    assert preparation.prepared_draw(quiz, student, 1) is not None


def test_it_forgets_the_draws_when_staff_change_the_quiz(quiz, student, small_bank) -> None:
    preparation.prepare_upcoming(now=T0 - timedelta(minutes=5))
    pools = [{"questions": [small_bank["choice"]], "count": 1, "points": None}]
    save_quiz(quiz, pools, now=T0 - timedelta(minutes=4))
    assert not PreparedDraw.objects.filter(quiz=quiz).exists()
    attempt = start_attempt(quiz, student, now=T0 + S)
    assert attempt.questions.count() == 1
