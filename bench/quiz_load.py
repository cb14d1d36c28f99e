"""A class taking a timed quiz at once: N simulated students start within the ramp
(default one minute) and autosave an answer every 15 s, against gunicorn and
PostgreSQL started here. Prints p50/p99 latency, errors, and lost answers: every save
the server acknowledged is compared with the database afterwards.

    .venv/bin/python bench/quiz_load.py [--students 500] [--duration 120] [--interval 15]
                                        [--ramp 60] [--workers 3] [--threads 4]
                                        [--sync] [--no-prepare]

``--sync``: a synchronized start. The quiz opens a few seconds after the server is up
and every student presses Start within ``--ramp`` seconds of the opening (use
``--ramp 10``). Before it opens, the scheduled preparation draws every student's
questions (``quizzes.prepare_upcoming_quizzes``, run here directly as the scheduler
would) unless ``--no-prepare``. A start the site cannot admit yet is answered 503
with Retry-After: the student waits that long and presses Start again, as the page
does; those waits are counted, not errors, and the start's latency is the whole time
from the first press to the attempt.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). The database named in
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/quizsite_bench) is
dropped and created afresh. Only 127.0.0.1 is ever contacted.

What a student does, over plain HTTP like a browser: POST the quiz's start page (a
302 to the attempt), GET the attempt page, then every ``--interval`` seconds POST
JSON to the autosave endpoint ({"position", "value", "revision", "client"}) with a new value
for a random question. Sessions are created directly in the database (no password
hashing in the way); the CSRF cookie and header carry a token the client made.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/quizsite_bench"
HOST = "127.0.0.1"
# --sync: the quiz is made to open this far ahead (within the preparation's reach);
# once prepared and the server is up, its opening is moved to SYNC_OPEN seconds on.
SYNC_LEAD = 300
SYNC_OPEN = 3
COURSE = "bench101"


def server_env(database_url: str, secret: str) -> dict[str, str]:
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
            # Code answers graded at expiry are enqueued nowhere lasting.
            "CELERY_BROKER_URL": "memory://",
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


def seed(
    students: int, limit_minutes: int, opens_in: float = -300
) -> tuple[int, list[tuple[int, str]]]:
    """Migrate, import the sample bank, make a course with ``students`` students and an
    open quiz. Returns (quiz id, [(user id, session key)])."""
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
    sync_bank(ROOT / "questions" / "bank", check=False)
    course = Course.objects.create(code=COURSE, title="Load test", timezone="UTC")
    now = timezone.now()
    quiz = Quiz.objects.create(
        course=course,
        title="Load test quiz",
        opens_at=now + timedelta(seconds=opens_in),
        closes_at=now + timedelta(hours=6),
        time_limit=timedelta(minutes=limit_minutes),
        shuffle=True,
        feedback_release="after_close",
    )
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
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "quizsite.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
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


# ------------------------------------------------------------------------ students


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    # (attempt id, position) -> {revision: value} for every acknowledged save
    acked: dict[tuple[int, int], dict[int, str]] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)  # user id -> attempt id
    in_line: int = 0  # starts answered "you are in line" (503, Retry-After)

    def took(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


class Student:
    def __init__(self, port: int, user_id: int, session_key: str, quiz_id: int, stats: Stats):
        self.port = port
        self.user_id = user_id
        self.stats = stats
        self.quiz_id = quiz_id
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.revisions: dict[int, int] = {}
        self.page = secrets.token_hex(16)  # one page load, as the attempt page sends
        self.rng = random.Random(user_id)
        self.attempt_id: int | None = None

    def request(
        self, kind: str, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf, "Host": HOST}
        if content_type:
            headers["Content-Type"] = content_type
        began = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            result = (resp.status, dict(resp.getheaders()), data)
        finally:
            conn.close()
        self.stats.took(kind, time.perf_counter() - began)
        return result

    def start(self) -> bool:
        path = f"/courses/{COURSE}/quizzes/{self.quiz_id}/"
        began = time.perf_counter()
        while True:
            status, headers, _ = self.request(
                "start try", "POST", path, b"", "application/x-www-form-urlencoded"
            )
            if status != 503 or "Retry-After" not in headers:
                break
            # In line: the page waits as told and presses Start again.
            with self.stats.lock:
                self.stats.in_line += 1
            time.sleep(int(headers["Retry-After"]))
        self.stats.took("start", time.perf_counter() - began)
        location = headers.get("Location", "")
        if status != 302 or "/quiz-attempts/" not in location:
            self.stats.error(f"start: HTTP {status}")
            return False
        self.attempt_id = int(location.rstrip("/").rsplit("/", 1)[1])
        with self.stats.lock:
            self.stats.attempts[self.user_id] = self.attempt_id
        status, _, _ = self.request("page", "GET", f"/quiz-attempts/{self.attempt_id}/")
        if status != 200:
            self.stats.error(f"page: HTTP {status}")
        return True

    def value(self, n: int) -> str:
        # A code-sized answer: a few hundred to a couple of thousand characters.
        line = f"# student {self.user_id} save {n}\n"
        return line + "x = 1\n" * self.rng.randint(40, 300)

    def save(self, n: int) -> None:
        position = self.rng.randint(1, 12)
        value = self.value(n)
        body = json.dumps(
            {
                "position": position,
                "value": value,
                "revision": self.revisions.get(position, 0),
                "client": self.page,
            }
        ).encode()
        try:
            status, _, data = self.request(
                "autosave",
                "POST",
                f"/quiz-attempts/{self.attempt_id}/autosave/",
                body,
                "application/json",
            )
        except OSError as e:
            self.stats.error(f"autosave: {type(e).__name__}")
            return
        if status != 200:
            self.stats.error(f"autosave: HTTP {status}")
            return
        reply = json.loads(data)
        if not reply.get("accepted"):
            with self.stats.lock:
                self.stats.refused += 1
            return
        self.revisions[position] = reply["revision"]
        with self.stats.lock:
            self.stats.acked.setdefault((self.attempt_id, position), {})[reply["revision"]] = value

    def late_save(self) -> tuple[int, dict, str]:
        """One save after this student's time is up: (HTTP status, reply, value sent)."""
        value = f"# too late for student {self.user_id}\n"
        body = json.dumps({"position": 1, "value": value, "revision": 0}).encode()
        status, _, data = self.request(
            "late save",
            "POST",
            f"/quiz-attempts/{self.attempt_id}/autosave/",
            body,
            "application/json",
        )
        return status, json.loads(data), value

    def run(self, start_at: float, stop_at: float, interval: float) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        try:
            if not self.start():
                return
        except OSError as e:
            self.stats.error(f"start: {type(e).__name__}")
            return
        next_save = time.monotonic() + self.rng.uniform(0, interval)
        n = 0
        while next_save < stop_at:
            time.sleep(max(0.0, next_save - time.monotonic()))
            n += 1
            self.save(n)
            next_save += interval


