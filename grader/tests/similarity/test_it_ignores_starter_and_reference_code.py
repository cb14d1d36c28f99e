"""Code every student was given, and the reference solution, are no evidence of
copying: answers that only keep the starter code match nothing."""

import random

from grader import similarity
from grader.tests.similarity.corpus import (
    REFERENCE,
    STARTER,
    independent,
    make_corpus,
    render,
    starter_only,
)


def test_it_never_pairs_answers_that_only_keep_the_starter_code():
    corpus = make_corpus(size=60, copies=5, starters=10, seed=11)

    ranked = similarity.compare(corpus.sources, starter=STARTER, reference=REFERENCE, limit=10_000)

    assert corpus.starter_only <= set(ranked.too_short)
    lazy_pairs = [p for p in ranked.pairs if {p.a, p.b} & corpus.starter_only]
    assert lazy_pairs == []


def test_it_pairs_starter_only_answers_when_the_starter_is_not_excluded():
    rng = random.Random(3)
    sources = {f"e{i}": starter_only(rng) + STARTER.replace("def ", "def x_") for i in range(3)}

    assert similarity.compare(sources).pairs  # the same text matches ...
    assert not similarity.compare(
        sources, starter=STARTER + STARTER.replace("def ", "def x_")
    ).pairs


def test_it_does_not_count_code_copied_from_the_reference():
    rng = random.Random(5)
    own_a = render(independent(rng), rng)
    own_b = render(independent(rng), rng)
    sources = {"a": own_a + "\n" + REFERENCE * 3, "b": own_b + "\n" + REFERENCE * 3}

    with_reference = similarity.compare(sources, reference=REFERENCE, min_score=0.0)
    without = similarity.compare(sources, min_score=0.0)

    assert without.pairs[0].shared > (with_reference.pairs[0].shared if with_reference.pairs else 0)
    assert all(p.score < 0.3 for p in with_reference.pairs)


def test_it_only_ranks_pairs_with_an_answer_of_this_quiz():
    rng = random.Random(9)
    program = independent(rng)
    sources = {
        "now": render(program, rng),
        "old1": render(program, rng, disguise=True),
        "old2": render(program, rng, disguise=True),
    }

    ranked = similarity.compare(sources, only_with={"now"})

    assert {frozenset((p.a, p.b)) for p in ranked.pairs} == {
        frozenset(("now", "old1")),
        frozenset(("now", "old2")),
    }
