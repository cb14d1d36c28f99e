"""Course staff create and edit quizzes and their pools on the site (times typed in
the course's zone), give students or groups extra time or another window, and
release results by hand; a bad form says what is wrong and changes nothing."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.accounts.models import CourseGroup
from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import Attempt, Quiz, QuizOverride
from quizsite.quizzes.tests.conftest import T0

# cs107 is in America/New_York: on 10 March 2026 (daylight time) 9:00 there is 13:00 UTC.
NINE_AM = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def _quiz_post(**changes) -> dict:
    data = {
        "title": "Bytecode quiz",
        "instructions": "Read *carefully*.",
        "opens_local": "2026-03-10T09:00",
        "closes_local": "2026-03-10T21:00",
        "time_limit_minutes": "25",
        "grace_seconds": "30",
        "attempts_allowed": "1",
        "shuffle": "on",
        "feedback_release": "after_close",
        "homework_tries": "3",
        "homework_policy": "best",
        "pools-TOTAL_FORMS": "2",
        "pools-INITIAL_FORMS": "0",
        "pools-MIN_NUM_FORMS": "0",
        "pools-MAX_NUM_FORMS": "30",
        "pools-0-topic": "alpha",
        "pools-0-count": "2",
        "pools-0-points": "",
        "pools-1-topic": "",
        "pools-1-count": "1",
        "pools-1-points": "2.5",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_creates_a_quiz_in_the_course_s_time(course, small_bank, ta, client_for) -> None:
    client = client_for(ta)
    assert client.get(reverse("quizzes:new_quiz", args=[course.code])).status_code == 200

    response = client.post(
        reverse("quizzes:new_quiz", args=[course.code]),
        _quiz_post(**{"pools-1-questions": [str(small_bank["numeric"].pk)]}),
    )

    quiz = Quiz.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:staff_quiz", args=[course.code, quiz.pk])
    assert (quiz.course, quiz.title) == (course, "Bytecode quiz")
    assert (quiz.opens_at, quiz.closes_at) == (NINE_AM, NINE_AM + timedelta(hours=12))
    assert (quiz.time_limit, quiz.grace) == (timedelta(minutes=25), timedelta(seconds=30))
    pools = [(p.topic, p.count, p.points, list(p.questions.all())) for p in quiz.pools.all()]
    assert pools == [("alpha", 2, None, []), ("", 1, 2.5, [small_bank["numeric"]])]


def test_it_makes_homework_when_there_is_no_time_limit(course, small_bank, ta, client_for):
    client_for(ta).post(
        reverse("quizzes:new_quiz", args=[course.code]),
        _quiz_post(time_limit_minutes="", **{"pools-TOTAL_FORMS": "1"}),
    )
    quiz = Quiz.objects.get()
    assert quiz.time_limit is None and quiz.is_homework


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_local": "2026-03-10T08:00"}, "must close after it opens"),
        ({"time_limit_minutes": "0"}, "greater than or equal to 1"),
        ({"grace_seconds": "-1"}, "greater than or equal to 0"),
        ({"pools-0-count": "3"}, "Only 2 question(s) in the topic 'alpha'"),
        ({"pools-0-topic": "", "pools-TOTAL_FORMS": "1"}, "Choose a topic or list"),
        ({"pools-0-topic": "omega"}, "Select a valid choice"),
        ({"pools-TOTAL_FORMS": "0"}, "at least one pool"),
    ],
)
def test_it_refuses_a_bad_quiz_and_creates_nothing(
    course, small_bank, ta, client_for, changes, message
) -> None:
    data = _quiz_post(**{"pools-TOTAL_FORMS": "1", **changes})
    response = client_for(ta).post(reverse("quizzes:new_quiz", args=[course.code]), data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Quiz.objects.exists()


def test_it_refuses_a_pool_with_both_a_topic_and_questions(course, small_bank, ta, client_for):
    data = _quiz_post(
        **{"pools-TOTAL_FORMS": "1", "pools-0-questions": [str(small_bank["choice"].pk)]}
    )
    response = client_for(ta).post(reverse("quizzes:new_quiz", args=[course.code]), data)
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_it_edits_a_quiz_and_moves_running_deadlines(quiz, student, ta, client_for) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    assert attempt.deadline == T0 + timedelta(minutes=25)
    url = reverse("quizzes:edit_quiz", args=[quiz.course.code, quiz.pk])
    client = client_for(ta)
    page = client.get(url).content.decode()
    assert 'value="25"' in page and "Students have started this quiz" in page

    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        response = client.post(
            url,
            _quiz_post(time_limit_minutes="40", **{"pools-TOTAL_FORMS": "1"}),
            follow=True,
        )

    attempt.refresh_from_db()
    assert attempt.deadline == T0 + timedelta(minutes=40)
    assert "The deadline of 1 running attempt(s) moved." in response.content.decode()
    # The attempt keeps the questions it drew; later attempts draw from the new pool.
    assert attempt.questions.count() == 5


def test_it_gives_a_student_extra_time_and_takes_it_back(quiz, student, ta, client_for) -> None:
    attempt = start_attempt(quiz, student, now=T0)
    client = client_for(ta)
    url = reverse("quizzes:overrides", args=[quiz.course.code, quiz.pk])
    assert client.get(url).status_code == 200

    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = client.post(url, {"student": "student", "extra_percent": "50"}, follow=True)
    attempt.refresh_from_db()
    assert attempt.deadline == T0 + timedelta(minutes=37, seconds=30)
    assert "+50%" in response.content.decode()

    override = QuizOverride.objects.get()
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        client.post(
            reverse("quizzes:delete_override", args=[quiz.course.code, quiz.pk, override.pk])
        )
    attempt.refresh_from_db()
    assert not QuizOverride.objects.exists()
    assert attempt.deadline == T0 + timedelta(minutes=25)


def test_it_gives_a_group_another_window_in_the_course_s_time(
    quiz, course, student, ta, client_for
) -> None:
    group = CourseGroup.objects.create(course=course, name="Accommodations")
    group.members.add(student)
    client_for(ta).post(
        reverse("quizzes:overrides", args=[course.code, quiz.pk]),
        {
            "group": str(group.pk),
            "opens_local": "2026-03-11T09:00",
            "closes_local": "2026-03-11T21:00",
        },
    )
    override = QuizOverride.objects.get()
    assert (override.group, override.user) == (group, None)
    assert override.opens_at == NINE_AM + timedelta(days=1)
    assert override.closes_at == NINE_AM + timedelta(days=1, hours=12)


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (
            {"student": "nobody", "extra_minutes": "10"},
            "No student 'nobody' in this course.",
        ),
        ({"student": "ta", "extra_minutes": "10"}, "No student 'ta' in this course."),
        ({"extra_minutes": "10"}, "Name one student or choose one group."),
        ({"student": "student"}, "Give extra time, another window or other access rules."),
        (
            {
                "student": "student",
                "opens_local": "2026-03-11T09:00",
                "closes_local": "2026-03-11T08:00",
            },
            "The window must close after it opens.",
        ),
    ],
)
def test_it_refuses_a_bad_override(quiz, student, ta, client_for, post, message) -> None:
    response = client_for(ta).post(reverse("quizzes:overrides", args=["cs107", quiz.pk]), post)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not QuizOverride.objects.exists()


def test_it_replaces_a_student_s_override_rather_than_adding_one(quiz, student, ta, client_for):
    url = reverse("quizzes:overrides", args=["cs107", quiz.pk])
    client = client_for(ta)
    client.post(url, {"student": "student", "extra_minutes": "10"})
    client.post(url, {"student": "student", "extra_minutes": "20"})
    assert list(QuizOverride.objects.values_list("extra_minutes", flat=True)) == [20]


def test_it_releases_results_by_hand(make_quiz, ta, client_for) -> None:
    manual = make_quiz(feedback_release="manual")
    automatic = make_quiz(title="Quiz 2")
    client = client_for(ta)
    with time_machine.travel(T0, tick=False):
        client.post(reverse("quizzes:release", args=["cs107", manual.pk]))
        refused = client.post(reverse("quizzes:release", args=["cs107", automatic.pk]), follow=True)
    manual.refresh_from_db()
    automatic.refresh_from_db()
    assert manual.released_at == T0
    assert automatic.released_at is None
    assert "releases its results by itself" in refused.content.decode()


def test_it_lets_no_student_set_up_quizzes(quiz, student, client_for) -> None:
    client = client_for(student)
    assert client.get(reverse("quizzes:new_quiz", args=["cs107"])).status_code == 404
    response = client.post(
        reverse("quizzes:overrides", args=["cs107", quiz.pk]),
        {"student": "student", "extra_minutes": "60"},
    )
    assert response.status_code == 404
    assert not QuizOverride.objects.exists()
    assert Attempt.objects.count() == 0


@pytest.mark.parametrize("pools", [1, 8])
def test_it_draws_the_edit_page_in_the_same_queries_for_any_number_of_pools(
    make_quiz, small_bank, ta, client_for, django_assert_max_num_queries, pools
) -> None:
    from quizsite.quizzes.models import QuizPool

    quiz = make_quiz(pool=False)
    for i in range(pools):
        pool = QuizPool.objects.create(quiz=quiz, order=i, count=1)
        pool.questions.set([small_bank["choice"], small_bank["code"]])
    client = client_for(ta)
    url = reverse("quizzes:edit_quiz", args=["cs107", quiz.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
