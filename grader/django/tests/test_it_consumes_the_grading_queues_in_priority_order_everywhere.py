"""Every place that starts a grading worker (docker-compose.yml, make run, the
separate-hosts script) gives it the grading queues in priority order: the worker asks
Redis for them in the order given."""

import re
from pathlib import Path

import pytest

from grader.django.priorities import worker_queues

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("path", ["docker-compose.yml", "scripts/run.sh", "scripts/hosts.sh"])
def test_it_starts_grading_workers_on_the_queues_in_priority_order(path):
    text = (ROOT / path).read_text()
    given = [q for q in re.findall(r"--queues\s+(\S+)", text) if q != "trials"]
    assert given == [",".join(worker_queues())]


def test_it_lists_live_first_and_regrades_last():
    assert worker_queues() == ["grading-live", "celery", "grading-regrade"]
