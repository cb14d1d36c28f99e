"""Each check kind judges its own options when the grader loads a package, and a bad
option is refused with the file and key, among the package's other problems."""

import pytest

from grader.bankcheck import load_bank
from questions.format import FormatError
from questions.tests.format_helpers import CODE_TOML, write_question


@pytest.mark.parametrize(
    ("check", "key"),
    [
        ('kind = "bytecode"\nrequire = "LOAD_FAST"', "checks[1].require"),
        ('kind = "bytecode"\nmax_instructions = 0', "checks[1].max_instructions"),
        ('kind = "bytecode"', "checks[1]"),
        ('kind = "scope"\ncellvars = [1]', "checks[1].cellvars"),
        ('kind = "scope"\nlocals = ["x"]\nglobals = ["y"]', "checks[1].globals"),
        ('kind = "flags"\ngenerator = "yes"', "checks[1].generator"),
        ('kind = "raises"\nexpr = "f("\nexception = "ValueError"', "checks[1].expr"),
        ('kind = "raises"\nexpr = "f()"', "checks[1].exception"),
        ('kind = "performance"\ninputs = "perf"\nsizes = [10]\nfaster_by = 2', "checks[1].inputs"),
        ('kind = "perf"', "checks[1].kind"),
        ('kind = "scope"\nlocals = ["x"]\ntarget = "a..b"', "checks[1].target"),
    ],
)
def test_it_validates_each_check_kind(tmp_path, check, key):
    write_question(
        tmp_path,
        "q",
        CODE_TOML + "\n[[checks]]\n" + check + "\n",
        reference__py="def add(a, b):\n    return a\n",
    )
    with pytest.raises(FormatError) as err:
        load_bank(tmp_path)
    assert key in {p.key for p in err.value.problems}
