"""Student text is tokenized on the trusted side: bounded in size, and an answer that
does not tokenize still counts up to where it stops."""

from grader import similarity

BODY = "".join(
    f"def f{i}(a, b):\n    c = a * {i} + b\n    return [c for _ in range(b)]\n" for i in range(12)
)


def test_it_keeps_the_tokens_before_a_tokenize_error():
    broken = BODY + "def g(:\n    x = (1,\n"

    tokens, truncated = similarity.normalise(broken)

    assert truncated
    assert len(tokens) > 100
    ranked = similarity.compare({"ok": BODY, "broken": broken})
    assert ranked.pairs[0].score == 1.0
    assert ranked.truncated == ["broken"]


def test_it_cuts_a_huge_answer_at_the_budget():
    huge = BODY * 2000
    assert len(huge) > similarity.MAX_SOURCE_CHARS

    tokens, truncated = similarity.normalise(huge)

    assert truncated
    assert len(tokens) <= similarity.MAX_TOKENS


def test_it_takes_blank_and_odd_answers():
    ranked = similarity.compare({"a": "", "b": "\x00\x00", "c": "'''", "d": "  x\n y\n"})

    assert ranked.pairs == []
    assert set(ranked.too_short) == {"a", "b", "c", "d"}


def test_it_normalises_names_and_literals_but_keeps_keywords():
    tokens, _ = similarity.normalise("for total in range(10): print('hi', total)  # note\n")

    assert [t.text for t in tokens] == [
        "for", "N", "in", "N", "(", "0", ")", ":", "N", "(", "S", ",", "N", ")", ";",
    ]  # fmt: skip


def test_it_marks_the_matching_lines_of_each_answer():
    shared = BODY
    a = "x = 1\n" + shared
    b = "def other(q):\n    return q\n\n" + shared

    match = similarity.matching_lines(a, b)

    assert 1 not in match.lines_a and 2 in match.lines_a
    assert 1 not in match.lines_b and 4 in match.lines_b


def test_it_stops_a_comparison_over_its_time_budget() -> None:
    import pytest

    with pytest.raises(similarity.OverBudget):
        similarity.compare({"a": BODY, "b": BODY}, max_seconds=-1)
