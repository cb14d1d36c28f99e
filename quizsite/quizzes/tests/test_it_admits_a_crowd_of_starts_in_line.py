"""More starts in a second than the site admits: the rest wait in line, never an error."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import admission, messages
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.conftest import T0


@pytest.mark.parametrize(
    ("count", "per_second", "jitter", "wait"),
    [
        (1, 40, 0.0, 0),
        (40, 40, 0.9, 0),  # the last one admitted this second
        (41, 40, 0.0, 1),  # the first one in line: at least a second
        (41, 40, 0.99, 2),
        (80, 40, 0.0, 1),
        (81, 40, 0.0, 2),  # 41 ahead of it at 40 a second
        (400, 40, 0.0, 9),
        (10_000, 40, 0.0, admission.MAX_WAIT),  # a long line still retries every MAX_WAIT
    ],
)
def test_it_tells_a_start_in_line_how_long_to_wait(count, per_second, jitter, wait) -> None:
    assert admission.line_wait(count, per_second, jitter) == wait


def test_it_answers_503_with_retry_after_and_starts_on_the_retry(
    client, settings, quiz, student, other_student
) -> None:
    settings.QUIZ_STARTS_PER_SECOND = 1
    url = reverse("quizzes:start", args=[quiz.course.code, quiz.pk])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        client.force_login(other_student)
        assert client.post(url).status_code == 302  # the second's one admission
        client.force_login(student)
        response = client.post(url)
        assert response.status_code == 503
        wait = int(response["Retry-After"])
        assert 1 <= wait <= admission.MAX_WAIT
        assert messages.STARTING_IN_LINE.format(seconds=wait) in response.content.decode()
        assert not Attempt.objects.filter(user=student).exists()  # the clock has not started
    with time_machine.travel(T0 + timedelta(minutes=1, seconds=wait), tick=False):
        response = client.post(url)
    assert response.status_code == 302
    assert Attempt.objects.filter(user=student).count() == 1


def test_it_admits_every_start_when_no_rate_is_set(
    client, settings, quiz, student, other_student
) -> None:
    settings.QUIZ_STARTS_PER_SECOND = 0  # the default: no line
    url = reverse("quizzes:start", args=[quiz.course.code, quiz.pk])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        for who in (other_student, student):
            client.force_login(who)
            assert client.post(url).status_code == 302
