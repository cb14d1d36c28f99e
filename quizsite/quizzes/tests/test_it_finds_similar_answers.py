"""A similarity run over a quiz's answers to one code question: queued by staff, run
by a thin task, pairs stored by rank; starter code left out; earlier courses' answers
only on request and never paired with each other; a failure ends in a state staff see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsite.accounts.models import Course, Membership, User
from quizsite.quizzes import integrity, similarity_runs
from quizsite.quizzes.models import Quiz, QuizPool, SimilarityRun
from quizsite.quizzes.tests.conftest import T0, position_of

S = timedelta(seconds=1)
SOLO = "def double(x):\n    result = 0\n    for _ in range(2):\n        result = result + x\n    if result != x * 2:\n        raise ValueError(result)\n    return result\n"
OTHER = "def double(n):\n    values = [n, n]\n    total = sum(values)\n    assert total == n + n, 'bad'\n    print('doubling', n, 'gives', total)\n    return total\n"
RENAMED = SOLO.replace("result", "acc").replace("x", "value") + "# done\n"


def _take(quiz, user, code: str, *, now=T0):
    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt

    attempt = start_attempt(quiz, user, now=now)
    save_answer(attempt, position_of(attempt, "code"), code, now=now + S)
    submit_attempt(attempt, now=now + 60 * S)
    return attempt


def _student(course, name: str) -> User:
    user = User.objects.create_user(name)
    Membership.objects.create(user=user, course=course, role="student")
    return user


@pytest.fixture
def code_quiz(make_quiz, small_bank):
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([small_bank["code"]])
    return quiz


def _run(quiz, question, archive=False, by=None) -> SimilarityRun:
    run = integrity.request_similarity_run(quiz, question, include_archive=archive, by=by, now=T0)
    assert similarity_runs.run(run.pk, now=T0 + S) == SimilarityRun.Status.DONE
    run.refresh_from_db()
    return run


def test_it_ranks_the_copied_pair_first(code_quiz, course, small_bank, ta) -> None:
    a = _take(code_quiz, _student(course, "ann"), SOLO)
    b = _take(code_quiz, _student(course, "bob"), RENAMED)
    _take(code_quiz, _student(course, "cy"), OTHER)
    _take(code_quiz, _student(course, "di"), "def double(x):\n    pass\n")  # the starter

    run = _run(code_quiz, small_bank["code"], by=ta)

    assert (run.status, run.total, run.done, run.too_short) == ("done", 4, 4, 1)
    first = run.pairs.order_by("rank").first()
    assert first.rank == 1 and first.score == 1.0
    owners = {
        first.answer_a.attempt_question.attempt_id,
        first.answer_b.attempt_question.attempt_id,
    }
    assert owners == {a.pk, b.pk}
    assert all(p.score < 1.0 for p in run.pairs.exclude(pk=first.pk))


def test_it_starts_the_task_once_the_request_is_committed(
    code_quiz, course, small_bank, celery_eager, django_capture_on_commit_callbacks
) -> None:
    _take(code_quiz, _student(course, "ann"), SOLO)
    _take(code_quiz, _student(course, "bob"), RENAMED)

    with django_capture_on_commit_callbacks(execute=True):
        run = integrity.request_similarity_run(
            code_quiz, small_bank["code"], include_archive=False, by=None, now=T0
        )
        assert SimilarityRun.objects.get(pk=run.pk).status == "queued"

    run.refresh_from_db()
    assert run.status == "done" and run.pairs.count() == 1


def test_it_runs_a_run_once(code_quiz, course, small_bank) -> None:
    run = _run(code_quiz, small_bank["code"])

    assert similarity_runs.run(run.pk, now=T0 + 2 * S) is None


def test_it_compares_with_earlier_courses_only_on_request(
    code_quiz, course, small_bank, make_quiz
) -> None:
    old_course = Course.objects.create(code="cs107-2025", title="Last year")
    old_quiz = Quiz.objects.create(
        course=old_course, title="Old quiz", opens_at=T0 - timedelta(days=400),
        closes_at=T0 - timedelta(days=399), time_limit=timedelta(minutes=25),
    )  # fmt: skip
    QuizPool.objects.create(quiz=old_quiz, count=1).questions.set([small_bank["code"]])
    then = T0 - timedelta(days=400) + timedelta(minutes=5)
    _take(old_quiz, _student(old_course, "old1"), SOLO, now=then)
    _take(old_quiz, _student(old_course, "old2"), SOLO, now=then)
    _take(code_quiz, _student(course, "ann"), RENAMED)
    _take(code_quiz, _student(course, "cy"), OTHER)

    alone = _run(code_quiz, small_bank["code"])
    with_archive = _run(code_quiz, small_bank["code"], archive=True)

    assert alone.total == 2 and not any(p.score > 0.5 for p in alone.pairs.all())
    assert with_archive.total == 4
    quizzes = [
        {p.answer_a.attempt_question.attempt.quiz_id, p.answer_b.attempt_question.attempt.quiz_id}
        for p in with_archive.pairs.all()
    ]
    assert {old_quiz.pk, code_quiz.pk} in quizzes
    assert {old_quiz.pk} not in quizzes  # two archived answers are never paired


def test_it_ends_a_failed_run_in_a_state_staff_see(
    code_quiz, course, small_bank, monkeypatch
) -> None:
    _take(code_quiz, _student(course, "ann"), SOLO)

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(similarity_runs.similarity, "compare", broken)
    run = integrity.request_similarity_run(
        code_quiz, small_bank["code"], include_archive=False, by=None, now=T0
    )

    assert similarity_runs.run(run.pk, now=T0 + S) == SimilarityRun.Status.FAILED
    run.refresh_from_db()
    assert (run.status, run.error, run.finished_at) == ("failed", "MemoryError", T0 + S)
