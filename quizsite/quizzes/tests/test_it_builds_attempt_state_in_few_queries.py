"""The attempt page's state for a 12-question attempt takes a fixed, small number of
queries (no query per question)."""

from __future__ import annotations

from datetime import timedelta

from quizsite.quizzes import selectors
from quizsite.quizzes.actions.answers import save_answer
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.attempt_state import attempt_view_state
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.conftest import T0, store_question


def _twelve_question_quiz(make_quiz):
    quiz = make_quiz(pool=False, feedback_release="immediate")
    questions = [
        store_question(
            f"n/q{i:02}",
            {
                "question.toml": f'title = "Q{i}"\ntype = "choice"\ntopics = ["n"]\n'
                f'prompt = "Question *{i}*"\noptions = ["a", "b", "c"]\nanswer = "a"\n'
            },
        )
        for i in range(12)
    ]
    pool = QuizPool.objects.create(quiz=quiz, count=12)
    pool.questions.set(questions)
    return quiz


def test_it_builds_the_running_state_in_few_queries(
    make_quiz, student, django_assert_max_num_queries
) -> None:
    quiz = _twelve_question_quiz(make_quiz)
    attempt = start_attempt(quiz, student, now=T0)
    for pos in range(1, 13):
        save_answer(attempt, pos, "b", now=T0 + timedelta(seconds=pos))
    attempt = selectors.attempt_for_student(student, attempt.pk)
    with django_assert_max_num_queries(3):
        state = attempt_view_state(attempt, now=T0 + timedelta(minutes=1))
    assert len(state["questions"]) == 12
    assert all(q["value"] == "b" and q["revision"] == 1 for q in state["questions"])


def test_it_builds_the_results_state_in_few_queries(
    make_quiz, student, django_assert_max_num_queries
) -> None:
    quiz = _twelve_question_quiz(make_quiz)
    attempt = start_attempt(quiz, student, now=T0)
    submit_attempt(attempt, now=T0 + timedelta(minutes=1))
    attempt = selectors.attempt_for_student(student, attempt.pk)
    with django_assert_max_num_queries(3):
        state = attempt_view_state(attempt, now=T0 + timedelta(minutes=2))
    assert state["results_visible"] and len(state["questions"]) == 12


def test_it_builds_the_dashboard_in_few_queries(
    make_quiz, student, django_assert_max_num_queries
) -> None:
    for i in range(6):
        opens = T0 + timedelta(days=i - 3)
        quiz = make_quiz(title=f"Quiz {i}", opens_at=opens, closes_at=opens + timedelta(hours=12))
        start_attempt(quiz, student, now=opens)
    with django_assert_max_num_queries(6):
        board = selectors.dashboard_for(student, quiz.course, T0)
    assert sum(len(board[k]) for k in ("upcoming", "open", "closed")) == 6


def test_it_renders_options_as_safe_inline_html(make_quiz, student) -> None:
    from quizsite.quizzes.models import QuizPool

    question = store_question(
        "h/opts",
        {
            "question.toml": 'title = "Opts"\ntype = "choice"\nprompt = "Pick"\nshuffle = false\n'
            'options = ["`co_freevars`", "<script>x</script>"]\nanswer = "`co_freevars`"\n'
        },
    )
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([question])
    attempt = start_attempt(quiz, student, now=T0)
    item = attempt_view_state(attempt, now=T0)["questions"][0]
    assert item["options"] == ["`co_freevars`", "<script>x</script>"]
    assert item["choices"][0] == {"value": "`co_freevars`", "html": "<code>co_freevars</code>"}
    assert item["choices"][1]["value"] == "<script>x</script>"
    assert "<script>" not in item["choices"][1]["html"]


def test_it_saves_an_answer_in_a_fixed_number_of_queries(
    make_quiz, student, django_assert_max_num_queries
) -> None:
    quiz = _twelve_question_quiz(make_quiz)
    attempt = start_attempt(quiz, student, now=T0)
    attempt = selectors.attempt_for_student(student, attempt.pk)
    # lock the attempt, read the question and answer, update, insert the revision
    # (plus the savepoint and its release inside the test's transaction)
    with django_assert_max_num_queries(6):
        result = save_answer(attempt, 12, "c", now=T0 + timedelta(seconds=5))
    assert result.accepted and result.revision == 1
