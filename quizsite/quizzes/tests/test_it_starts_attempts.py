"""Starting an attempt: window, attempts allowed, resuming, per-student draw."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.quizzes import messages
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.drawing import draw_questions
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer, Attempt, AttemptQuestion, QuizPool
from quizsite.quizzes.tests.conftest import T0, store_question

S = timedelta(seconds=1)


def test_it_starts_an_attempt_with_every_question_and_an_empty_answer(quiz, student) -> None:
    attempt = start_attempt(quiz, student, now=T0 + S)
    assert attempt.number == 1
    assert attempt.started_at == T0 + S
    assert attempt.deadline == T0 + S + timedelta(minutes=25)
    assert attempt.max_score == 9.0
    aqs = list(attempt.questions.order_by("position"))
    assert [aq.position for aq in aqs] == [1, 2, 3, 4, 5]
    assert {aq.question_version.question.type for aq in aqs} == {
        "choice",
        "multi",
        "numeric",
        "text",
        "code",
    }
    assert all(aq.question_version_id == aq.question_version.question.current_id for aq in aqs)
    assert Answer.objects.filter(attempt_question__attempt=attempt, revision=0).count() == 5


def test_it_resumes_the_running_attempt_instead_of_starting_another(quiz, student) -> None:
    first = start_attempt(quiz, student, now=T0)
    again = start_attempt(quiz, student, now=T0 + timedelta(minutes=3))
    assert again.pk == first.pk
    assert again.started_at == T0
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-S, messages.NOT_OPEN_YET), (timedelta(hours=12), messages.CLOSED)],
    ids=["a second before it opens", "as it closes"],
)
def test_it_refuses_outside_the_window(quiz, student, offset, message) -> None:
    with pytest.raises(QuizError) as e:
        start_attempt(quiz, student, now=T0 + offset)
    assert e.value.message == message


def test_it_starts_a_second_before_close_with_the_limit_capped(quiz, student) -> None:
    now = T0 + timedelta(hours=12) - S
    attempt = start_attempt(quiz, student, now=now)
    assert attempt.deadline == quiz.closes_at


@pytest.mark.parametrize("who", ["ta", "instructor", "stranger"])
def test_it_lets_only_students_start(quiz, personas, who) -> None:
    with pytest.raises(QuizError):
        start_attempt(quiz, personas[who], now=T0)


def test_it_refuses_when_attempts_are_used_up(make_quiz, student) -> None:
    quiz = make_quiz(attempts_allowed=2)
    first = start_attempt(quiz, student, now=T0)
    submit_attempt(first, now=T0 + timedelta(minutes=1))
    second = start_attempt(quiz, student, now=T0 + timedelta(minutes=2))
    assert second.number == 2
    submit_attempt(second, now=T0 + timedelta(minutes=3))
    with pytest.raises(QuizError) as e:
        start_attempt(quiz, student, now=T0 + timedelta(minutes=4))
    assert e.value.message == messages.NO_ATTEMPTS_LEFT


def _drawn(attempt) -> list[str]:
    return list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("question_version__question__path", flat=True)
    )


@pytest.fixture
def topic_quiz(make_quiz, db):
    """Two pools by topic over a bank of 6 + 6 questions; 3 drawn from each."""
    for i in range(6):
        store_question(f"a/q{i}", _choice(f"A{i}", "alpha"))
        store_question(f"b/q{i}", _choice(f"B{i}", "beta"))
    store_question("a/retired", _choice("old", "alpha"), retired=True)
    quiz = make_quiz(pool=False, shuffle=True)
    QuizPool.objects.create(quiz=quiz, count=3, topic="alpha", order=1)
    QuizPool.objects.create(quiz=quiz, count=3, topic="beta", order=2)
    return quiz


def _choice(title: str, topic: str) -> dict[str, str]:
    return {
        "question.toml": f'title = "{title}"\ntype = "choice"\ntopics = ["{topic}"]\n'
        'prompt = "Pick"\noptions = ["a", "b"]\nanswer = "a"\n'
    }


def test_it_draws_the_same_questions_for_the_same_student(topic_quiz, student) -> None:
    drawn = draw_questions(topic_quiz, student, 1)
    again = draw_questions(topic_quiz, student, 1)
    assert [(q.pk, p, s) for q, p, s in drawn] == [(q.pk, p, s) for q, p, s in again]


def test_it_draws_so_many_per_topic_and_never_a_retired_question(topic_quiz, student) -> None:
    attempt = start_attempt(topic_quiz, student, now=T0)
    paths = _drawn(attempt)
    assert len(paths) == len(set(paths)) == 6
    topics = [
        aq.question_version.question.topics[0]
        for aq in attempt.questions.select_related("question_version__question")
    ]
    assert (topics.count("alpha"), topics.count("beta")) == (3, 3)
    assert "a/retired" not in paths


def test_it_draws_differently_for_different_students(topic_quiz, personas) -> None:
    from quizsite.accounts.models import Membership, User

    draws = set()
    for i in range(8):
        user = User.objects.create_user(username=f"s{i}")
        Membership.objects.create(user=user, course=topic_quiz.course, role="student")
        draws.add(tuple(q.pk for q, _, _ in draw_questions(topic_quiz, user, 1)))
    assert len(draws) > 1


def test_it_keeps_the_version_given_when_the_bank_changes(quiz, student, small_bank) -> None:
    from quizsite.bank.models import QuestionVersion

    attempt = start_attempt(quiz, student, now=T0)
    choice = small_bank["choice"]
    given = choice.current_id
    newer = QuestionVersion.objects.create(
        question=choice, number=2, content_hash="x", files=choice.current.files
    )
    choice.current = newer
    choice.save()
    aq = attempt.questions.get(question_version__question=choice)
    assert aq.question_version_id == given


def test_it_refuses_a_quiz_with_nothing_to_draw(make_quiz, student) -> None:
    quiz = make_quiz(pool=False)
    with pytest.raises(QuizError) as e:
        start_attempt(quiz, student, now=T0)
    assert e.value.message == messages.NO_QUESTIONS


def test_it_refuses_a_pool_asking_for_more_than_its_topic_has(quiz, small_bank) -> None:
    from django.core.exceptions import ValidationError

    assert QuizPool(quiz=quiz, count=2, topic="alpha").full_clean() is None
    with pytest.raises(ValidationError, match="Only 2 questions"):
        QuizPool(quiz=quiz, count=3, topic="alpha").full_clean()
