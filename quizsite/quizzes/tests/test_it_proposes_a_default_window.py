"""A new quiz is proposed from the next 9:00 on the course's clock for 12 hours: a
second either side of 9:00, across midnight, and over a change of the clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import timing

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now_local", "opens_local"),
    [
        (datetime(2026, 3, 10, 8, 59, 59), datetime(2026, 3, 10, 9, 0)),
        (datetime(2026, 3, 10, 9, 0, 0), datetime(2026, 3, 11, 9, 0)),
        (datetime(2026, 3, 10, 9, 0, 1), datetime(2026, 3, 11, 9, 0)),
        (datetime(2026, 3, 10, 23, 59, 59), datetime(2026, 3, 11, 9, 0)),
        (datetime(2026, 3, 11, 0, 0, 0), datetime(2026, 3, 11, 9, 0)),
    ],
)
def test_it_opens_at_the_next_nine_o_clock(now_local, opens_local) -> None:
    now = now_local.replace(tzinfo=NY).astimezone(UTC)  # the server's clock is in UTC
    opens, closes = timing.default_window(now=now, tz=NY)
    assert opens == opens_local.replace(tzinfo=NY)
    assert closes - opens == timedelta(hours=12)


def test_it_keeps_twelve_real_hours_over_a_change_of_the_clocks() -> None:
    # Clocks in New York go forward at 2:00 on 8 March 2026: 9:00 that day is EDT.
    now = datetime(2026, 3, 7, 10, 0, tzinfo=NY)
    opens, closes = timing.default_window(now=now, tz=NY)
    assert opens == datetime(2026, 3, 8, 9, 0, tzinfo=NY)
    assert opens.utcoffset() == timedelta(hours=-4)
    assert closes.astimezone(UTC) - opens.astimezone(UTC) == timedelta(hours=12)


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timing.default_window(now=datetime(2026, 3, 10, 9, 0), tz=NY)


def test_it_fills_a_new_quiz_form_with_the_defaults(course, small_bank, ta, client_for) -> None:
    # 10:30 in New York: too late for today's 9:00, so tomorrow's.
    with time_machine.travel(datetime(2026, 3, 10, 10, 30, tzinfo=NY), tick=False):
        page = client_for(ta).get(reverse("quizzes:new_quiz", args=[course.code]))
    html = page.content.decode()
    assert 'name="opens_local" value="2026-03-11T09:00"' in html
    assert 'name="closes_local" value="2026-03-11T21:00"' in html
    assert 'name="time_limit_minutes" value="25"' in html


def test_it_keeps_an_existing_quiz_s_own_window(make_quiz, course, ta, client_for) -> None:
    quiz = make_quiz(
        opens_at=datetime(2026, 3, 12, 18, 0, tzinfo=UTC),
        closes_at=datetime(2026, 3, 13, 18, 0, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 3, 10, 10, 30, tzinfo=NY), tick=False):
        page = client_for(ta).get(reverse("quizzes:edit_quiz", args=[course.code, quiz.pk]))
    assert 'name="opens_local" value="2026-03-12T14:00"' in page.content.decode()
