from pipeline_helpers import fixture_question

from grader.pipeline import grade

ALWAYS_EQUAL = """
class Yes:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__

def add(a, b):
    return Yes()
"""

INT_SUBCLASS = """
class Int(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__

def add(a, b):
    return Int(0)
"""

LIST_SUBCLASS = """
class L(list):
    def __eq__(self, other):
        return True

def add(a, b):
    return L()
"""


def test_it_gives_nothing_for_an_object_whose_eq_always_says_true(fake_run):
    result = grade(fixture_question("arith/add"), ALWAYS_EQUAL, sandbox=fake_run)
    assert result.status == "graded"
    assert result.score == 0.0


def test_it_gives_nothing_for_an_int_subclass_that_claims_equality(fake_run):
    result = grade(fixture_question("arith/add"), INT_SUBCLASS, sandbox=fake_run)
    assert result.score == 0.0


def test_it_gives_nothing_for_a_list_subclass_that_claims_equality(fake_run):
    result = grade(fixture_question("arith/add"), LIST_SUBCLASS, sandbox=fake_run)
    assert result.score == 0.0
