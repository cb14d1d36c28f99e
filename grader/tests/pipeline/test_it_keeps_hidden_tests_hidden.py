"""Hidden tests never reveal inputs, expected values or what the submission printed."""

import json

from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade

NOISY_WRONG = """
def add(a, b):
    print("SECRET-PRINTED", a, b)
    return a - b
"""

RAISES_WITH_INPUTS = """
def add(a, b):
    if isinstance(a, int) and a != 2:
        raise ValueError(f"SECRET {a} {b}")
    return a + b
"""


def test_it_says_only_that_a_hidden_test_failed(fake_run):
    result = grade(fixture_question("arith/add"), NOISY_WRONG, sandbox=fake_run)
    hidden = by_name(result)["random_pairs"]
    assert not hidden.passed
    assert hidden.feedback == "A hidden test failed."
    text = json.dumps(result.as_dict())
    assert "SECRET" not in text
    assert "random_pairs" in text  # the name is public, the data is not
    # no number the hidden driver produced appears in the hidden test's entry
    assert not any(ch.isdigit() for ch in hidden.feedback)
    assert hidden.details == {}


def test_it_names_only_the_exception_type_of_a_hidden_test(fake_run):
    result = grade(fixture_question("arith/add"), RAISES_WITH_INPUTS, sandbox=fake_run)
    hidden = by_name(result)["random_pairs"]
    assert hidden.feedback == "A hidden test failed: your code raised ValueError."
    assert "SECRET" not in json.dumps(result.as_dict())


def test_it_shows_the_value_and_message_of_a_visible_test(fake_run):
    result = grade(fixture_question("arith/add"), NOISY_WRONG, sandbox=fake_run)
    assert by_name(result)["test-1"].feedback == "add(2, 3) returned -1, expected 5."
    result = grade(fixture_question("arith/add"), RAISES_WITH_INPUTS, sandbox=fake_run)
    assert by_name(result)["test-2"].passed  # floats skip the raise
    assert "SECRET" not in by_name(result)["test-1"].feedback  # a=2 does not raise
