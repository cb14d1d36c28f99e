"""The question statistics page: submitted attempts only, what is left out said on
the page, each version of an edited question on its own row, options rendered as the
bank wrote them, hidden checks named for staff, and the same number of queries for a
class of 3 as for 30."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizsite.accounts.models import Membership, User
from quizsite.bank.models import QuestionVersion
from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.models import Answer, Attempt, QuizPool
from quizsite.quizzes.tests.conftest import SMALL_BANK, T0, position_of

S = timedelta(seconds=1)
CODE = "def double(x):\n    return 2 * x\n"


def _enrol(course, username: str) -> User:
    user = User.objects.create_user(username)
    Membership.objects.create(user=user, course=course, role="student")
    return user


def _take(quiz, user, answers: dict[str, object], *, submit: bool = True) -> Attempt:
    attempt = start_attempt(quiz, user, now=T0)
    for kind, value in answers.items():
        save_answer(attempt, position_of(attempt, kind), value, now=T0 + S)
    if submit:
        submit_attempt(attempt, now=T0 + 60 * S)
    return attempt


def _grade_code(attempt: Attempt, checks: list[dict], score: float) -> None:
    answer = Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__question_version__question__type="code",
    )
    submission = answer.submission
    submission.status = Submission.Status.GRADED
    submission.result = {"status": "graded", "score": score, "max_score": 4.0, "checks": checks}
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)


def _page(client, quiz):
    return client.get(reverse("quizzes:statistics", args=[quiz.course.code, quiz.pk]))


def _question(stats: dict, kind: str) -> dict:
    return next(q for q in stats["questions"] if q["type"] == kind)


def test_it_counts_submitted_attempts_and_says_what_is_left_out(
    quiz, course, student, other_student, ta, client_for
) -> None:
    first = _take(
        quiz,
        student,
        {
            "choice": "LOAD_DEREF",
            "multi": ["co_cellvars", "f_locals"],
            "numeric": "99",
            "text": "NameError",
            "code": CODE,
        },
    )
    checks = [
        {"name": "test-1", "kind": "test", "passed": True, "points": 2, "max_points": 2},
        {"name": "test-2", "kind": "test", "passed": False, "points": 0, "max_points": 2},
    ]
    _grade_code(first, checks, score=2.0)
    _take(quiz, other_student, {"choice": "LOAD_FAST", "numeric": "1e2", "code": CODE})
    _take(quiz, _enrol(course, "late"), {"choice": "LOAD_NAME"}, submit=False)

    response = _page(client_for(ta), quiz)

    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats["attempts"], stats["running_attempts"], stats["being_graded"]) == (2, 1, 1)
    choice = _question(stats, "choice")["rows"][0]
    assert (choice["drawn"], choice["full_percent"], choice["zero_percent"]) == (2, 50.0, 50.0)
    chosen = {o["text"]: o["chosen"] for o in choice["options"]}
    assert chosen == {"LOAD_FAST": 1, "LOAD_GLOBAL": 0, "LOAD_DEREF": 1, "LOAD_NAME": 0}
    numeric = _question(stats, "numeric")["rows"][0]
    assert [(w["answer"], w["count"]) for w in numeric["wrong_answers"]] == [("99", 1)]
    code = _question(stats, "code")["rows"][0]
    assert (code["drawn"], code["graded"], code["being_graded"]) == (2, 1, 1)
    assert code["code"]["checks"] == [
        {"name": "test-1", "hidden": False, "runs": 1, "passed": 1, "percent": 100.0},
        {"name": "test-2", "hidden": True, "runs": 1, "passed": 0, "percent": 0.0},
    ]
    html = response.content.decode()
    assert "Over 2 submitted attempts. 1 attempt is still running and not counted." in html
    assert "1 answer is still being graded and not counted yet" in html
    assert '<code>test-2</code> <span class="badge">hidden</span>' in html
    assert "Pearson" in html  # the help text defines the discrimination index


def test_it_shows_each_version_of_a_question_edited_mid_term(
    make_quiz, small_bank, course, student, other_student, ta, client_for
) -> None:
    quiz = make_quiz(pool=False)
    question = small_bank["choice"]
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([question])
    _take(quiz, student, {"choice": "LOAD_DEREF"})
    toml = SMALL_BANK["t/choice"]["question.toml"].replace('"LOAD_NAME"', '"`LOAD_CLOSURE`"')
    question.current = QuestionVersion.objects.create(
        question=question,
        number=2,
        content_hash=hashlib.sha256(toml.encode()).hexdigest(),
        files={"question.toml": toml},
    )
    question.save(update_fields=["current"])
    _take(quiz, other_student, {"choice": "`LOAD_CLOSURE`"})

    response = _page(client_for(ta), quiz)

    [shown] = response.context["stats"]["questions"]
    assert shown["versions"] == [1, 2]
    assert [(r["version"], r["full_percent"]) for r in shown["rows"]] == [(1, 100.0), (2, 0.0)]
    assert shown["overall"]["drawn"] == 2
    html = response.content.decode()
    assert "All versions" in html
    assert '<th scope="row"><code>LOAD_CLOSURE</code></th>' in html  # inline Markdown


def test_it_is_linked_from_the_attempts_page(quiz, ta, client_for) -> None:
    html = client_for(ta).get(reverse("quizzes:staff_quiz", args=["cs107", quiz.pk])).content
    assert reverse("quizzes:statistics", args=["cs107", quiz.pk]).encode() in html


def test_it_needs_the_same_queries_for_3_attempts_as_for_30(
    quiz, course, instructor, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(instructor)
    answers = {"choice": "LOAD_DEREF", "multi": ["co_cellvars"], "numeric": "12", "text": "x"}
    counts = []
    for total in (3, 30):
        while quiz.attempts.count() < total:
            _take(quiz, _enrol(course, f"s{quiz.attempts.count()}"), answers)
        _page(client, quiz)  # warm the per-process cache of parsed questions
        with CaptureQueriesContext(connection) as ctx:
            assert _page(client, quiz).status_code == 200
        counts.append(len(ctx.captured_queries))
        with django_assert_max_num_queries(7):  # 6, and the attempt scores the plots draw
            _page(client, quiz)
    assert counts[0] == counts[1]
