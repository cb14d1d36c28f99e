"""Every place that starts grading workers (docker-compose.yml, make run, the
separate-hosts script) gives them the grading queues in priority order (the worker
asks Redis for them in the order given), and keeps regrades to workers of their own,
so a regrade never holds every grading process."""

import re
from pathlib import Path

import pytest

from quizsite.grading.priorities import regrade_worker_queues, worker_queues

ROOT = Path(__file__).resolve().parents[3]


def _given(text: str) -> set[str]:
    given = re.findall(r"--queues\s+(\S+)", text) + re.findall(r"queues=(\S+)", text)
    names = {q.strip('";') for q in given}
    return names - {"trials", "$queues"}


@pytest.mark.parametrize("path", ["docker-compose.yml", "scripts/run.sh", "scripts/hosts.sh"])
def test_it_starts_answer_and_regrade_workers_on_queues_in_priority_order(path):
    given = _given((ROOT / path).read_text())
    assert given == {",".join(worker_queues()), ",".join(regrade_worker_queues())}


def test_it_lists_live_first_and_keeps_regrades_to_their_workers():
    assert worker_queues() == ["grading-live", "celery"]
    assert regrade_worker_queues() == ["grading-live", "celery", "grading-regrade"]
