"""The heartbeat's rules: when a claim is stale, and when a queued row's message is
taken to be lost. Pure functions of ``now``, a second either side of each bound."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from quizsite.grading import heartbeat

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
S = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _windows(settings):
    settings.GRADER_STALE_AFTER_SECONDS = 30
    settings.GRADER_LOST_AFTER_SECONDS = 20
    settings.GRADER_REQUEUE_AFTER_SECONDS = 120


@pytest.mark.parametrize(
    ("since_beat", "stale"),
    [(timedelta(0), False), (30 * S - S, False), (30 * S, False), (30 * S + S, True)],
)
def test_it_takes_a_claim_as_stale_only_after_the_window_without_a_heartbeat(since_beat, stale):
    with time_machine.travel(T0, tick=False):
        lease = heartbeat.lease_from(timezone.now())
    with time_machine.travel(T0 + since_beat, tick=False):
        assert heartbeat.is_stale(lease, timezone.now()) is stale


def test_it_never_takes_an_unclaimed_row_as_stale():
    assert heartbeat.is_stale(None, T0) is False


@pytest.mark.parametrize(
    ("waited", "broker_waiting", "lost"),
    [
        (20 * S - S, 0, False),
        (20 * S, 0, False),
        (20 * S + S, 0, True),  # its queue is empty: the message is gone
        (20 * S + S, 5, False),  # messages wait: it is only in line
        (20 * S + S, None, False),  # the broker cannot tell: wait the long bound
        (120 * S, 5, False),
        (120 * S + S, 5, True),
        (120 * S + S, None, True),
    ],
)
def test_it_takes_a_queued_message_as_lost_by_its_wait_and_the_broker(waited, broker_waiting, lost):
    with time_machine.travel(T0 + waited, tick=False):
        now = timezone.now()
        assert heartbeat.queued_is_lost(T0, now, broker_waiting=broker_waiting) is lost
