from questions.format import CodeSpec, Question, load_bank, load_question
from questions.tests.format_helpers import CODE_TOML, write_question


def test_it_reads_a_code_question_with_ids_relative_to_the_bank(tmp_path):
    write_question(
        tmp_path, "arith/add", CODE_TOML, reference__py="def add(a, b):\n    return a + b\n"
    )
    (q,) = load_bank(tmp_path)
    assert isinstance(q, Question)
    assert q.id == "arith/add"
    assert q.type == "code" and q.title == "Add"
    assert isinstance(q.code, CodeSpec)
    assert q.code.entry == ("add",)
    assert q.code.reference_source.startswith("def add")
    assert q.code.cpu_seconds == 2.0 and q.code.memory_mb == 256
    (t,) = q.code.tests
    assert (t.name, t.expr, t.case, t.hidden, t.points, t.tolerance) == (
        "test-1",
        "add(1, 2)",
        None,
        False,
        1.0,
        None,
    )
    # Without "points" a code question is worth what its tests add up to.
    assert q.points == 1.0


def test_it_reads_checks_with_kind_specific_options_and_default_target(tmp_path):
    toml = (
        CODE_TOML.replace('entry = ["add"]', 'entry = ["make_counter"]')
        + """
[[checks]]
kind = "bytecode"
target = "make_counter.c"
require = ["LOAD_DEREF"]
forbid = ["LOAD_GLOBAL"]
max_instructions = 12
feedback = "use the cell"
points = 2

[[checks]]
kind = "scope"
cellvars = ["x"]
name = "cell"

[[checks]]
kind = "raises"
expr = "make_counter(1)('a')"
exception = "TypeError"
"""
    )
    write_question(tmp_path, "q", toml, reference__py="def make_counter(x):\n    pass\n")
    (q,) = load_bank(tmp_path)
    b, s, r = q.code.checks
    assert (b.kind, b.name, b.target, b.points, b.feedback) == (
        "bytecode",
        "bytecode-1",
        "make_counter.c",
        2.0,
        "use the cell",
    )
    assert b.options == {
        "require": ["LOAD_DEREF"],
        "forbid": ["LOAD_GLOBAL"],
        "max_instructions": 12,
    }
    assert (s.name, s.target, s.options) == ("cell", "make_counter", {"cellvars": ["x"]})
    assert r.options == {"expr": "make_counter(1)('a')", "exception": "TypeError"}


def test_it_reads_the_non_code_types(tmp_path):
    write_question(
        tmp_path, "c", 'title="t"\ntype="choice"\nprompt="p"\noptions=["a","b"]\nanswer="b"\n'
    )
    write_question(
        tmp_path,
        "m",
        'title="t"\ntype="multi"\nprompt="p"\noptions=["a","b","c"]\nanswers=["a","c"]\nshuffle=false\n',
    )
    write_question(
        tmp_path,
        "n",
        'title="t"\ntype="numeric"\nprompt="p"\nanswer=100\ntolerance=0.5\npoints=2\n',
    )
    write_question(
        tmp_path, "t", 'title="t"\ntype="text"\nprompt="p"\nanswers=["UnboundLocalError"]\n'
    )
    c, m, n, t = load_bank(tmp_path)
    assert c.answer == "b" and c.shuffle is True
    assert m.answers == ("a", "c") and m.shuffle is False
    assert n.answer == 100 and n.tolerance == 0.5 and n.points == 2.0
    assert t.answers == ("UnboundLocalError",) and t.case_sensitive is False


def test_it_loads_one_package_with_an_id_below_the_bank_root(tmp_path):
    (tmp_path / "bank.toml").write_text("", encoding="utf-8")
    d = write_question(
        tmp_path, "scopes/nc", CODE_TOML, reference__py="def add(a, b):\n    return 0\n"
    )
    assert load_question(d).id == "scopes/nc"
    assert load_question(d, "given/id").id == "given/id"


def test_it_loads_the_sample_bank():
    from pathlib import Path

    bank = Path(__file__).resolve().parents[1] / "bank"
    questions = load_bank(bank)
    assert len({q.id for q in questions}) == len(questions) > 0
