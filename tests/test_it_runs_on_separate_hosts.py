"""The production topology on separate hosts (network namespaces on one machine: a data
host with PostgreSQL and Redis, a web host, two worker hosts and a beat host): both
worker hosts grade answers submitted on the web host, and when one worker host is cut
off the network mid-grade, the other grades its answers once its lease runs out and
the sweeper enqueues them again; every answer ends graded once, or `error`, never a
zero."""

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.hosts import Topology, host_of, unavailable

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def topology():
    reason = unavailable()
    if reason:
        pytest.skip(f"separate hosts: {reason}")
    # Not under pytest's own temporary folder: the data host's PostgreSQL runs as
    # postgres, which must reach its data directory.
    state = Path(tempfile.mkdtemp(prefix="quizsite-hosts-"))
    state.chmod(0o755)
    # A short heartbeat bound, so the cut-off worker's answer comes back within seconds
    # (beat's sweeper runs every GRADER_SWEEP_SECONDS, 10 s).
    hosts = Topology(state / "hosts", env={"GRADER_STALE_AFTER_SECONDS": "10"})
    try:
        hosts.up()
        yield hosts
    finally:
        hosts.down()
        shutil.rmtree(state, ignore_errors=True)


def _correct(rows):
    return [r for r in rows if r["status"] == "graded" and r["score"] == r["max_score"]]


def test_it_grades_on_both_worker_hosts_and_survives_one_cut_off(topology):
    first = topology.submit(8, sleep=1)
    rows = topology.wait_finished(first, timeout=90)
    assert len(_correct(rows)) == 8, rows
    assert {host_of(r) for r in rows} == {"worker1", "worker2"}, rows

    second = topology.submit(6, sleep=4)
    held = topology.wait(
        second,
        lambda rows: [r for r in rows if r["status"] == "running" and host_of(r) == "worker1"],
        timeout=60,
        what="worker1 to start grading",
    )
    taken = next(r["pk"] for r in held if r["status"] == "running" and host_of(r) == "worker1")
    topology.run("cut", "worker1")

    rows = topology.wait_finished(second, timeout=150)
    for r in rows:
        assert r["status"] == "error" or r["score"] == r["max_score"], r
        assert r["score"] != 0, r
    taken_row = next(r for r in rows if r["pk"] == taken)
    assert host_of(taken_row) == "worker2", taken_row
    # Every answer stored exactly once: one "done" per submission across both hosts.
    assert sum(topology.done_lines().values()) == len(first) + len(second), topology.logs()
