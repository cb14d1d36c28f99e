"""The statistics page draws the scores, the time used and each question's difficulty
against discrimination, each with a table of the same numbers as the statistics."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse

from quizsite.accounts.models import Membership, User
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Attempt
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)


def _take(quiz, user, answers: dict[str, object], minutes: int):
    attempt = start_attempt(quiz, user, now=T0)
    for kind, value in answers.items():
        save_answer(attempt, position_of(attempt, kind), value, now=T0 + S)
    submit_attempt(attempt, now=T0 + timedelta(minutes=minutes))
    return attempt


def _table(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="stats" id="{table_id}">(.*?)</table>', html, re.S)
    assert body, table_id
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body.group(1), re.S)
    return [[head] + re.findall(r"<td>(.*?)</td>", cells) for head, cells in rows]


def test_it_plots_what_the_statistics_count(quiz, course, ta, client_for) -> None:
    # 12 students: the first k get the choice right, the first k // 2 the text too.
    for k in range(12):
        user = User.objects.create_user(f"s{k:02d}")
        Membership.objects.create(user=user, course=course, role="student")
        answers = {
            "choice": "LOAD_DEREF" if k < 8 else "LOAD_FAST",
            "text": "UnboundLocalError" if k < 4 else "NameError",
            "numeric": "100" if k % 3 == 0 else "7",
        }
        _take(quiz, user, answers, minutes=2 * k + 1)

    response = client_for(ta).get(reverse("quizzes:statistics", args=[course.code, quiz.pk]))

    html = response.content.decode()
    assert html.count('<svg class="plot-svg"') == 3
    assert "style=" not in html.split("<main", 1)[-1]
    scores = _table(html, "plot-scores-table")
    assert sum(int(count) for _, count in scores) == 12
    percents = [100 * a.score / a.max_score for a in Attempt.objects.filter(quiz=quiz)]
    assert scores == [
        [f"{lo}–{lo + 10}%", str(sum(lo <= p < lo + 10 or p == lo + 10 == 100 for p in percents))]
        for lo in range(0, 100, 10)
    ]
    # Used 1, 3, 5, ... 23 minutes of a 25-minute limit: bins of 2.5 minutes.
    time_rows = _table(html, "plot-time-table")
    assert [count for _, count in time_rows] == ["1", "1", "2", "1", "1", "1", "2", "1", "1", "1"]
    assert time_rows[-1][0] == "22.5–25 min"
    stats = response.context["stats"]
    items = {row[0]: row[1:] for row in _table(html, "plot-items-table")}
    for q in stats["questions"]:
        row = q["rows"][0]
        if row["discrimination"] is None:
            assert q["title"] not in items
        else:
            assert items[q["title"]] == [
                f"{row['mean_percent']:.1f}%",
                f"{row['discrimination']:.2f}",
            ]
    assert len(items) >= 2
