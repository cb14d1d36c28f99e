"""Rebinding the probe's or the encoder's module globals from the submission does not
change what the probe reports (it bound its helpers before the submission ran)."""

import pytest
from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

pytestmark = pytest.mark.slow

PATCHES = """
import grader.harness.encode as enc
import grader.harness.probe as probe

probe._exc_name = lambda e: "TypeError"
probe._failure = lambda e, f: {"value": {"t": "int", "v": "5"}}
probe.encode = enc.encode = lambda v: {"t": "int", "v": "5"}
enc._int = lambda x: {"t": "int", "v": "5"}
enc._NP_SCALARS.clear()
"""


def test_it_still_fails_a_wrong_value_after_the_encoder_was_patched(real_sandbox):
    src = PATCHES + "\ndef add(a, b):\n    return 0\n"
    result = grade(fixture_question("arith/add"), src, sandbox=real_sandbox)
    assert result.status == "graded"
    assert not by_name(result)["test-1"].passed
    assert result.score == 0.0


def test_it_still_names_a_fake_builtin_after_the_namer_was_patched(real_sandbox):
    src = PATCHES + (
        "\nclass TypeError(Exception):\n    pass\n"
        "\ndef make_counter(x):\n    def c(y):\n        raise TypeError\n    return c\n"
    )
    result = grade(fixture_question("scopes/counter"), src, sandbox=real_sandbox)
    assert not by_name(result)["raises-2"].passed