# -------------------------------------------------------------------------- checks


def lost_answers(stats: Stats) -> tuple[int, int]:
    """(acknowledged saves missing or different in the database, saves checked)."""
    from quizsite.quizzes.models import Answer, AnswerRevision

    stored: dict[tuple[int, int], dict[int, str]] = {}
    for aid, pos, rev, value in (
        AnswerRevision.objects.filter(
            answer__attempt_question__attempt_id__in=list(stats.attempts.values())
        )
        .values_list(
            "answer__attempt_question__attempt_id",
            "answer__attempt_question__position",
            "revision",
            "value",
        )
        .iterator()
    ):
        stored.setdefault((aid, pos), {})[rev] = value
    current = {
        (aid, pos): (rev, value)
        for aid, pos, rev, value in Answer.objects.filter(
            attempt_question__attempt_id__in=list(stats.attempts.values())
        ).values_list(
            "attempt_question__attempt_id", "attempt_question__position", "revision", "value"
        )
    }
    lost = checked = 0
    for key, revisions in stats.acked.items():
        for rev, value in revisions.items():
            checked += 1
            if stored.get(key, {}).get(rev) != value:
                lost += 1
        last = max(revisions)
        if current.get(key) != (last, revisions[last]):
            lost += 1  # the current value is not the last acknowledged one
    return lost, checked


