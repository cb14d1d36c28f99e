import pytest

from grader import pipeline
from quizsite.grading import service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


@pytest.mark.django_db
def test_it_gives_the_row_back_and_then_records_an_error_not_a_zero(
    add_version, fake_sandbox, settings, monkeypatch
):
    settings.GRADER_MAX_TRIES = 2

    def broken(*args, **kwargs):
        raise RuntimeError("sandbox could not start")

    monkeypatch.setattr(pipeline, "grade", broken)
    sub = submit_code(add_version, "def add(a, b):\n    return a + b\n")
    assert service.grade_submission(sub.pk, me="t:1") is service.Outcome.RETRY
    sub.refresh_from_db()
    assert sub.status == Submission.Status.QUEUED and sub.tries == 1
    assert "sandbox could not start" in sub.error_detail

    assert service.grade_submission(sub.pk, me="t:1") is service.Outcome.DONE
    sub.refresh_from_db()
    assert sub.status == Submission.Status.ERROR and sub.tries == 2
    assert sub.score is None  # an error is never a student's zero


@pytest.mark.django_db
def test_it_retries_a_grader_status_error(add_version, fake_sandbox, monkeypatch):
    class ErrorResult:
        errors = ["reference failed its own test"]

        def as_dict(self):
            return {"status": "error", "score": 0.0, "max_score": 4.0, "checks": []}

    monkeypatch.setattr(pipeline, "grade", lambda *a, **k: ErrorResult())
    sub = submit_code(add_version, "x = 1\n")
    assert service.grade_submission(sub.pk, me="t:1") is service.Outcome.RETRY
    sub.refresh_from_db()
    assert sub.status == Submission.Status.QUEUED and sub.score is None
    assert sub.error_detail == "reference failed its own test"
