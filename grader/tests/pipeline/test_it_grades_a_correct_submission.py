from pipeline_helpers import by_name, fixture_question

from grader.pipeline import grade


def test_it_gives_full_marks_to_a_correct_submission(fake_run):
    q = fixture_question("arith/add")
    result = grade(q, "def add(a, b):\n    return b + a\n", sandbox=fake_run)
    d = result.as_dict()
    assert d["status"] == "graded"
    assert d["score"] == d["max_score"] == 4.0
    assert list(d) == ["question", "status", "score", "max_score", "checks", "python"]
    assert d["question"] == "arith/add"
    assert [c["kind"] for c in d["checks"]] == ["test", "test", "test"]


def test_it_gives_partial_marks_and_says_what_a_visible_test_returned(fake_run):
    q = fixture_question("arith/add")
    result = grade(q, "def add(a, b):\n    return int(a + b)\n", sandbox=fake_run)
    checks = by_name(result)
    assert checks["test-1"].passed
    assert not checks["test-2"].passed
    assert checks["test-2"].feedback == "add(0.1, 0.2) returned 0, expected 0.30000000000000004."
    assert result.score == 3.0


def test_it_reports_the_seed_it_gave_the_drivers_consistently(fake_run):
    # The same seed grades the same way; the driver's inputs come from the trusted side.
    q = fixture_question("arith/add")
    src = "def add(a, b):\n    return a + b\n"
    first = grade(q, src, sandbox=fake_run, seed=5).as_dict()
    second = grade(q, src, sandbox=fake_run, seed=5).as_dict()
    assert first == second
