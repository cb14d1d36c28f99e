import pytest

from grader.bankcheck import load_question
from questions.format import FormatError

TOML = """title = "Loads"
type = "code"
prompt = "Write f."
[code]
entry = ["f"]
reference = "reference.py"
[[tests]]
expr = "f()"
[[checks]]
kind = "bytecode"
require = {require}
forbid = ["INPLACE_ADD"]
"""


def write(tmp_path, require: str):
    (tmp_path / "question.toml").write_text(TOML.format(require=require))
    (tmp_path / "reference.py").write_text("def f():\n    return 1\n")
    return tmp_path


def test_it_names_the_file_key_and_bad_opcode(tmp_path):
    with pytest.raises(FormatError) as caught:
        load_question(write(tmp_path, '["LOAD_CONST", "LOAD_FASTT"]'), qid="q")
    assert str(caught.value).splitlines()[0] == (
        "q/question.toml: key 'checks[1].require': 'LOAD_FASTT' is neither an instruction "
        "of Python 3.11 nor a portable opcode name"
    )


def test_it_accepts_live_and_portable_names(tmp_path):
    question = load_question(
        write(tmp_path, '["LOAD_CONST", "BINARY_OP +=", "CALL_FUNCTION"]'), qid="q"
    )
    assert question.code.checks[0].options["forbid"] == ["INPLACE_ADD"]
