"""Starting a real Celery worker process for a test: on a queue of the test's own (no
stale message of another test reaches it, and it takes nobody else's), with the fake
sandbox, and stopping it with its whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def new_queue() -> str:
    return f"itest-{uuid.uuid4().hex[:12]}"


def start_worker(
    queue: str,
    *,
    concurrency: int,
    broker_url: str | None = None,
    hostname: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=broker_url or settings.CELERY_BROKER_URL,
        GRADER_SANDBOX="fake",
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        **(extra_env or {}),
    )
    command = [sys.executable, "-m", "celery", "-A", "quizsite", "worker", "--queues", queue]
    command += ["--concurrency", str(concurrency), "--pool", "prefork"]
    command += ["--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    if hostname:
        command += ["--hostname", hostname]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop_worker(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_for(predicate: Callable[[], T], *, timeout: float, what: str, worker: Any = None) -> T:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    log = ""
    if worker is not None and worker.poll() is not None:
        log = worker.stdout.read()[-3000:]
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def pool_children(proc: subprocess.Popen[str]) -> set[int]:
    """The worker's pool processes as the kernel sees them (its direct children)."""
    try:
        text = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
    except FileNotFoundError:
        return set()
    return {int(p) for p in text.split()}
