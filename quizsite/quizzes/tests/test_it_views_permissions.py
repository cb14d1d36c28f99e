"""Who reaches which quiz page: every URL with an id in it, for every persona.

The student owns the attempt and the trial-run submission; nobody else reaches them
(a 404, so an id never tells a stranger whether it exists). Staff reach their own
course's quiz overview and results, never a student's running attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.grading.models import Submission
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.actions.trials import run_visible_tests
from quizsite.quizzes.tests.conftest import T0

NOW = T0 + timedelta(minutes=5)
PERSONAS = ("student", "other_student", "ta", "instructor", "stranger", "anonymous")


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # The rate limiter counts in the default cache: a fresh one per test.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "perm"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(quiz, student, other_course):
    """The student's running attempt at ``quiz`` and a trial run of its code question."""
    attempt = start_attempt(quiz, student, now=NOW - timedelta(minutes=1))
    code_position = next(
        aq.position
        for aq in attempt.questions.select_related("question_version__question")
        if aq.question_version.question.type == "code"
    )
    trial = run_visible_tests(attempt, code_position, "def double(x):\n    return x * 2\n", now=NOW)
    from quizsite.quizzes.models import QuizOverride

    return {
        "override": QuizOverride.objects.create(quiz=quiz, user=student, extra_minutes=5),
        "course": quiz.course,
        "other_course": other_course,
        "quiz": quiz,
        "attempt": attempt,
        "code_position": code_position,
        "submission": trial,
    }


def _request(client, method: str, url: str, body: dict | None):
    if method == "GET":
        return client.get(url)
    if method == "FORM":
        return client.post(url, data=body or {})
    return client.post(url, data=body or {}, content_type="application/json")


def _choice(w):
    """The world quiz's choice question (drawn in the student's attempt)."""
    return w["quiz"].pools.get().questions.get(type="choice")


