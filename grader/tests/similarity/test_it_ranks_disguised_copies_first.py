"""Copies disguised by renaming, reordering functions, comments and layout come first
among 200 answers to one question."""

from grader import similarity
from grader.tests.similarity.corpus import REFERENCE, STARTER, make_corpus


def test_it_ranks_planted_copies_in_the_top_twenty():
    corpus = make_corpus(size=200, copies=20, starters=10)

    ranked = similarity.compare(corpus.sources, starter=STARTER, reference=REFERENCE, limit=20)

    top = {frozenset((p.a, p.b)) for p in ranked.pairs}
    assert len(top & corpus.planted) >= 18
    assert ranked.compared == 200


def test_it_scores_a_copy_above_an_independent_answer_of_the_same_size():
    corpus = make_corpus(size=40, copies=5, starters=0, seed=7)
    ranked = similarity.compare(corpus.sources, starter=STARTER, reference=REFERENCE, limit=1000)

    copies = [p.score for p in ranked.pairs if frozenset((p.a, p.b)) in corpus.planted]
    others = [p.score for p in ranked.pairs if frozenset((p.a, p.b)) not in corpus.planted]
    assert len(copies) == 5
    assert min(copies) > max(others)


def test_it_sees_through_renaming_and_layout():
    original = "def f(xs):\n    total = 0\n    for x in xs:\n        if x % 2:\n            total += x * 3\n    return total // 2\n"
    disguised = (
        "# my own work\n"
        "def f(values):\n"
        "  acc = 0  # start at nothing\n\n"
        "  for v in values:\n"
        "    if v % 2:\n"
        "      acc += v * 3\n"
        "  return acc // 2\n"
    )
    short = {"a": original * 3, "b": disguised * 3}

    ranked = similarity.compare(short)

    assert [(p.a, p.b, p.score) for p in ranked.pairs] == [("a", "b", 1.0)]
