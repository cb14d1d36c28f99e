import pytest

from questions.format import FormatError, instantiate, load_bank
from questions.tests.format_helpers import write_question

GENERATOR = """
def generate(rng):
    a = rng.randint(2, 9)
    b = rng.randint(2, 9)
    return {"a": a, "b": b, "product": a * b, "word": rng.choice(["x", "y'z"])}
"""

NUMERIC = """
title = "Multiply"
type = "numeric"
prompt = "What is {{ a }} * {{b}}?"
answer = "{{ product }}"

[variants]
generator = "variants.py"
"""

CODE = """
title = "Repeat"
type = "code"
prompt = "Repeat {{ word }}"

[variants]
generator = "variants.py"

[code]
entry = ["rep"]
reference = "reference.py"

[[tests]]
expr = "rep({{ word!r }}, {{ a }})"
"""


def test_it_fills_placeholders_and_keeps_a_numeric_answer_a_number(tmp_path):
    write_question(tmp_path, "n", NUMERIC, variants__py=GENERATOR)
    (q,) = load_bank(tmp_path)
    v = instantiate(q, 7)
    a, b = v.variant["a"], v.variant["b"]
    assert v.prompt == f"What is {a} * {b}?"
    assert v.answer == a * b and isinstance(v.answer, int)
    assert v.seed == 7 and v.content_hash == q.content_hash


def test_it_gives_the_same_variant_for_the_same_seed(tmp_path):
    write_question(tmp_path, "n", NUMERIC, variants__py=GENERATOR)
    (q,) = load_bank(tmp_path)
    assert instantiate(q, 3) == instantiate(q, 3)
    prompts = {instantiate(q, s).prompt for s in range(20)}
    assert len(prompts) > 1


def test_it_inserts_repr_into_expressions_with_the_r_marker(tmp_path):
    write_question(
        tmp_path,
        "c",
        CODE,
        variants__py=GENERATOR,
        reference__py="def rep(w, k):\n    return w * k\n",
    )
    (q,) = load_bank(tmp_path)
    for seed in range(10):
        v = instantiate(q, seed)
        (t,) = v.code.tests
        assert t.expr == f"rep({v.variant['word']!r}, {v.variant['a']})"
        compile(t.expr, "<t>", "eval")


def test_it_returns_a_question_without_variants_unchanged(tmp_path):
    write_question(tmp_path, "t", 'title="t"\ntype="text"\nprompt="p"\nanswers=["x"]\n')
    (q,) = load_bank(tmp_path)
    assert instantiate(q, 5) is q


def test_it_refuses_a_placeholder_the_generator_does_not_produce(tmp_path):
    write_question(tmp_path, "n", NUMERIC.replace("{{b}}", "{{ c }}"), variants__py=GENERATOR)
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert [(p.file, p.key) for p in err.value.problems] == [("n/question.toml", "prompt")]


def test_it_refuses_placeholders_without_a_generator(tmp_path):
    write_question(tmp_path, "n", NUMERIC.split("[variants]")[0])
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert {p.key for p in err.value.problems} == {"prompt", "answer"}


def test_it_refuses_a_generator_that_returns_other_than_plain_values(tmp_path):
    write_question(
        tmp_path,
        "n",
        NUMERIC,
        variants__py="def generate(rng):\n    return {'a': object(), 'b': 1, 'product': 1}\n",
    )
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    (p,) = err.value.problems
    assert p.file == "n/variants.py" and "value of 'a'" in p.reason


def test_it_refuses_a_variant_whose_answer_is_not_an_option(tmp_path):
    toml = """
title = "Pick"
type = "choice"
prompt = "p"
options = ["{{ a }}", "{{ b }}"]
answer = "{{ product }}"

[variants]
generator = "variants.py"
"""
    write_question(tmp_path, "c", toml, variants__py=GENERATOR)
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert "must be one of the options (variant for seed 0)" in str(err.value)


def test_it_reports_a_generator_that_raises_against_its_file(tmp_path):
    write_question(tmp_path, "n", NUMERIC, variants__py="def generate(rng):\n    return 1 / 0\n")
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert (
        str(err.value)
        == "n/variants.py: key 'generate': raised ZeroDivisionError: division by zero (seed 0)"
    )
