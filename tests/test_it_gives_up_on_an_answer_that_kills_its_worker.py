"""An answer whose grading kills the worker process (here: it SIGKILLs the process
that runs it, as running out of memory would) is redelivered by the broker each time.
After GRADER_MAX_TRIES the next delivery stores it as an error staff can see, instead
of killing yet another process."""

import pytest

from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version
from tests.test_it_grades_through_a_real_worker import running_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# The fake sandbox runs the answer in the worker's own pool process: this is what any
# fatal fault in that process looks like to the broker.
KILLS_ITS_PROCESS = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"


@pytest.fixture
def worker_with_two_tries():
    with running_worker(GRADER_MAX_TRIES="2") as proc:
        yield proc


def test_it_stores_an_error_after_the_answer_killed_its_worker_max_tries_times(
    worker_with_two_tries,
):
    version = make_version("arith/add")
    sub = submit_code(version, KILLS_ITS_PROCESS)
    done = wait_for(
        lambda: Submission.objects.filter(pk=sub.pk, status="error").first(),
        timeout=120,
        what="the answer to be stored as an error",
        worker=worker_with_two_tries,
    )
    assert done.tries == 3  # two gradings that died, then the delivery that gave up
    assert done.score is None
    assert "lost 2 times" in done.error_detail
    assert worker_with_two_tries.poll() is None  # the worker itself carries on

    fine = submit_code(version, "def add(a, b):\n    return a + b\n")
    graded = wait_for(
        lambda: Submission.objects.filter(pk=fine.pk, status="graded").first(),
        timeout=60,
        what="the next answer to be graded",
        worker=worker_with_two_tries,
    )
    assert graded.score == 4.0
