import pytest

from questions.format import FormatError, Problem, load_bank
from questions.tests.format_helpers import CODE_TOML, write_question


def test_it_collects_problems_from_every_question_at_once(tmp_path):
    write_question(
        tmp_path, "a", 'title="t"\ntype="choice"\nprompt="p"\noptions=["x","y"]\nanswer="z"\n'
    )
    write_question(tmp_path, "b", 'title="t"\ntype="matching"\nprompt="p"\n')
    write_question(tmp_path, "c", 'prompt="p"\ntype="text"\nanswers=["x"]\ncolour="red"\n')
    write_question(tmp_path, "d", CODE_TOML)  # reference.py missing
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    got = {(p.file, p.key) for p in err.value.problems}
    assert got == {
        ("a/question.toml", "answer"),
        ("b/question.toml", "type"),
        ("c/question.toml", "title"),
        ("c/question.toml", "colour"),
        ("d/question.toml", "code.reference"),
    }


def test_it_phrases_a_problem_as_file_key_reason():
    p = Problem("scopes/nonlocal-counter/question.toml", "answer", "must be one of the options")
    assert (
        str(p) == "scopes/nonlocal-counter/question.toml: key 'answer': must be one of the options"
    )
    err = FormatError([p, Problem("x/reference.py", "", "syntax error at line 3: invalid syntax")])
    assert str(err).splitlines() == [
        "scopes/nonlocal-counter/question.toml: key 'answer': must be one of the options",
        "x/reference.py: syntax error at line 3: invalid syntax",
    ]


def test_it_refuses_bad_toml_with_the_file_named(tmp_path):
    write_question(tmp_path, "q", 'title = "unterminated\n')
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    (p,) = err.value.problems
    assert p.file == "q/question.toml" and "not valid TOML" in p.reason


def test_it_refuses_a_reference_that_does_not_compile(tmp_path):
    write_question(tmp_path, "q", CODE_TOML, reference__py="def add(:\n")
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert [str(p) for p in err.value.problems] == [
        "q/reference.py: syntax error at line 1: invalid syntax"
    ]


def test_it_refuses_a_test_case_missing_from_the_cases_file(tmp_path):
    toml = CODE_TOML.replace(
        'reference = "reference.py"', 'reference = "reference.py"\ncases = "cases.py"'
    )
    toml += '\n[[tests]]\ncase = "nope"\n'
    write_question(
        tmp_path,
        "q",
        toml,
        reference__py="def add(a, b):\n    return a\n",
        cases__py="def case_yes(m, rng):\n    return 1\n",
    )
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert [str(p) for p in err.value.problems] == [
        "q/question.toml: key 'tests[2].case': cases.py does not define case_nope(m, rng)"
    ]


def test_it_refuses_two_tests_with_one_name(tmp_path):
    toml = CODE_TOML + '\n[[tests]]\nexpr = "add(2, 2)"\nname = "test-1"\n'
    write_question(tmp_path, "q", toml, reference__py="def add(a, b):\n    return a\n")
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert "'test-1' is used by more than one" in str(err.value)