# url name -> (method, build url from world, JSON body, expected status per persona).
# 302 for the anonymous is the login redirect of a page; scripts' endpoints answer 401.
CASES = {
    "course": (
        "GET",
        lambda w: reverse("quizzes:course", args=[w["course"].code]),
        None,
        {"student": 200, "other_student": 200, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "start": (
        "GET",
        lambda w: reverse("quizzes:start", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 200, "other_student": 200, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "start in another course's URL": (
        "GET",
        lambda w: reverse("quizzes:start", args=[w["other_course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "staff_quiz": (
        "GET",
        lambda w: reverse("quizzes:staff_quiz", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "new_quiz": (
        "GET",
        lambda w: reverse("quizzes:new_quiz", args=[w["course"].code]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "new_quiz in another course": (
        "GET",
        lambda w: reverse("quizzes:new_quiz", args=[w["other_course"].code]),
        None,
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "edit_quiz": (
        "GET",
        lambda w: reverse("quizzes:edit_quiz", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "edit_quiz in another course's URL": (
        "GET",
        lambda w: reverse("quizzes:edit_quiz", args=[w["other_course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "overrides": (
        "GET",
        lambda w: reverse("quizzes:overrides", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "delete_override": (
        "FORM",
        lambda w: reverse(
            "quizzes:delete_override", args=[w["course"].code, w["quiz"].pk, w["override"].pk]
        ),
        None,
        {"student": 404, "other_student": 404, "ta": 302, "instructor": 302, "stranger": 404, "anonymous": 302},
    ),
    "release": (
        "FORM",
        lambda w: reverse("quizzes:release", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 302, "instructor": 302, "stranger": 404, "anonymous": 302},
    ),
    "staff_quiz_grades": (
        "GET",
        lambda w: reverse("quizzes:staff_quiz_grades", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "staff_quiz_grades in another course's URL": (
        "GET",
        lambda w: reverse(
            "quizzes:staff_quiz_grades", args=[w["other_course"].code, w["quiz"].pk]
        ),
        None,
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "statistics": (
        "GET",
        lambda w: reverse("quizzes:statistics", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "statistics in another course's URL": (
        "GET",
        lambda w: reverse("quizzes:statistics", args=[w["other_course"].code, w["quiz"].pk]),
        None,
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    # Regrading a question with its current version: the preview page for staff.
    "regrade_question": (
        "FORM",
        lambda w: reverse(
            "quizzes:regrade_question", args=[w["course"].code, w["quiz"].pk, _choice(w).pk]
        ),
        {"version": "1"},
        {"student": 404, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    "regrade_question in another course's URL": (
        "FORM",
        lambda w: reverse(
            "quizzes:regrade_question", args=[w["other_course"].code, w["quiz"].pk, _choice(w).pk]
        ),
        {"version": "1", "confirm": "yes"},
        {"student": 404, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "attempt": (
        "GET",
        lambda w: reverse("quizzes:attempt", args=[w["attempt"].pk]),
        None,
        {"student": 200, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "autosave": (
        "POST",
        lambda w: reverse("quizzes:autosave", args=[w["attempt"].pk]),
        {"position": 1, "value": "LOAD_DEREF", "revision": 0},
        {"student": 200, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 401},
    ),
    "start (POST: students start their own attempt)": (
        "FORM",
        lambda w: reverse("quizzes:start", args=[w["course"].code, w["quiz"].pk]),
        None,
        {"student": 302, "other_student": 302, "ta": 409, "instructor": 409, "stranger": 404, "anonymous": 302},
    ),
    "submit (POST, confirmed)": (
        "FORM",
        lambda w: reverse("quizzes:submit", args=[w["attempt"].pk]),
        {"confirm": "yes"},
        {"student": 302, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "submit (confirmation page)": (
        "GET",
        lambda w: reverse("quizzes:submit", args=[w["attempt"].pk]),
        None,
        {"student": 200, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 302},
    ),
    "run_tests": (
        "POST",
        lambda w: reverse("quizzes:run_tests", args=[w["attempt"].pk, w["code_position"]]),
        {"code": "def double(x):\n    return 2 * x\n"},
        {"student": 202, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 401},
    ),
    "check (homework tries; this quiz is timed: refused to its student)": (
        "POST",
        lambda w: reverse("quizzes:check", args=[w["attempt"].pk, 1]),
        {},
        {"student": 409, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 401},
    ),
    "results": (
        "GET",
        lambda w: reverse("quizzes:results", args=[w["attempt"].pk]),
        None,
        {"student": 200, "other_student": 404, "ta": 200, "instructor": 200, "stranger": 404, "anonymous": 302},
    ),
    # Hand grading: staff are redirected to the results page (here with "still running").
    "set_points": (
        "FORM",
        lambda w: reverse("quizzes:set_points", args=[w["attempt"].pk, w["code_position"]]),
        {"points": "1"},
        {"student": 404, "other_student": 404, "ta": 302, "instructor": 302, "stranger": 404, "anonymous": 302},
    ),
    "regrade": (
        "FORM",
        lambda w: reverse("quizzes:regrade", args=[w["attempt"].pk, w["code_position"]]),
        None,
        {"student": 404, "other_student": 404, "ta": 302, "instructor": 302, "stranger": 404, "anonymous": 302},
    ),
    "submission_status": (
        "GET",
        lambda w: reverse("quizzes:submission_status", args=[w["submission"].pk]),
        None,
        {"student": 200, "other_student": 404, "ta": 404, "instructor": 404, "stranger": 404, "anonymous": 401},
    ),
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", list(CASES))
def test_it_lets_only_the_right_people_reach_each_page(
    case, persona, world, personas, client_for
) -> None:
    method, build, body, expected = CASES[case]
    client = client_for(personas[persona])
    with time_machine.travel(NOW, tick=False):
        response = _request(client, method, build(world), body)
    assert response.status_code == expected[persona], (case, persona)
    if persona == "anonymous" and expected[persona] == 302:
        assert response["Location"].startswith(reverse("login"))
    if expected[persona] == 404 and "submit" in case:
        world["attempt"].refresh_from_db()
        assert world["attempt"].status == "in_progress"


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_staff_of_the_course_add_time(persona, world, personas, client_for) -> None:
    attempt = world["attempt"]
    url = reverse("quizzes:staff_quiz", args=[world["course"].code, world["quiz"].pk])
    with time_machine.travel(NOW, tick=False):
        response = client_for(personas[persona]).post(url, {"attempt": attempt.pk, "minutes": 10})
    attempt.refresh_from_db()
    if persona in ("ta", "instructor"):
        assert response.status_code == 302
        assert attempt.added_time == timedelta(minutes=10)
    else:
        assert response.status_code in (302, 404) and attempt.added_time == timedelta(0)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))


def test_it_hides_another_course_s_attempt_from_its_staff(world, other_course, client_for) -> None:
    from quizsite.accounts.models import Membership, User

    foreign_ta = User.objects.create_user("foreign_ta", password="x")
    Membership.objects.create(user=foreign_ta, course=other_course, role="ta")
    client = client_for(foreign_ta)
    with time_machine.travel(NOW, tick=False):
        results = client.get(reverse("quizzes:results", args=[world["attempt"].pk]))
        overview = client.get(
            reverse("quizzes:staff_quiz", args=[other_course.code, world["quiz"].pk])
        )
    assert results.status_code == 404
    assert overview.status_code == 404


def test_it_refuses_time_for_an_attempt_of_another_quiz(world, make_quiz, instructor, client_for):
    other_quiz = make_quiz(title="Quiz 2")
    url = reverse("quizzes:staff_quiz", args=[world["course"].code, other_quiz.pk])
    with time_machine.travel(NOW, tick=False):
        response = client_for(instructor).post(url, {"attempt": world["attempt"].pk, "minutes": 5})
    assert response.status_code == 404
    world["attempt"].refresh_from_db()
    assert world["attempt"].added_time == timedelta(0)


def test_it_never_shows_an_answer_submission_s_checks_before_release(
    world, student, client_for
) -> None:
    answer_run = Submission.objects.create(
        question_version=world["submission"].question_version,
        user=student,
        code="x = 1",
        purpose=Submission.Purpose.ANSWER,
        status=Submission.Status.GRADED,
        result={"status": "graded", "checks": [{"name": "hidden-1", "passed": False}]},
    )
    response = client_for(student).get(reverse("quizzes:submission_status", args=[answer_run.pk]))
    assert response.status_code == 200
    assert response.json() == {"status": "graded", "done": True}
