"""The start and attempt pages apply the access rules: a missing or wrong access code
and a network outside the allowed ones are refused with what to do; an override
replaces the quiz's rules; a second device is kept out until staff allow it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from quizsite.quizzes import messages
from quizsite.quizzes.models import ActivityEvent, Attempt, AttemptSession, QuizOverride
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def _post_start(client, quiz, data=None, **meta):
    return client.post(
        reverse("quizzes:start", args=[quiz.course.code, quiz.pk]), data or {}, **meta
    )


@pytest.mark.parametrize(
    ("given", "status", "message"),
    [
        (None, 409, messages.ACCESS_CODE_NEEDED),
        ("tulip-41", 409, messages.WRONG_ACCESS_CODE),
        (" Tulip-42 ", 302, None),
    ],
)
def test_it_asks_for_the_access_code(quiz, student, client_for, given, status, message) -> None:
    quiz.access_code = "tulip-42"
    quiz.save()

    response = _post_start(
        client_for(student), quiz, {} if given is None else {"access_code": given}
    )

    assert response.status_code == status
    if message:
        assert escape(message) in response.content.decode()
        assert not Attempt.objects.exists()
    else:
        assert Attempt.objects.filter(user=student).count() == 1


def test_it_shows_the_code_field_and_what_is_recorded(quiz, student, client_for) -> None:
    quiz.access_code = "tulip-42"
    quiz.save()
    client = client_for(student)
    page = client.get(reverse("quizzes:start", args=[quiz.course.code, quiz.pk])).content.decode()

    assert 'name="access_code"' in page
    assert "loses and regains focus" in page and "pasted" in page

    _post_start(client, quiz, {"access_code": "tulip-42"})
    again = client.get(reverse("quizzes:start", args=[quiz.course.code, quiz.pk])).content.decode()
    assert 'name="access_code"' not in again  # remembered for the session


@pytest.mark.parametrize(
    ("forwarded", "proxies", "status"),
    [
        ("192.0.2.10", 1, 302),
        ("203.0.113.10", 1, 409),
        ("192.0.2.10, 203.0.113.10", 1, 409),  # a client cannot claim the room's address
        ("192.0.2.10", 0, 409),  # without a trusted proxy the header counts for nothing
    ],
)
def test_it_allows_only_the_room_s_network(
    quiz, student, client_for, settings, forwarded, proxies, status
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    quiz.allowed_networks = "192.0.2.0/24"
    quiz.save()

    response = _post_start(client_for(student), quiz, HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code == status
    if status == 409:
        assert escape(messages.WRONG_NETWORK) in response.content.decode()


def test_it_refuses_the_attempt_page_off_the_network(quiz, student, client_for, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = client_for(student)
    _post_start(client, quiz)
    quiz.allowed_networks = "192.0.2.0/24"
    quiz.save()
    attempt = Attempt.objects.get()
    url = reverse("quizzes:attempt", args=[attempt.pk])

    off = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.10")
    on = client.get(url, HTTP_X_FORWARDED_FOR="192.0.2.77")

    assert off.status_code == 403 and escape(messages.WRONG_NETWORK) in off.content.decode()
    assert on.status_code == 200


def test_it_lets_an_override_replace_the_code(quiz, student, other_student, client_for) -> None:
    quiz.access_code = "tulip-42"
    quiz.save()
    QuizOverride.objects.create(quiz=quiz, user=student, access_code="side-room")

    mine = _post_start(client_for(student), quiz, {"access_code": "side-room"})
    theirs = _post_start(client_for(other_student), quiz, {"access_code": "side-room"})

    assert mine.status_code == 302
    assert theirs.status_code == 409


def test_it_keeps_a_second_device_out_until_staff_allow_it(quiz, student, ta, client_for) -> None:
    quiz.one_device = True
    quiz.save()
    laptop, phone = client_for(student), client_for(student)
    _post_start(laptop, quiz)
    attempt = Attempt.objects.get()
    url = reverse("quizzes:attempt", args=[attempt.pk])

    assert laptop.get(url).status_code == 200
    refused = phone.get(url)
    assert refused.status_code == 403 and escape(messages.OTHER_DEVICE) in refused.content.decode()

    staff = client_for(ta)
    timeline = staff.get(reverse("quizzes:attempt_activity", args=[attempt.pk])).content.decode()
    assert "Allow this device" in timeline
    second = AttemptSession.objects.get(owner=False)
    staff.post(reverse("quizzes:allow_device", args=[attempt.pk, second.pk]))

    assert phone.get(url).status_code == 200
    kinds = list(ActivityEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["opened", "new_device", "device_refused", "device_allowed"]


def test_it_refuses_bad_networks_on_the_quiz_form(quiz, instructor, client_for) -> None:
    from quizsite.quizzes.forms import OverrideForm

    form = OverrideForm(
        {"student": "student", "allowed_networks": "10.0.0.0/8\nlab wifi"}, course=quiz.course
    )

    assert not form.is_valid()
    assert "lab, wifi" in form.errors["allowed_networks"][0]
