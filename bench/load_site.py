"""Setting up what ``bench/quiz_load.py`` measures: a fresh PostgreSQL database with a
course, its students (sessions written directly, no password hashing in the way) and a
quiz; gunicorn with production's settings (``deploy/gunicorn.conf.py``, ``DEBUG=0``);
Celery workers grading in the real sandbox; and the CPU counters the report prints.
Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
COURSE = "bench101"
# The code question every student of a synchronized start answers, and a right answer.
CODE_QUESTION = "generators/countdown"
CODE_ANSWER = "def countdown(n):\n    while n > 0:\n        yield n\n        n -= 1\n"


def server_env(database_url: str, secret: str, redis_url: str = "") -> dict[str, str]:
    """Production's settings for gunicorn, the workers and this process. With
    ``redis_url`` the broker and the cache are that Redis (as in production: the
    admission line and the autosave limit counted across web processes)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",  # as in production: no query log kept in memory
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            # Without Redis, code answers graded at expiry are enqueued nowhere lasting.
            "CELERY_BROKER_URL": redis_url or "memory://",
            "CACHE_URL": redis_url,
            # DEBUG off serves hashed static names: collected here, outside the tree.
            "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        }
    )
    return env


# ------------------------------------------------------------------------- set-up


def recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing an odd database name: {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def perf_checked_paths(bank: Path) -> set[str]:
    """Paths of the bank's questions that have a performance check."""
    return {
        str(toml.parent.relative_to(bank))
        for toml in bank.rglob("question.toml")
        if 'kind = "performance"' in toml.read_text()
    }


def seed(
    students: int, limit_minutes: int, opens_in: float = -300, one_code: bool = False
) -> tuple[int, list[tuple[int, str]]]:
    """Migrate, import the sample bank, make a course with ``students`` students and a
    12-question quiz. Returns (quiz id, [(user id, session key)]).

    ``one_code``: each student gets the code question ``CODE_QUESTION`` (tests and a
    check, no performance check) and 11 choice, numeric and text questions (graded at
    once on submit), so that a submit sends one answer to the grader; results are
    released at once. Otherwise 12 of every type but multi (whose answer is a list)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from quizsite.accounts.models import Course, Membership, User
    from quizsite.bank.models import Question
    from quizsite.bank.sync import sync_bank
    from quizsite.quizzes.models import Quiz, QuizPool

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    bank = ROOT / "questions" / "bank"
    sync_bank(bank, check=False)
    course = Course.objects.create(code=COURSE, title="Load test", timezone="UTC")
    now = timezone.now()
    quiz = Quiz.objects.create(
        course=course,
        title="Load test quiz",
        opens_at=now + timedelta(seconds=opens_in),
        closes_at=now + timedelta(hours=6),
        time_limit=timedelta(minutes=limit_minutes),
        shuffle=True,
        feedback_release="immediate" if one_code else "after_close",
    )
    if one_code:
        code = QuizPool.objects.create(quiz=quiz, count=1)
        code.questions.set(Question.objects.filter(bank="sample", path=CODE_QUESTION))
        if CODE_QUESTION in perf_checked_paths(bank):
            raise SystemExit(f"{CODE_QUESTION} has a performance check")
        rest = QuizPool.objects.create(quiz=quiz, count=11)
        rest.questions.set(Question.objects.filter(type__in=["choice", "numeric", "text"]))
    else:
        # Every answer the simulated students send is text; a multi answer would be a list.
        pool = QuizPool.objects.create(quiz=quiz, count=12)
        pool.questions.set(Question.objects.exclude(type="multi"))
    users = User.objects.bulk_create(
        User(username=f"bench{i:05}", password="!unusable") for i in range(students)
    )
    Membership.objects.bulk_create(Membership(user=u, course=course, role="student") for u in users)
    sessions = []
    for u in users:
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.save()
        sessions.append((u.pk, s.session_key))
    return quiz.pk, sessions


def start_gunicorn(port: int, workers: int, threads: int, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with production's configuration file, on 127.0.0.1."""
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "quizsite.wsgi:application",
    ]
    env = {
        **env,
        "WEB_BIND": f"{HOST}:{port}",
        "WEB_WORKERS": str(workers),
        "WEB_THREADS": str(threads),
        "WEB_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def start_workers(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    """A Celery worker grading answers in the real sandbox (as root; ``python -m grader
    doctor`` says what a machine lacks), on the broker in ``env``."""
    cmd = [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "quizsite",
        "worker",
        "--queues",
        # A grading worker's queues, first to last (quizsite.grading.priorities
        # .worker_queues): a live quiz's answers, then the default queue.
        "grading-live,celery",
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"bench-{os.getpid()}@%h",
        "--loglevel",
        "WARNING",
    ]
    worker_env = {**env, "GRADER_SANDBOX": "real"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=worker_env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the Celery worker exited during start-up")
        ping = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "quizsite",
                "inspect",
                "ping",
                "-d",
                f"bench-{os.getpid()}@{os.uname().nodename}",
                "-t",
                "2",
            ],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
        )
        if ping.returncode == 0:
            return proc
        time.sleep(1)
    stop(proc)
    raise SystemExit("the Celery worker did not answer within 60 s")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: gunicorn and its workers
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children so far (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return total


def machine_cpu_seconds() -> float:
    """CPU time used by everything on the machine so far (non-idle jiffies)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU of the PostgreSQL server: every live postgres process, plus the backends
    that have exited (the postmaster's reaped children), for all its databases."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        if name.startswith("postgres"):
            fields = raw.rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    return total
