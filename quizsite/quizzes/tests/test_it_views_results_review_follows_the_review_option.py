"""The results page reviews each question: its prompt and the student's answer as
typed (options rendered as they were shown, no raw Markdown), the correct answer and
explanation only when the quiz's review option allows, and checks by the titles
authored in the bank, never a hidden test's content or the reference code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.quizzes import release_feedback
from quizsite.quizzes.models import Answer
from quizsite.quizzes.tests.conftest import T0

STARTED = T0 + timedelta(minutes=1)
SUBMITTED = T0 + timedelta(minutes=10)


def _submitted(quiz, student):
    attempt = start_attempt(quiz, student, now=STARTED)
    by_path = {aq.question_version.question.path: aq.position for aq in attempt.questions.all()}
    save_answer(attempt, by_path["r/choice"], "`LOAD_FAST`", now=STARTED)
    save_answer(attempt, by_path["r/text"], "<b>Name`Error`</b>", now=STARTED)
    save_answer(attempt, by_path["r/code"], "def double(x):\n    return 2*x\n", now=STARTED)
    submit_attempt(attempt, now=SUBMITTED)
    # What the grader stores for the code answer: its checks by name.
    Answer.objects.filter(attempt_question__position=by_path["r/code"]).update(
        grading_status="graded",
        points=1.0,
        feedback=[
            {"name": "test-1", "kind": "test", "passed": True, "points": 1, "max_points": 1},
            {"name": "test-2", "kind": "test", "passed": False, "points": 0, "max_points": 1},
        ],
    )
    return attempt


def _page(client, attempt) -> str:
    with time_machine.travel(SUBMITTED + timedelta(minutes=1), tick=False):
        return client.get(reverse("quizzes:results", args=[attempt.pk])).content.decode()


@pytest.mark.parametrize(
    ("show_answers", "released", "shown"),
    [
        ("after_submission", False, True),
        ("with_results", False, False),
        ("with_results", True, True),
        ("never", True, False),
    ],
)
def test_it_shows_the_answer_key_as_the_quiz_allows(
    review_quiz, student, client_for, show_answers, released, shown
) -> None:
    quiz = review_quiz(show_answers=show_answers)
    attempt = _submitted(quiz, student)
    if released:
        release_feedback(quiz, now=SUBMITTED)
    html = _page(client_for(student), attempt)
    assert "Which opcode reads a <strong>closure</strong> variable?" in html  # the prompt
    assert ("Correct answer" in html) is shown
    assert ("A closure variable lives in a <em>cell</em>" in html) is shown
    assert ("Multiply by two." in html) is shown


def test_it_shows_the_answer_as_typed_without_raw_markdown(review_quiz, student, client_for):
    attempt = _submitted(review_quiz(show_answers="after_submission"), student)
    html = _page(client_for(student), attempt)
    assert '<p class="your-answer"><code>LOAD_FAST</code></p>' in html
    assert "`LOAD_FAST`" not in html and "`LOAD_DEREF`" not in html
    assert "&lt;b&gt;Name`Error`&lt;/b&gt;" in html  # text exactly as typed, escaped
    assert '<pre class="your-code"><code>def double(x):\n    return 2*x\n</code></pre>' in html
    assert '<p class="correct-one"><code>LOAD_DEREF</code></p>' in html


def test_it_names_checks_by_their_titles_and_hides_the_tests(
    review_quiz, student, client_for
) -> None:
    quiz = review_quiz(show_answers="after_submission")
    attempt = _submitted(quiz, student)
    release_feedback(quiz, now=SUBMITTED)
    html = _page(client_for(student), attempt)
    assert "Passed: doubles a small number" in html
    assert "Failed: doubles a negative number" in html
    assert "test-1" not in html and "test-2" not in html
    assert "-12345" not in html and "SECRET-REFERENCE" not in html


def test_it_shows_staff_the_answer_key_whatever_the_option(
    review_quiz, student, ta, client_for
) -> None:
    attempt = _submitted(review_quiz(show_answers="never"), student)
    html = _page(client_for(ta), attempt)
    assert "Correct answer" in html and "Multiply by two." in html
    assert "SECRET-REFERENCE" not in html


def test_it_names_a_homework_try_s_checks_by_their_titles(review_quiz, student, client_for):
    homework = review_quiz(time_limit=None)
    attempt = start_attempt(homework, student, now=STARTED)
    code = attempt.questions.get(question_version__question__path="r/code")
    # What the grader leaves on the answer after a graded try.
    Answer.objects.filter(attempt_question=code).update(
        tries=1,
        grading_status="graded",
        points=1.0,
        feedback=[{"name": "test-2", "kind": "test", "passed": False, "points": 0}],
    )
    with time_machine.travel(STARTED + timedelta(minutes=1), tick=False):
        html = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk])).content
    assert b"Failed: doubles a negative number" in html
    assert b"test-2" not in html and b"-12345" not in html
