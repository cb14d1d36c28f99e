"""Scores go back to the LMS's grade book: one line item per quiz, made once whatever
the launches and retries; the score is posted when results are released and again
after a regrade or a hand grade, with progress, timestamps and the submission time."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from quizsite.bank.models import QuestionVersion
from quizsite.lti.models import Identity, LineItem, Passback
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.actions.regrades import regrade_question
from quizsite.quizzes.models import Answer, QuizPool
from quizsite.quizzes.tests.conftest import T0, store_question

S = timedelta(seconds=1)
WRONG_KEY = """title = "Closure opcode"
type = "choice"
points = 2
prompt = "Which opcode reads a closure variable?"
options = ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"]
answer = "LOAD_FAST"
"""


@pytest.fixture
def lti_quiz(linked_course, make_quiz, small_bank):
    keyed = store_question("t/key", {"question.toml": WRONG_KEY})
    quiz = make_quiz(course=linked_course, pool=False, feedback_release="manual")
    QuizPool.objects.create(quiz=quiz, count=2).questions.set([keyed, small_bank["multi"]])
    return quiz


def _fix_key(question) -> QuestionVersion:
    files = {"question.toml": WRONG_KEY.replace('answer = "LOAD_FAST"', 'answer = "LOAD_DEREF"')}
    version = QuestionVersion.objects.create(
        question=question,
        number=2,
        content_hash=hashlib.sha256(repr(files).encode()).hexdigest(),
        files=files,
    )
    question.current = version
    question.save(update_fields=["current"])
    return version


def _take(quiz, user):
    attempt = start_attempt(quiz, user, now=T0)
    for aq in attempt.questions.select_related("question_version__question"):
        value = "LOAD_DEREF" if aq.question_version.question.path == "t/key" else ["co_cellvars"]
        save_answer(attempt, aq.position, value, now=T0 + S)
    return submit_attempt(attempt, now=T0 + 60 * S)


def test_it_posts_one_line_item_and_the_score_on_release_and_after_a_regrade(
    lti_quiz, platform, client, instructor, celery_eager, django_capture_on_commit_callbacks
):
    custom = {"quizsite_quiz": str(lti_quiz.pk)}
    assert launch(client, platform, "lms-ann", custom=custom).status_code == 302
    ann = Identity.objects.get(sub="lms-ann").user
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take(lti_quiz, ann)
    assert attempt.score == 1.0  # the multi answer earns 1 of 2; the wrong key gives 0
    assert platform.scores == []  # results not released yet

    with django_capture_on_commit_callbacks(execute=True):
        release_feedback(lti_quiz, now=T0 + 3600 * S)
    [item] = platform.line_items.values()
    assert (item["resourceId"], item["scoreMaximum"], item["label"]) == (
        f"quiz-{lti_quiz.pk}",
        4.0,
        "Quiz 1",
    )
    [(item_id, score)] = platform.scores
    assert item_id == item["id"]
    assert score["userId"] == "lms-ann"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1.0, 4.0)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["submission"]["submittedAt"] == (T0 + 60 * S).isoformat()
    assert score["submission"]["startedAt"] == T0.isoformat()

    version = _fix_key(lti_quiz.pools.get().questions.get(path="t/key"))
    with django_capture_on_commit_callbacks(execute=True):
        regrade_question(lti_quiz, version.question, version, by=instructor, now=T0 + 2 * 3600 * S)
    assert [s["scoreGiven"] for _, s in platform.scores] == [1.0, 3.0]
    assert platform.scores[1][1]["timestamp"] > platform.scores[0][1]["timestamp"]

    answer = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__question_version__question__path="t/multi",
    )
    with django_capture_on_commit_callbacks(execute=True):
        set_answer_points(answer, 2.0, by=instructor, now=T0 + 3 * 3600 * S)
    assert [s["scoreGiven"] for _, s in platform.scores] == [1.0, 3.0, 4.0]

    # A second launch and a second release make no new line item and resend nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert launch(client, platform, "lms-ann", custom=custom).status_code == 302
        release_feedback(lti_quiz, now=T0 + 4 * 3600 * S)
    assert len(platform.line_items) == 1
    assert LineItem.objects.count() == 1
    assert len(platform.scores) == 3
    assert Passback.objects.get().status == "sent"


def test_it_finds_the_line_item_the_platform_already_has(
    lti_quiz, platform, client, celery_eager, django_capture_on_commit_callbacks
):
    """A column made earlier (by deep linking, or by a try whose reply was lost) is
    used, not made a second time."""
    platform.add_line_item(
        {"label": "Quiz 1", "scoreMaximum": 4, "resourceId": f"quiz-{lti_quiz.pk}"}
    )
    launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(lti_quiz.pk)})
    with django_capture_on_commit_callbacks(execute=True):
        _take(lti_quiz, Identity.objects.get(sub="lms-ann").user)
        release_feedback(lti_quiz, now=T0 + 3600 * S)
    assert len(platform.line_items) == 1
    assert len(platform.scores) == 1
