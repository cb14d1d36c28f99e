"""The code similarity pages: only the course's staff reach them; the ranked pairs,
the progress of a run, and two answers side by side with the shared lines marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes import similarity_runs
from quizsite.quizzes.models import SimilarityRun
from quizsite.quizzes.tests.conftest import T0
from quizsite.quizzes.tests.test_it_finds_similar_answers import (
    RENAMED,
    SOLO,
    _student,
    _take,
    code_quiz,  # noqa: F401 (a fixture)
)

PERSONAS = ("student", "other_student", "ta", "instructor", "stranger", "anonymous")


@pytest.fixture
def done_run(code_quiz, course, small_bank, student) -> SimilarityRun:  # noqa: F811
    _take(code_quiz, student, "import os\n" + SOLO)
    _take(code_quiz, _student(course, "bob"), RENAMED)
    run = SimilarityRun.objects.create(quiz=code_quiz, question=small_bank["code"], requested_at=T0)
    similarity_runs.run(run.pk, now=T0)
    return run


def _urls(run: SimilarityRun) -> dict[str, tuple[str, str]]:
    args = [run.quiz.course.code, run.quiz.pk]
    return {
        "page": ("GET", reverse("quizzes:similarity", args=args)),
        "request": ("POST", reverse("quizzes:similarity", args=args)),
        "status": ("GET", reverse("quizzes:similarity_status", args=[*args, run.pk])),
        "pair": ("GET", reverse("quizzes:similarity_pair", args=[*args, run.pk, 1])),
    }


STAFF_OK = {"page": 200, "request": 302, "status": 200, "pair": 200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(STAFF_OK))
def test_it_lets_only_the_course_s_staff_in(page, persona, done_run, personas, client_for):
    method, url = _urls(done_run)[page]
    client = client_for(personas[persona])

    response = (
        client.get(url) if method == "GET" else client.post(url, {"question": done_run.question_id})
    )

    if persona in ("ta", "instructor"):
        assert response.status_code == STAFF_OK[page]
    elif persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404
    if page == "request":
        expected_runs = 2 if persona in ("ta", "instructor") else 1
        assert SimilarityRun.objects.count() == expected_runs


def test_it_lists_the_pairs_and_marks_the_shared_lines(done_run, ta, client_for) -> None:
    client = client_for(ta)
    method, page = _urls(done_run)["page"]

    html = client.get(page).content.decode()

    assert "100%" in html and "bob" in html and "student" in html
    pair_html = client.get(_urls(done_run)["pair"][1]).content.decode()
    assert pair_html.count("<mark>") >= 10
    assert "<mark>import os</mark>" not in pair_html  # its own line is not shared
    assert "style=" not in pair_html.split("<main", 1)[-1]


def test_it_shows_the_progress_of_a_running_run(
    code_quiz,  # noqa: F811
    small_bank,
    student,
    ta,
    client_for,
) -> None:
    _take(code_quiz, student, SOLO)
    run = SimilarityRun.objects.create(
        quiz=code_quiz,
        question=small_bank["code"],
        requested_at=T0,
        status="running",
        done=20,
        total=80,
    )
    client = client_for(ta)
    args = [code_quiz.course.code, code_quiz.pk]

    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = client.get(reverse("quizzes:similarity", args=args)).content.decode()
        status = client.get(reverse("quizzes:similarity_status", args=[*args, run.pk])).json()

    assert "Read 20 of 80 answers" in page and 'value="20"' in page and "similarity.js" in page
    assert status == {"status": "running", "done": 20, "total": 80, "finished": False}


def test_it_says_when_a_run_lost_its_worker(code_quiz, small_bank, student, ta, client_for):  # noqa: F811
    _take(code_quiz, student, SOLO)
    started = T0 + timedelta(minutes=2)
    run = SimilarityRun.objects.create(
        quiz=code_quiz, question=small_bank["code"], requested_at=started,
        started_at=started, status="running", done=20, total=80,
    )  # fmt: skip
    args = [code_quiz.course.code, code_quiz.pk]
    client = client_for(ta)

    for offset, stopped in [
        (similarity_runs.STALE_AFTER, False),
        (similarity_runs.STALE_AFTER + timedelta(seconds=1), True),
    ]:
        with time_machine.travel(started + offset, tick=False):
            page = client.get(reverse("quizzes:similarity", args=args)).content.decode()
            status = client.get(reverse("quizzes:similarity_status", args=[*args, run.pk])).json()
        assert ("stopped before it finished" in page) is stopped
        assert status["finished"] is stopped