def expire_everyone() -> tuple[int, float]:
    """Run the expiry sweep as if every attempt's time were up: how long the periodic
    task takes to submit and grade a whole class at once."""
    from django.utils import timezone

    from quizsite.quizzes.actions.attempts import expire_due

    began = time.perf_counter()
    count = expire_due(now=timezone.now() + timedelta(days=1))
    return count, time.perf_counter() - began


def probe_late_saves(students: list[Student], count: int) -> tuple[int, int]:
    """Put ``count`` students' deadlines a minute and a grace period in the past (as if
    their time had run out), send one save each, and check each was refused, logged in
    LateSave and stored nowhere as an answer. Returns (refused correctly, probed)."""
    from django.utils import timezone

    from quizsite.quizzes.models import Answer, Attempt, LateSave

    chosen = [s for s in students if s.attempt_id][:count]
    ids = [s.attempt_id for s in chosen]
    for attempt in Attempt.objects.filter(pk__in=ids).select_related("quiz"):
        attempt.deadline = timezone.now() - timedelta(minutes=1) - attempt.quiz.grace
        attempt.save(update_fields=["deadline"])
    ok = 0
    for s in chosen:
        status, reply, value = s.late_save()
        logged = LateSave.objects.filter(
            attempt_question__attempt_id=s.attempt_id, value=value, reason="late"
        ).exists()
        stored = Answer.objects.filter(
            attempt_question__attempt_id=s.attempt_id, value=value
        ).exists()
        submitted = Attempt.objects.get(pk=s.attempt_id).status == "submitted"
        if (status, reply.get("accepted"), reply.get("late")) == (410, False, True) and (
            logged and not stored and submitted
        ):
            ok += 1
    return ok, len(chosen)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--duration", type=float, default=120, help="seconds of load in all")
    parser.add_argument("--interval", type=float, default=15, help="seconds between saves")
    parser.add_argument("--ramp", type=float, default=60, help="students start within this")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sync", action="store_true", help="everyone starts as the quiz opens")
    parser.add_argument("--no-prepare", action="store_true", help="--sync without preparation")
    parser.add_argument(
        "--late", type=int, default=20, help="students whose time is then made up, to probe"
    )
    args = parser.parse_args()
    if not 2 <= args.workers <= 8:
        parser.error("--workers: 2 to 8")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = server_env(database_url, secrets.token_urlsafe(50))
    os.environ.update(env)
    print(f"database {database_url}: recreating, migrating, seeding {args.students} students")
    recreate_database(database_url)
    limit_minutes = max(30, int(args.duration // 60) + 30)
    opens_in = SYNC_LEAD if args.sync else -300
    quiz_id, sessions = seed(args.students, limit_minutes, opens_in)
    if args.sync and not args.no_prepare:
        from django.utils import timezone

        from quizsite.quizzes.preparation import prepare_upcoming

        began = time.perf_counter()
        drawn = prepare_upcoming(now=timezone.now())
        print(f"prepared {drawn} draws in {time.perf_counter() - began:.1f} s before opening")
    from django.db import connections

    connections.close_all()

    server = start_gunicorn(args.port, args.workers, args.threads, env)
    cpu_before = cpu_seconds(server.pid)
    machine_before, pg_before = machine_cpu_seconds(), postgres_cpu_seconds()
    client_before = time.process_time()
    stats = Stats()
    if args.sync:
        from django.utils import timezone

        from quizsite.quizzes.models import Quiz

        Quiz.objects.filter(pk=quiz_id).update(
            opens_at=timezone.now() + timedelta(seconds=SYNC_OPEN)
        )
        connections.close_all()
        time.sleep(SYNC_OPEN + 0.5)  # Start works from now on
    t0 = time.monotonic()
    stop_at = t0 + args.duration
    students = [Student(args.port, uid, key, quiz_id, stats) for uid, key in sessions]
    threads = []
    for i, s in enumerate(students):
        start_at = t0 + args.ramp * i / max(1, len(students)) + random.uniform(0, 0.1)
        t = threading.Thread(target=s.run, args=(start_at, stop_at, args.interval), daemon=True)
        t.start()
        threads.append(t)
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads; {args.students} students "
        f"starting within {args.ramp:.0f} s, saving every {args.interval:.0f} s "
        f"for {args.duration:.0f} s"
    )
    for t in threads:
        t.join(timeout=max(1.0, stop_at + 60 - time.monotonic()))
    elapsed = time.monotonic() - t0
    server_cpu = cpu_seconds(server.pid) - cpu_before
    late_ok, late_probed = probe_late_saves(students, args.late)
    machine_cpu = machine_cpu_seconds() - machine_before
    pg_cpu = postgres_cpu_seconds() - pg_before
    client_cpu = time.process_time() - client_before
    load = os.getloadavg()
    stop(server)

    lost, checked = lost_answers(stats)
    expired, expiry_seconds = expire_everyone()
    lost_after, _ = lost_answers(stats)
    saves = stats.latency.get("autosave", [])
    print()
    print(f"students started: {len(stats.attempts)} of {args.students} in {elapsed:.0f} s")
    for kind in ("start", "page", "autosave"):
        values = stats.latency.get(kind, [])
        if values:
            print(
                f"{kind:9} n={len(values):6}  p50={pct(values, 50) * 1000:7.1f} ms  "
                f"p95={pct(values, 95) * 1000:7.1f} ms  p99={pct(values, 99) * 1000:7.1f} ms  "
                f"max={max(values) * 1000:7.1f} ms"
            )
    print(f"autosaves per second (mean): {len(saves) / max(1.0, elapsed):.1f}")
    all_latency = [v for vs in stats.latency.values() for v in vs]
    if all_latency:
        print(
            f"all requests: n={len(all_latency)} p50={statistics.median(all_latency) * 1000:.1f} ms"
            f" p99={pct(all_latency, 99) * 1000:.1f} ms"
        )
    n_errors = sum(stats.errors.values())
    print(f"errors: {n_errors}" + (f" {stats.errors}" if n_errors else ""))
    print(f"starts told to wait in line (503 with Retry-After, retried): {stats.in_line}")
    print(f"refused saves during the run (late/submitted): {stats.refused}")
    print(
        f"late saves probed after the run: {late_ok} of {late_probed} refused with 410, "
        "logged and stored nowhere as an answer"
    )
    print(f"lost answers: {lost} (of {checked} acknowledged saves checked against the database)")
    print(
        f"expiry sweep: {expired} attempts submitted and graded in {expiry_seconds:.1f} s "
        f"({expiry_seconds / max(1, expired) * 1000:.0f} ms each); lost after: {lost_after}"
    )
    others = max(0.0, machine_cpu - server_cpu - pg_cpu - client_cpu)
    print(
        f"CPU over {elapsed:.0f} s on {os.cpu_count()} cores: gunicorn {server_cpu:.1f} s, "
        f"postgres (all databases) {pg_cpu:.1f} s, this client {client_cpu:.1f} s, "
        f"other processes {others:.1f} s; load average {load[0]:.1f}"
    )
    clean = n_errors == 0 and lost == 0 and lost_after == 0 and late_ok == late_probed
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
