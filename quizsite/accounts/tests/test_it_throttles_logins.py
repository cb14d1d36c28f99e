"""Logging in is throttled per account and per address: after too many wrong
passwords even the right one waits, the page says when to try again, and the
window's end lets the person in. Reset requests are throttled the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django_ratelimit.core import _split_rate

from quizsite.accounts import throttle

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
PER_ACCOUNT, ACCOUNT_PERIOD = _split_rate(throttle.LOGIN_FAILURES_PER_ACCOUNT)
PER_ADDRESS, _ = _split_rate(throttle.LOGIN_FAILURES_PER_ADDRESS)
RESETS, _ = _split_rate(throttle.RESETS_PER_EMAIL)


def _login(client, username: str, password: str, *, at: datetime):
    with time_machine.travel(at, tick=False):
        return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_it_refuses_even_the_right_password_after_too_many_wrong_ones(client, student) -> None:
    for _ in range(PER_ACCOUNT):
        assert _login(client, "student", "wrong", at=NOW).status_code == 200
    refused = _login(client, "Student", "pw-student", at=NOW + timedelta(seconds=1))
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed logins" in page and "Try again in" in page
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= ACCOUNT_PERIOD + 1
    assert "_auth_user_id" not in client.session
    # A second before the window ends, still refused; at its end, in.
    at_end = NOW + timedelta(seconds=1 + wait)
    assert (
        _login(client, "student", "pw-student", at=at_end - timedelta(seconds=1)).status_code == 429
    )
    assert _login(client, "student", "pw-student", at=at_end).status_code == 302


@pytest.mark.django_db
def test_it_lets_the_right_password_in_below_the_limit(client, student) -> None:
    for _ in range(PER_ACCOUNT - 1):
        _login(client, "student", "wrong", at=NOW)
    assert _login(client, "student", "pw-student", at=NOW).status_code == 302


@pytest.mark.django_db
def test_it_throttles_an_address_trying_many_accounts(client, student) -> None:
    for n in range(PER_ADDRESS):
        _login(client, f"someone{n}", "wrong", at=NOW)
    assert _login(client, "student", "pw-student", at=NOW).status_code == 429


@pytest.mark.django_db
def test_it_does_not_hold_up_other_accounts_for_one_account_s_failures(
    client, student, other_student
) -> None:
    for _ in range(PER_ACCOUNT):
        _login(client, "student", "wrong", at=NOW)
    assert _login(client, "other_student", "pw-other_student", at=NOW).status_code == 302


@pytest.mark.django_db
def test_it_throttles_password_reset_requests(client, student, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW, tick=False):
        for _ in range(RESETS):
            reply = client.post("/accounts/password_reset/", {"email": "student@example.edu"})
            assert reply.status_code == 302
        refused = client.post("/accounts/password_reset/", {"email": "student@example.edu"})
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert "Try again in" in refused.content.decode()
    assert len(mail.outbox) == RESETS
