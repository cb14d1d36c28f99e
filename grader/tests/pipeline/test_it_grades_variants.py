from pipeline_helpers import fixture_question

from grader.pipeline import grade
from questions.format import instantiate

SOLUTION = "def repeat(word, k):\n    return word * k\n"


def test_it_grades_the_variant_chosen_by_the_seed(fake_run):
    q = fixture_question("variants/scale")
    for seed in range(4):
        result = grade(q, SOLUTION, sandbox=fake_run, seed=seed)
        assert result.status == "graded" and result.score == result.max_score


def test_it_grades_a_hard_coded_answer_right_only_for_its_own_variant(fake_run):
    q = fixture_question("variants/scale")
    v = instantiate(q, 0)
    word, k = v.variant["word"], v.variant["k"]
    hard = f"def repeat(word, k):\n    return {word * k!r}\n"
    assert grade(q, hard, sandbox=fake_run, seed=0).checks[0].passed
    other = next(
        s
        for s in range(1, 50)
        if instantiate(q, s).variant["word"] * instantiate(q, s).variant["k"] != word * k
    )
    assert not grade(q, hard, sandbox=fake_run, seed=other).checks[0].passed
