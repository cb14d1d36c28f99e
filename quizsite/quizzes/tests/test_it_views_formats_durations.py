"""How the pages write time limits, the countdown's first value and question titles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes.view_helpers import clock_text, duration_text, render_title


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(minutes=90), "1 h 30 min"),
        (timedelta(minutes=37, seconds=30), "37 min 30 s"),  # 25 min + 50 % extra time
        (timedelta(hours=1, seconds=5), "1 h 5 s"),
        (None, ""),
    ],
)
def test_it_writes_a_time_limit_as_people_say_it(value, text) -> None:
    assert duration_text(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59, "0:59"), (60, "1:00"), (1799, "29:59"), (3600, "1:00:00"), (-3, "0:00")],
)
def test_it_draws_the_countdown_like_the_page_script(seconds, text) -> None:
    assert clock_text(seconds) == text


@pytest.mark.parametrize(
    ("title", "html"),
    [
        ("What `+=` compiles to", "What <code>+=</code> compiles to"),
        ("Plain title", "Plain title"),
        (
            "<script>alert(1)</script> & *more*",
            "&amp; <em>more</em>",
        ),
    ],
)
def test_it_renders_inline_markdown_in_titles_safely(title, html) -> None:
    assert render_title(title) == html
