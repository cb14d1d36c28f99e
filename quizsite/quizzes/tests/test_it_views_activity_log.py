"""The attempt page reports its activity to an endpoint bounded in size and rate; the
course's staff read it as a timeline; nobody else reaches either."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import activity
from quizsite.quizzes.models import ActivityEvent, Attempt
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=5)
PERSONAS = ("student", "other_student", "ta", "instructor", "stranger", "anonymous")


@pytest.fixture(autouse=True)
def _fresh_cache_and_clock(settings):
    # The rate limit counts in the default cache: a fresh one per test.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "act"}
    }
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def opened(quiz, student, client_for):
    """(the student's client, their attempt), the attempt page opened once."""
    client = client_for(student)
    client.post(reverse("quizzes:start", args=[quiz.course.code, quiz.pk]))
    attempt = Attempt.objects.get()
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200
    return client, attempt


def _report(client, attempt, events):
    return client.post(
        reverse("quizzes:activity", args=[attempt.pk]),
        json.dumps({"events": events}),
        content_type="application/json",
    )


def test_it_shows_focus_loss_and_pastes_on_the_staff_timeline(opened, ta, client_for) -> None:
    client, attempt = opened

    response = _report(
        client,
        attempt,
        [
            {"kind": "blur", "ago": 30_000},
            {"kind": "focus", "ago": 18_000},
            {"kind": "paste", "ago": 1_000, "position": 2, "size": 312},
        ],
    )

    assert response.status_code == 200 and response.json() == {"stored": 3}
    page = client_for(ta).get(reverse("quizzes:attempt_activity", args=[attempt.pk]))
    html = page.content.decode()
    assert "Left the quiz page" in html and "(away 12.0 s)" in html
    assert "Pasted into an answer: 312 characters into question 2" in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_it_refuses_a_report_over_its_bounds(opened) -> None:
    client, attempt = opened
    too_many = [{"kind": "blur", "ago": 0}] * (activity.MAX_EVENTS + 1)

    assert _report(client, attempt, too_many).status_code == 400
    assert not ActivityEvent.objects.filter(kind="blur").exists()


def test_it_limits_how_often_a_page_may_report(opened) -> None:
    client, attempt = opened
    codes = [
        _report(client, attempt, [{"kind": "blur", "ago": 0}]).status_code
        for _ in range(activity.MAX_POSTS_PER_MINUTE + 1)
    ]

    assert codes[:-1] == [200] * activity.MAX_POSTS_PER_MINUTE
    assert codes[-1] == 429
    assert ActivityEvent.objects.filter(kind="blur").count() == activity.MAX_POSTS_PER_MINUTE


def test_it_loads_the_attempt_page_with_the_activity_script(opened) -> None:
    client, attempt = opened

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert "quizzes/activity.js" in html
    assert f'data-activity-url="{reverse("quizzes:activity", args=[attempt.pk])}"' in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_right_people_in(persona, opened, personas, client_for) -> None:
    _, attempt = opened
    client = client_for(personas[persona])
    report = _report(client, attempt, [{"kind": "blur", "ago": 0}]).status_code
    timeline = client.get(reverse("quizzes:attempt_activity", args=[attempt.pk])).status_code
    session = attempt.sessions.get()
    allow = client.post(reverse("quizzes:allow_device", args=[attempt.pk, session.pk])).status_code

    expected = {
        "student": (200, 404, 404),
        "other_student": (404, 404, 404),
        "ta": (404, 200, 302),
        "instructor": (404, 200, 302),
        "stranger": (404, 404, 404),
        "anonymous": (401, 302, 302),
    }[persona]
    assert (report, timeline, allow) == expected
