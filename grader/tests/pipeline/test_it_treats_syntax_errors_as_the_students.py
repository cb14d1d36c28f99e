from pipeline_helpers import fixture_question

from grader.pipeline import grade


def test_it_grades_a_syntax_error_zero_and_says_where(fake_run):
    q = fixture_question("arith/add")
    result = grade(q, "def add(a, b):\n    return a +\n", sandbox=fake_run)
    assert result.status == "graded"
    assert result.score == 0.0
    assert result.max_score == 4.0
    assert all(not c.passed for c in result.checks)
    assert "syntax error at line 2" in result.checks[0].feedback


def test_it_never_starts_a_sandbox_for_code_that_does_not_compile():
    q = fixture_question("arith/add")

    def no_sandbox(task, payload, limits):
        raise AssertionError("a sandbox was started")

    result = grade(q, "def add(:\n", sandbox=no_sandbox)
    assert result.status == "graded" and result.score == 0.0


def test_it_grades_a_module_that_raises_while_loading_zero(fake_run):
    q = fixture_question("arith/add")
    result = grade(q, "x = 1\nraise RuntimeError('boom')\n", sandbox=fake_run)
    assert result.status == "graded"
    assert result.score == 0.0
    assert "raised RuntimeError at line 2" in result.checks[0].feedback
