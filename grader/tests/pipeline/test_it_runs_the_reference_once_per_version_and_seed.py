from pipeline_helpers import Recorder, fixture_question

from grader.pipeline import grade

SOURCE = "def add(a, b):\n    return a + b\n"


def _reference_runs(runner):
    return [p for p in runner.payloads if p["filename"] == "reference.py"]


def test_it_reuses_the_references_answer_for_the_same_seed(fake_run):
    runner = Recorder(fake_run)
    q = fixture_question("arith/add")
    for _ in range(3):
        grade(q, SOURCE, sandbox=runner, seed=1)
    assert len(_reference_runs(runner)) == 1
    grade(q, SOURCE, sandbox=runner, seed=2)
    assert len(_reference_runs(runner)) == 2


def test_it_never_puts_the_reference_into_the_submissions_run(fake_run):
    runner = Recorder(fake_run)
    grade(fixture_question("arith/add"), SOURCE, sandbox=runner)
    reference = fixture_question("arith/add").code.reference_source
    for p in runner.payloads:
        if p["filename"] == "submission.py":
            assert reference not in str(p)


def test_it_gives_both_sides_the_same_driver_seeds(fake_run):
    runner = Recorder(fake_run)
    grade(fixture_question("arith/add"), SOURCE, sandbox=runner, seed=9)
    sub, ref = runner.payloads[0], runner.payloads[1]
    assert [t["seed"] for t in sub["tests"]] == [t["seed"] for t in ref["tests"]]
    assert len({t["seed"] for t in sub["tests"]}) == 3
