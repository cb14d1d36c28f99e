"""A quiz whose results come out after its window has no release event: the periodic
refresh sends the scores once the window has closed, and only then."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from quizsite.lti import tasks
from quizsite.lti.models import Identity
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import QuizPool

S = timedelta(seconds=1)


def test_it_sends_the_score_a_second_after_the_window_closes(
    linked_course,
    make_quiz,
    small_bank,
    platform,
    client,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    opens = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    closes = opens + timedelta(hours=3)
    quiz = make_quiz(
        course=linked_course,
        pool=False,
        opens_at=opens,
        closes_at=closes,
        feedback_release="after_close",
        grace=timedelta(0),
    )
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([small_bank["choice"]])
    launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(quiz.pk)})
    ann = Identity.objects.get(sub="lms-ann").user
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start_attempt(quiz, ann, now=opens + S)
        save_answer(attempt, 1, "LOAD_DEREF", now=opens + 2 * S)
        submit_attempt(attempt, now=opens + 3 * S)
    with (
        time_machine.travel(closes - S, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.refresh_open_scores()
    assert platform.scores == []
    with (
        time_machine.travel(closes + S, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.refresh_open_scores()
    assert [s["scoreGiven"] for _, s in platform.scores] == [1.0]
