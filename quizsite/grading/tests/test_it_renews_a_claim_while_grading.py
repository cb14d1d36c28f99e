"""A grading in progress renews its claim from a thread of the worker process, and
stops renewing once the claim is no longer its own."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from quizsite.grading import heartbeat, service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat thread's own connection


@pytest.fixture
def fast_beat(settings):
    settings.GRADER_HEARTBEAT_SECONDS = 1
    settings.GRADER_STALE_AFTER_SECONDS = 3


def _lease(pk):
    return Submission.objects.values_list("lease_until", flat=True).get(pk=pk)


def test_it_keeps_a_long_grading_from_going_stale(add_version, fast_beat):
    sub = submit_code(add_version, "a = 1")
    token = service.claim(sub.pk, me="here:1", now=timezone.now())
    first = _lease(sub.pk)
    renewed = threading.Event()
    with heartbeat.beating(sub.pk, token):
        deadline = timezone.now() + timedelta(seconds=10)
        while timezone.now() < deadline and not renewed.is_set():
            if _lease(sub.pk) > first:
                renewed.set()
            renewed.wait(0.2)
    assert renewed.is_set(), "the heartbeat never renewed the claim"
    assert Submission.objects.get(pk=sub.pk).status == "running"


def test_it_stops_renewing_a_claim_taken_over(add_version, fast_beat):
    sub = submit_code(add_version, "a = 1")
    token = service.claim(sub.pk, me="here:1", now=timezone.now())
    Submission.objects.filter(pk=sub.pk).update(claim_token="another", lease_until=None)
    assert heartbeat.renew(sub.pk, token, timezone.now()) is False
    assert _lease(sub.pk) is None
