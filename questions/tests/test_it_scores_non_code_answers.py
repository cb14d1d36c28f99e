import pytest

from questions.format import Question
from questions.scoring import score_answer


def q(**kw) -> Question:
    base = dict(id="q", title="t", prompt="p", points=2.0, topics=(), content_hash="h")
    base.update(kw)
    return Question(**base)


def test_it_scores_a_choice_all_or_nothing():
    question = q(type="choice", options=("a", "b", "c"), answer="b")
    assert score_answer(question, "b") == 2.0
    assert score_answer(question, "a") == 0.0
    assert score_answer(question, None) == 0.0


def test_it_gives_partial_credit_per_option_for_multi():
    question = q(type="multi", options=("a", "b", "c", "d"), answers=("a", "b"))
    assert score_answer(question, ["a", "b"]) == 2.0
    assert score_answer(question, ["a"]) == 1.0
    assert score_answer(question, ["a", "c"]) == 0.0  # one right, one wrong
    assert score_answer(question, ["a", "b", "c"]) == 1.0
    assert score_answer(question, ["a", "b", "c", "d"]) == 0.0  # guessing all earns nothing
    assert score_answer(question, []) == 0.0
    assert score_answer(question, ["zzz", "a"]) == 1.0  # unknown options are ignored


@pytest.mark.parametrize(
    ("given", "points"),
    [
        (100, 2.0),
        ("100.4", 2.0),
        (" 99.5 ", 2.0),
        ("1e2", 2.0),
        (100.6, 0.0),
        ("abc", 0.0),
        ("nan", 0.0),
        (True, 0.0),
        (None, 0.0),
    ],
)
def test_it_scores_numeric_answers_with_an_absolute_tolerance(given, points):
    question = q(type="numeric", answer=100, tolerance=0.5)
    assert score_answer(question, given) == points


def test_it_scores_numeric_answers_with_a_relative_tolerance_or_exactly():
    rel = q(type="numeric", answer=1000, rel_tolerance=0.01)
    assert score_answer(rel, "1009") == 2.0
    assert score_answer(rel, "1011") == 0.0
    exact = q(type="numeric", answer=0.1)
    assert score_answer(exact, "0.1") == 2.0
    assert score_answer(exact, "0.1000001") == 0.0


def test_it_scores_text_ignoring_case_and_surrounding_space():
    question = q(type="text", answers=("UnboundLocalError", "unbound local error"))
    assert score_answer(question, "  unboundlocalerror\n") == 2.0
    assert score_answer(question, "Unbound Local Error") == 2.0
    assert score_answer(question, "Unbound  Local Error") == 0.0
    assert score_answer(question, "NameError") == 0.0


def test_it_scores_text_case_sensitively_when_asked():
    question = q(type="text", answers=("LOAD_DEREF",), case_sensitive=True)
    assert score_answer(question, " LOAD_DEREF ") == 2.0
    assert score_answer(question, "load_deref") == 0.0


def test_it_refuses_to_score_a_code_question_here():
    with pytest.raises(ValueError):
        score_answer(q(type="code"), "x")
