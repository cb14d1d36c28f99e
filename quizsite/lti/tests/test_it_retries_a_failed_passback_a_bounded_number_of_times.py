"""A platform that cannot take a score is tried again with growing waits, a bounded
number of times; then the score is "failed" on the course staff's LMS page, whose
"send again" sends it once the platform is back. Only staff see the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.lti import passback as lti_passback
from quizsite.lti.models import Identity, Passback
from quizsite.lti.tests.conftest import launch
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.conftest import T0

S = timedelta(seconds=1)


@pytest.fixture
def released(linked_course, make_quiz, small_bank, platform, client):
    """A quiz whose results are out at once, launched and taken by Ann."""

    def take():
        quiz = make_quiz(course=linked_course, pool=False, feedback_release="immediate")
        QuizPool.objects.create(quiz=quiz, count=1).questions.set([small_bank["choice"]])
        launch(client, platform, "lms-ann", custom={"quizsite_quiz": str(quiz.pk)})
        ann = Identity.objects.get(sub="lms-ann").user
        attempt = start_attempt(quiz, ann, now=T0)
        save_answer(attempt, 1, "LOAD_DEREF", now=T0 + S)
        submit_attempt(attempt, now=T0 + 2 * S)
        return quiz

    return take


def test_it_gives_up_after_the_bound_and_shows_the_failure_to_staff(
    released, platform, client_for, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.LTI_PASSBACK_MAX_TRIES = 3
    platform.score_failures = 10
    with django_capture_on_commit_callbacks(execute=True):
        released()
    passback = Passback.objects.get()
    assert (passback.status, passback.tries) == ("failed", 3)
    assert "HTTP 503" in passback.last_error
    assert platform.scores == []

    ivy = Identity.objects.get(sub="lms-ivy").user
    page = client_for(ivy).get(f"/lti/courses/{passback.line_item.context.course.code}/")
    assert "HTTP 503" in page.content.decode() and "Send again" in page.content.decode()

    platform.score_failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(ivy).post(
            f"/lti/courses/{passback.line_item.context.course.code}/", {"send_again": passback.pk}
        )
    assert again.status_code == 302
    passback.refresh_from_db()
    assert (passback.status, passback.tries) == ("sent", 1)
    assert [s["scoreGiven"] for _, s in platform.scores] == [1.0]


def test_it_waits_longer_after_each_failed_try(settings):
    settings.LTI_PASSBACK_BACKOFF_SECONDS = 60
    assert [lti_passback.backoff(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert lti_passback.backoff(50) == 3600


def test_it_does_not_retry_what_the_platform_refused(
    released, platform, celery_eager, django_capture_on_commit_callbacks
):
    """A 4xx will not pass by waiting: one try, then staff see it."""
    platform.score_status = 400
    platform.score_failures = 10
    with django_capture_on_commit_callbacks(execute=True):
        released()
    passback = Passback.objects.get()
    assert (passback.status, passback.tries) == ("failed", 1)
    assert "HTTP 400" in passback.last_error


@pytest.mark.parametrize(
    ("who", "status"),
    [("student", 302), ("ta", 200), ("instructor", 200), ("stranger", 404), ("anonymous", 302)],
)
def test_it_lets_only_course_staff_see_the_lms_page(course, personas, client_for, who, status):
    response = client_for(personas[who]).get(f"/lti/courses/{course.code}/")
    assert response.status_code == status
    if who == "student":
        assert response["Location"] == f"/courses/{course.code}/quizzes/"
