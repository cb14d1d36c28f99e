"""The statistics page's pictures as numbers: histogram bins with their edges, and
each question placed by difficulty and discrimination."""

from __future__ import annotations

import pytest

from quizsite.quizzes import plots


@pytest.mark.parametrize(
    ("value", "bin_index"),
    [
        (0.0, 0),
        (9.999, 0),
        (10.0, 1),  # a bin holds its lower edge
        (89.999, 8),
        (90.0, 9),
        (100.0, 9),  # the last bin also holds the top
        (-5.0, 0),  # clamped: a negative adjusted score still lands in the first bin
        (130.0, 9),
    ],
)
def test_it_puts_each_score_in_its_bin(value: float, bin_index: int) -> None:
    hist = plots.histogram([value], low=0, high=100, bins=10, unit="%")

    assert [b.count for b in hist.bars] == [1 if i == bin_index else 0 for i in range(10)]


def test_it_scales_bars_to_the_tallest_and_labels_them() -> None:
    hist = plots.histogram([5, 15, 15, 15, 95], low=0, high=100, bins=10, unit="%")

    tallest = max(hist.bars, key=lambda b: b.count)
    assert (tallest.label, tallest.count) == ("10–20%", 3)
    assert tallest.y + tallest.height == plots.TOP + plots.PLOT_H
    assert hist.bars[0].height == pytest.approx(tallest.height / 3, abs=0.01)
    assert hist.bars[2].height == 0
    assert hist.total == 5
    assert [t.label for t in hist.y_ticks] == ["0", "1", "2", "3"]


def test_it_draws_an_empty_histogram() -> None:
    hist = plots.histogram([], low=0, high=100, bins=10, unit="%")

    assert hist.total == 0
    assert all(b.height == 0 for b in hist.bars)


def test_it_places_questions_by_difficulty_and_discrimination() -> None:
    sc = plots.scatter([("easy", 100.0, -1.0), ("hard", 0.0, 1.0), ("new", 50.0, None)])

    easy, hard = sc.points
    assert (easy.x, easy.y) == (plots.LEFT + plots.PLOT_W, plots.TOP + plots.PLOT_H)
    assert (hard.x, hard.y) == (plots.LEFT, plots.TOP)
    assert sc.left_out == ["new"]
    assert sc.zero_y == plots.TOP + plots.PLOT_H / 2


@pytest.mark.parametrize(
    ("limit", "used", "expected"),
    [
        (25.0, [3.0, 24.0], (25.0, 10)),  # the limit is the axis: a bar at its end ran out
        (None, [3.0, 41.0], (50.0, 10)),  # homework: the longest time, up to 10 minutes
        (None, [], (10.0, 10)),
        (5.0, [4.0], (5.0, 5)),
    ],
)
def test_it_sizes_the_time_axis(limit, used, expected) -> None:
    assert plots.minutes_axis(limit, used) == expected
