"""The optional ``explanation`` of a question and ``title`` of a test or check: parsed,
validated, carried into variants, and kept apart from the result's key (``name``)."""

from __future__ import annotations

import pytest

from questions.format import FormatError, instantiate, load_question
from questions.tests.format_helpers import CODE_TOML, write_question

REFERENCE = "def add(a, b):\n    return a + b\n"


def test_it_reads_an_explanation_and_titles(tmp_path):
    toml = CODE_TOML.replace(
        'prompt = "Write add(a, b)."',
        "prompt = \"Write add(a, b).\"\nexplanation = '''\n`+` calls `__add__`.\n'''",
    ).replace('expr = "add(1, 2)"', 'expr = "add(1, 2)"\ntitle = "adds two small numbers"')
    toml += '\n[[checks]]\nkind = "scope"\nlocals = ["a", "b"]\ntitle = "uses only its arguments"\n'
    d = write_question(tmp_path, "add", toml, reference__py=REFERENCE)
    q = load_question(d, qid="add")
    assert q.explanation == "`+` calls `__add__`."
    (test,) = q.code.tests
    (check,) = q.code.checks
    assert (test.name, test.title, test.label) == (
        "test-1",
        "adds two small numbers",
        "adds two small numbers",
    )
    assert (check.name, check.label) == ("scope-1", "uses only its arguments")


def test_it_labels_untitled_tests_by_their_name(tmp_path):
    d = write_question(tmp_path, "add", CODE_TOML, reference__py=REFERENCE)
    q = load_question(d, qid="add")
    assert q.explanation == ""
    assert q.code.tests[0].label == "test-1"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("explanation = 3", "explanation"),
        ('title = "two\\nlines"', "tests[1].title"),
        (f'title = "{"x" * 121}"', "tests[1].title"),
    ],
)
def test_it_refuses_a_malformed_explanation_or_title(tmp_path, line, key):
    if key == "explanation":
        toml = CODE_TOML.replace('type = "code"', f'type = "code"\n{line}')
    else:
        toml = CODE_TOML.replace('expr = "add(1, 2)"', f'expr = "add(1, 2)"\n{line}')
    d = write_question(tmp_path, "add", toml, reference__py=REFERENCE)
    with pytest.raises(FormatError) as caught:
        load_question(d, qid="add")
    assert [p.key for p in caught.value.problems] == [key]


def test_it_fills_placeholders_of_the_explanation_per_variant(tmp_path):
    toml = """
title = "Size"
type = "numeric"
prompt = "How many bytes do {{ n }} int64 take?"
answer = "{{ nbytes }}"
explanation = "{{ n }} items of 8 bytes: {{ nbytes }}."

[variants]
generator = "variants.py"
"""
    gen = "def generate(rng):\n    n = rng.randint(2, 9)\n    return {'n': n, 'nbytes': 8 * n}\n"
    d = write_question(tmp_path, "size", toml, variants__py=gen)
    v = instantiate(load_question(d, qid="size"), 4)
    assert v.explanation == f"{v.variant['n']} items of 8 bytes: {v.answer}."


def test_it_refuses_a_placeholder_in_the_explanation_without_a_generator(tmp_path):
    toml = CODE_TOML.replace('type = "code"', 'type = "code"\nexplanation = "{{ n }}"')
    d = write_question(tmp_path, "add", toml, reference__py=REFERENCE)
    with pytest.raises(FormatError) as caught:
        load_question(d, qid="add")
    assert [p.key for p in caught.value.problems] == ["explanation"]
