import socket
import subprocess

import pytest

from grader import pipeline
from quizsite.grading import service
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs in the grading process, not even
    an ``except Exception``."""


def _dead_worker() -> str:
    # The host:pid of a pool process that has died (a pid just reaped).
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


@pytest.mark.django_db
def test_it_stores_an_error_after_max_tries_however_the_worker_died(
    add_version, fake_sandbox, settings, monkeypatch
):
    settings.GRADER_MAX_TRIES = 3
    gradings = []

    def kills_its_worker(*args, **kwargs):
        gradings.append(1)
        raise WorkerKilled

    monkeypatch.setattr(pipeline, "grade", kills_its_worker)
    sub = submit_code(add_version, "def add(a, b):\n    return a + b\n")
    outcomes = []
    for _ in range(10):  # the broker redelivers a message whose worker was lost
        try:
            outcomes.append(service.grade_submission(sub.pk, me=_dead_worker()))
        except WorkerKilled:
            continue
        if outcomes[-1] is service.Outcome.DONE:
            break
    sub.refresh_from_db()
    assert len(gradings) == 3
    assert outcomes == [service.Outcome.DONE]
    assert sub.status == Submission.Status.ERROR and sub.score is None
    assert sub.tries == 4
    assert "lost 3 times" in sub.error_detail
