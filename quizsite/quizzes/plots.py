"""Pictures for the statistics page: where each figure goes in an SVG, computed here
and drawn by ``templates/quizzes/_plot_*.html`` with SVG presentation attributes and
CSS classes only (no inline styles, so a strict Content-Security-Policy holds).

Pure: numbers in, plain dataclasses of coordinates out. Each plot also carries the
rows of the table printed under it, the same numbers in words for a screen reader
and for anyone who wants the exact figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The drawing area inside the SVG's viewBox; the margins hold the axes' labels.
WIDTH = 480
HEIGHT = 240
LEFT = 48
RIGHT = 28
TOP = 12
BOTTOM = 40
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Tick:
    at: float  # coordinate in the viewBox
    label: str


@dataclass(frozen=True)
class Bar:
    label: str  # "70–80%"
    low: float
    high: float
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    total: int
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = TOP + PLOT_H
    right: int = LEFT + PLOT_W


@dataclass(frozen=True)
class Point:
    label: str
    x_value: float
    y_value: float
    x: float
    y: float


@dataclass(frozen=True)
class Scatter:
    points: list[Point]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    zero_y: float  # where discrimination 0 lies: the line the eye compares with
    left_out: list[str]  # labels with no value to plot (too few attempts)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = TOP + PLOT_H
    right: int = LEFT + PLOT_W


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _count_ticks(highest: int) -> list[int]:
    """Whole-number steps up to ``highest``: at most 5 labels."""
    step = max(1, math.ceil(highest / 5))
    return list(range(0, highest + step, step))


def histogram(
    values: Sequence[float], *, low: float, high: float, bins: int, unit: str
) -> Histogram:
    """Counts of ``values`` in ``bins`` equal bins from ``low`` to ``high`` (each bin
    holds its lower edge; the last also holds ``high``; values outside are clamped)."""
    bins = max(1, bins)
    span = (high - low) or 1.0
    counts = [0] * bins
    for v in values:
        i = int((min(max(v, low), high) - low) / span * bins)
        counts[min(i, bins - 1)] += 1
    top_count = max(_count_ticks(max(counts, default=0) or 1))
    bar_w = PLOT_W / bins
    bars = []
    for i, count in enumerate(counts):
        lo = low + span * i / bins
        hi = low + span * (i + 1) / bins
        h = PLOT_H * count / top_count
        bars.append(
            Bar(
                label=f"{_fmt(lo)}–{_fmt(hi)}{unit}",
                low=round(lo, 2),
                high=round(hi, 2),
                count=count,
                x=round(LEFT + i * bar_w + 1, 2),
                y=round(TOP + PLOT_H - h, 2),
                width=round(bar_w - 2, 2),
                height=round(h, 2),
            )
        )
    x_ticks = [
        Tick(round(LEFT + PLOT_W * i / bins, 2), f"{_fmt(low + span * i / bins)}{unit}")
        for i in range(0, bins + 1, max(1, bins // 5))
    ]
    y_ticks = [
        Tick(round(TOP + PLOT_H * (1 - c / top_count), 2), str(c)) for c in _count_ticks(top_count)
    ]
    return Histogram(bars, x_ticks, y_ticks, total=len(values), unit=unit)


def scatter(points: Sequence[tuple[str, float | None, float | None]]) -> Scatter:
    """(label, difficulty as mean % of points, discrimination from -1 to 1) per
    question: x from 0 to 100 %, y from -1 to 1. A question without both numbers is
    listed in ``left_out`` instead."""
    placed = []
    left_out = []
    for label, pct, disc in points:
        if pct is None or disc is None:
            left_out.append(label)
            continue
        placed.append(
            Point(
                label=label,
                x_value=pct,
                y_value=disc,
                x=round(LEFT + PLOT_W * min(max(pct, 0.0), 100.0) / 100, 2),
                y=round(TOP + PLOT_H * (1 - (min(max(disc, -1.0), 1.0) + 1) / 2), 2),
            )
        )
    x_ticks = [Tick(round(LEFT + PLOT_W * p / 100, 2), f"{p}%") for p in range(0, 101, 20)]
    y_ticks = [
        Tick(round(TOP + PLOT_H * (1 - (d + 1) / 2), 2), _fmt(d)) for d in (-1, -0.5, 0, 0.5, 1)
    ]
    return Scatter(placed, x_ticks, y_ticks, zero_y=TOP + PLOT_H / 2, left_out=left_out)


def minutes_axis(limit_minutes: float | None, used: Sequence[float]) -> tuple[float, int]:
    """The top of the time axis and its number of bins: the time limit when there is
    one (so a full bar at the right edge means "ran out of time"), else the longest
    time used, rounded up to 10 minutes."""
    top = limit_minutes if limit_minutes else max(used, default=0.0)
    top = max(10.0, math.ceil(top / 10) * 10) if not limit_minutes else top
    bins = 10 if top >= 10 else max(1, int(top))
    return top, bins
