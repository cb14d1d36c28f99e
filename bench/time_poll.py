"""What it costs to keep every open attempt page's deadline true: N open pages (default
2,000) each ask ``/quiz-attempts/<id>/time-left/`` every ``--interval`` seconds
(default 30, QUIZ_TIME_POLL_SECONDS), at random phases, against gunicorn and
PostgreSQL started here. Prints the polls per second served, p50/p95/p99 latency,
errors, how far polls fell behind their schedule, and the CPU per poll of gunicorn
and of PostgreSQL (with the CPU of everything else on the machine, so figures from a
busy machine can be told apart).

    .venv/bin/python bench/time_poll.py [--pages 2000] [--interval 30] [--duration 120]
                                        [--workers 3] [--threads 4] [--clients 48]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). The database named in
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/quizsite_bench) is
dropped and created afresh. Only 127.0.0.1 is ever contacted. Set-up is shared with
quiz_load.py; the attempts are created directly (the poll reads only the attempt's
row), and every tenth poll names an older deadline, so the reply also carries the
announcement that staff added time.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import os
import random
import secrets
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quiz_load as load


def make_attempts(quiz_id: int, sessions: list[tuple[int, str]]) -> list[tuple[int, str, str, str]]:
    """One running attempt per student, three minutes added to each. Returns
    [(attempt id, session key, deadline before the minutes were added, deadline now)]."""
    from django.utils import timezone

    from quizsite.quizzes.models import Attempt

    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz_id=quiz_id,
            user_id=uid,
            started_at=now,
            deadline=now + timedelta(hours=2, minutes=3),
            added_time=timedelta(minutes=3),
        )
        for uid, _ in sessions
    )
    old = (now + timedelta(hours=2)).isoformat()
    return [
        (a.pk, key, old, a.deadline.isoformat())
        for a, (_, key) in zip(attempts, sessions, strict=True)
    ]


class Polls:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: list[float] = []
        self.lag: list[float] = []  # how late each poll went out against its schedule
        self.errors: dict[str, int] = {}
        self.announced = 0

    def record(self, latency: float, lag: float, error: str, announced: bool) -> None:
        with self.lock:
            self.latency.append(latency)
            self.lag.append(lag)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1
            self.announced += announced


def poll_once(port: int, attempt: tuple[int, str, str, str], stale: bool) -> tuple[str, bool]:
    attempt_id, session_key, old, current = attempt
    # A page that has heard of the added time names the current deadline; a stale one
    # (every tenth poll) names the old one and gets the sentence to announce.
    query = {"seen": old, "added": "0"} if stale else {"seen": current, "added": "180"}
    conn = http.client.HTTPConnection(load.HOST, port, timeout=30)
    try:
        conn.request(
            "GET",
            f"/quiz-attempts/{attempt_id}/time-left/?{urlencode(query)}",
            headers={"Cookie": f"sessionid={session_key}", "Host": load.HOST},
        )
        response = conn.getresponse()
        body = response.read()
    except OSError as exc:
        return exc.__class__.__name__, False
    finally:
        conn.close()
    if response.status != 200:
        return f"HTTP {response.status}", False
    return "", b'"message"' in body


def run(port: int, attempts: list, interval: float, duration: float, clients: int) -> Polls:
    """Each page polls at a random phase within the interval, then every interval; a
    pool of client threads sends the polls as they fall due."""
    polls = Polls()
    t0 = time.monotonic()
    stop_at = t0 + duration
    queue = [(t0 + random.uniform(0, interval), i) for i in range(len(attempts))]
    heapq.heapify(queue)
    lock = threading.Lock()
    rng = random.Random(1)

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                due, i = heapq.heappop(queue)
                if due >= stop_at:
                    return
                heapq.heappush(queue, (due + interval, i))
                stale = rng.random() < 0.1
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            sent = time.monotonic()
            error, announced = poll_once(port, attempts[i], stale)
            polls.record(time.monotonic() - sent, max(0.0, sent - due), error, announced)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    return polls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=30, help="seconds between polls")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=48, help="client threads sending")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", load.DEFAULT_DB)
    env = load.server_env(database_url, secrets.token_urlsafe(50))
    os.environ.update(env)
    print(f"database {database_url}: recreating, migrating, seeding {args.pages} students")
    load.recreate_database(database_url)
    quiz_id, sessions = load.seed(args.pages, limit_minutes=120)
    attempts = make_attempts(quiz_id, sessions)
    from django.db import connections

    connections.close_all()

    server = load.start_gunicorn(args.port, args.workers, args.threads, env)
    try:
        cpu_before = load.cpu_seconds(server.pid)
        machine_before, pg_before = load.machine_cpu_seconds(), load.postgres_cpu_seconds()
        client_before = time.process_time()
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads; {args.pages} open pages "
            f"polling every {args.interval:.0f} s for {args.duration:.0f} s "
            f"(expected {args.pages / args.interval:.1f} polls/s)"
        )
        t0 = time.monotonic()
        polls = run(args.port, attempts, args.interval, args.duration, args.clients)
        elapsed = time.monotonic() - t0
        server_cpu = load.cpu_seconds(server.pid) - cpu_before
        machine_cpu = load.machine_cpu_seconds() - machine_before
        pg_cpu = load.postgres_cpu_seconds() - pg_before
        client_cpu = time.process_time() - client_before
        average = os.getloadavg()[0]
    finally:
        load.stop(server)

    n = len(polls.latency)
    ms = [v * 1000 for v in polls.latency]
    print()
    print(f"polls: {n} in {elapsed:.0f} s = {n / max(1.0, elapsed):.1f} per second")
    if ms:
        print(
            f"latency: p50={statistics.median(ms):.1f} ms  p95={load.pct(ms, 95):.1f} ms  "
            f"p99={load.pct(ms, 99):.1f} ms  max={max(ms):.1f} ms"
        )
        lag = [v * 1000 for v in polls.lag]
        print(f"behind schedule: p99={load.pct(lag, 99):.1f} ms  max={max(lag):.1f} ms")
    n_errors = sum(polls.errors.values())
    print(f"errors: {n_errors}" + (f" {polls.errors}" if n_errors else ""))
    print(f"replies carrying the added-time announcement: {polls.announced}")
    others = max(0.0, machine_cpu - server_cpu - pg_cpu - client_cpu)
    print(
        f"CPU per poll: gunicorn {server_cpu / max(1, n) * 1000:.2f} ms, "
        f"postgres {pg_cpu / max(1, n) * 1000:.2f} ms"
    )
    print(
        f"CPU over {elapsed:.0f} s on {os.cpu_count()} cores: gunicorn {server_cpu:.1f} s "
        f"({server_cpu / max(1.0, elapsed) * 100:.0f}% of one core), postgres {pg_cpu:.1f} s, "
        f"this client {client_cpu:.1f} s, other processes {others:.1f} s; "
        f"load average {average:.1f}"
    )
    return 0 if n_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
