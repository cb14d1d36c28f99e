"""A worker rides out a short Redis restart while it grades: the same worker process
and the same pool processes reconnect, finish what they were grading and grade what
comes next. Redis here is a server of the test's own, restarted under the worker."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

import quizsite.grading.actions as actions
import quizsite.grading.queues as queues
from quizsite.grading.models import Submission
from quizsite.grading.tests.conftest import make_version
from quizsite.worker_health import pool_size
from tests.workers import new_queue, pool_children, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SLOW = "import time\ntime.sleep(4)\n\ndef add(a, b):\n    return a + b\n"
GOOD = "def add(a, b):\n    return a + b\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, with an append-only file like production's."""

    def __init__(self, directory) -> None:
        self.port = _free_port()
        self.directory = directory
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "yes", "--dir", str(self.directory)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self._answers, timeout=10, what="redis-server to answer")

    def _answers(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            try:
                s.connect(("127.0.0.1", self.port))
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
            self.proc = None

    def restart(self, down_seconds: float) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """A Celery app on this test's own Redis: it enqueues grades and asks the worker."""
    from quizsite.celery import app as project

    app = Celery("itest", set_as_current=False)
    # The read and write URLs, since CELERY_BROKER_URL in the environment (the shared
    # broker) would take precedence over a broker_url.
    app.conf.update(
        broker_read_url=redis_server.url,
        broker_write_url=redis_server.url,
        broker_transport=project.conf.broker_transport,
    )
    yield app
    app.close()


@pytest.fixture
def worker(redis_server, broker, monkeypatch):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs PostgreSQL and Redis at 127.0.0.1")
    queue = new_queue()
    node = f"{queue}@localhost"

    def enqueue(submission_id: int, purpose: str = "answer", priority: int = 1) -> None:
        broker.send_task("grading.grade_submission", args=(submission_id,), queue=queue)

    monkeypatch.setattr(queues, "enqueue", enqueue)
    proc = start_worker(queue, concurrency=2, broker_url=redis_server.url, hostname=node)
    yield proc, node
    stop_worker(proc)


def _graded(pk):
    return Submission.objects.filter(pk=pk, status="graded").first()


def _answering_pool(broker, node, proc, what="the worker to answer"):
    return wait_for(
        lambda: pool_size(node, timeout=2, app=broker), timeout=60, what=what, worker=proc
    )


def _restart_redis_while_grading(redis_server, proc, version):
    """One pool process grades, the other waits: the worker holds an unacknowledged
    message and is waiting on Redis for the next one when Redis goes away."""
    slow = actions.submit_code(version, SLOW, seed=1)
    wait_for(
        lambda: Submission.objects.filter(pk=slow.pk, status="running").exists(),
        timeout=60,
        what="the worker to start grading",
        worker=proc,
    )
    time.sleep(0.5)
    redis_server.restart(down_seconds=0.04)
    return slow


def test_it_keeps_grading_with_the_same_processes_after_a_redis_restart(
    redis_server, broker, worker
):
    proc, node = worker
    before = _answering_pool(broker, node, proc)
    assert before.full
    version = make_version("arith/add")
    slow = _restart_redis_while_grading(redis_server, proc, version)

    done = wait_for(lambda: _graded(slow.pk), timeout=90, what="the slow grade", worker=proc)
    assert done.score == 4.0
    after = _answering_pool(broker, node, proc, "the worker to answer after the restart")
    assert proc.poll() is None, "the worker process stopped"
    assert set(after.processes) == set(before.processes) == pool_children(proc)
    fresh = actions.submit_code(version, GOOD, seed=2)
    graded = wait_for(lambda: _graded(fresh.pk), timeout=60, what="a new grade", worker=proc)
    assert int(graded.claimed_by.rsplit(":", 1)[1]) in before.processes


def test_it_refills_its_pool_when_processes_die_after_a_redis_restart(redis_server, broker, worker):
    proc, node = worker
    before = _answering_pool(broker, node, proc)
    slow = _restart_redis_while_grading(redis_server, proc, make_version("arith/add"))
    _answering_pool(broker, node, proc, "the worker to answer after the restart")
    # Both pool processes die mid-grade, on a message delivered before the restart.
    for pid in before.processes:
        os.kill(pid, signal.SIGKILL)
    after = wait_for(
        lambda: (
            (s := pool_size(node, timeout=2, app=broker))
            and s.full
            and not set(s.processes) & set(before.processes)
            and s
        ),
        timeout=60,
        what="a full pool again",
        worker=proc,
    )
    assert proc.poll() is None, "the worker process stopped"
    assert set(after.processes) == pool_children(proc)
    done = wait_for(lambda: _graded(slow.pk), timeout=120, what="the lost grade", worker=proc)
    assert int(done.claimed_by.rsplit(":", 1)[1]) in after.processes
