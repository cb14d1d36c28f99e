"""Admitting a class that presses Start at the same moment.

Where ``QUIZ_STARTS_PER_SECOND`` is set, the site admits that many starts per second in all (counted in the
shared cache, across web processes). A start beyond that is answered 503 with
``Retry-After`` and a page that says the student is in line and presses Start again
by itself after that many seconds: the class is spread over a few seconds at the
rate the server keeps up with, instead of every request queueing behind the others
until some time out. The student's time has not started; nothing is lost.
"""

from __future__ import annotations

import math
import random

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

MAX_WAIT = 30  # seconds: a line longer than this still retries at least this often


def line_wait(count: int, per_second: int, jitter: float) -> int:
    """Seconds until a start that came ``count``-th in a second admitting ``per_second``
    is likely admitted: the starts ahead of it take that many seconds' share, and
    ``jitter`` (0 to 1: up to a second more) spreads those who came in the same second."""
    if count <= per_second:
        return 0
    ahead = (count - per_second) / per_second
    return max(1, min(MAX_WAIT, math.ceil(ahead + jitter)))


def start_wait(request: HttpRequest) -> int:
    """Seconds this start must wait (0: admitted now); counts the start. With no rate
    set (``QUIZ_STARTS_PER_SECOND`` = 0) every start is admitted at once."""
    per_second = settings.QUIZ_STARTS_PER_SECOND
    if per_second <= 0:
        return 0
    usage = get_usage(
        request,
        group="quizzes.start",
        key=lambda _group, _req: "site",
        rate=f"{per_second}/s",
        method="POST",
        increment=True,
    )
    if usage is None:
        return 0
    return line_wait(int(usage["count"]), per_second, random.random())  # noqa: S311 - jitter, not a secret
