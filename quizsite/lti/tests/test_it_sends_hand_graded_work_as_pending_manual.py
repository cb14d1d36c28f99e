"""An attempt waiting for staff to grade an answer by hand (an essay) reaches the LMS
as "PendingManual" with no score given, not as nothing or as a zero; the hand grade
then sends the score, "FullyGraded"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.lti.models import Identity
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
pytestmark = pytest.mark.django_db


def test_it_sends_an_essay_waiting_for_staff_as_pending_manual(
    linked_course,
    essay_quiz,
    platform,
    client,
    instructor,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    quiz = essay_quiz(course=linked_course)
    launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(quiz.pk)})
    ann = Identity.objects.get(sub="lms-ann").user
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start_attempt(quiz, ann, now=T0)
        save_answer(attempt, position_of(attempt, "choice"), "LOAD_DEREF", now=T0 + S)
        save_answer(attempt, position_of(attempt, "essay"), "Cells.", now=T0 + S)
        attempt = submit_attempt(attempt, now=T0 + 60 * S)
        release_feedback(quiz, now=T0 + 3600 * S)
    [(_, pending)] = platform.scores
    assert (pending["activityProgress"], pending["gradingProgress"]) == (
        "Submitted",
        "PendingManual",
    )
    assert "scoreGiven" not in pending
    assert pending["scoreMaximum"] == attempt.max_score

    essay = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__position=position_of(attempt, "essay"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        set_answer_points(essay, 2, by=instructor, now=T0 + 7200 * S)
    attempt.refresh_from_db()
    [_, (_, graded)] = platform.scores
    assert (graded["gradingProgress"], graded["scoreGiven"]) == ("FullyGraded", attempt.score)
