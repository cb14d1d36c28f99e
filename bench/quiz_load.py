"""A class taking a timed quiz at once, against production's stack started here
(gunicorn with ``deploy/gunicorn.conf.py`` and ``DEBUG=0`` on PostgreSQL; with
``--sync``, Redis as broker and cache and a Celery worker grading in the real sandbox).
The students are Locust users (``bench/load_students.py``: gevent, one greenlet each),
run headless from here. Prints p50/p95/p99 per request kind during the spike and after
it, errors, lost answers (every save the server acknowledged is compared with the
database afterwards), and, with code submissions, the time from submit to the graded
result visible on the results page.

    .venv/bin/python bench/quiz_load.py [--students 500] [--duration 120] [--interval 15]
        [--ramp 60] [--workers 3] [--threads 4] [--poll 30]
        [--sync] [--no-prepare] [--no-submit] [--starts-per-second 0] [--grading 2]

``--sync``: the synchronized start. The quiz opens a few seconds after everything is
up, every student presses Start within ``--ramp`` seconds of the opening (use
``--ramp 10``), autosaves every ``--interval`` seconds for ``--duration`` seconds and
asks for the time left once ``--poll`` seconds pass without a save's reply, as the
page does; then saves a code answer (each
student's quiz has one code question, without performance checks), submits, and
waits on the results page for the grade. Before it opens, the scheduled preparation
draws every student's questions (``quizzes.prepare_upcoming_quizzes``, run here
directly as the scheduler would) unless ``--no-prepare``. A start the site cannot
admit yet (``--starts-per-second``, the ``QUIZ_STARTS_PER_SECOND`` setting) is
answered 503 with Retry-After: the student waits that long and presses Start again,
as the page does; those waits are counted, not errors, and the start's latency is the
whole time from the first press to the attempt.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and, for ``--sync``, Redis
(``BENCH_REDIS_URL``, default redis://127.0.0.1:6379/7; its database is emptied) and
root for the sandbox. The database named in BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/quizsite_bench) is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from load_report import (
    expire_everyone,
    grading_times,
    latency_table,
    lost_answers,
    pct,
    probe_late_saves,
    spike_end,
)
from load_site import (
    CODE_ANSWER,
    COURSE,
    HOST,
    ROOT,
    cpu_seconds,
    machine_cpu_seconds,
    postgres_cpu_seconds,
    recreate_database,
    seed,
    server_env,
    start_gunicorn,
    start_workers,
    stop,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/quizsite_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
# --sync: the quiz is made to open this far ahead (within the preparation's reach);
# once prepared and everything is up, its opening is moved to just after the students
# have been spawned.
SYNC_LEAD = 300


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--duration", type=float, default=120, help="seconds each one works")
    parser.add_argument("--interval", type=float, default=15, help="seconds between saves")
    parser.add_argument("--poll", type=float, default=30, help="seconds between time polls")
    parser.add_argument("--ramp", type=float, default=60, help="students start within this")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sync", action="store_true", help="everyone starts as the quiz opens")
    parser.add_argument("--no-prepare", action="store_true", help="--sync without preparation")
    parser.add_argument("--no-submit", action="store_true", help="--sync without submitting")
    parser.add_argument("--starts-per-second", type=int, default=0)
    parser.add_argument("--grading", type=int, default=2, help="grading worker processes")
    parser.add_argument(
        "--late", type=int, default=20, help="students whose time is then made up, to probe"
    )
    args = parser.parse_args()
    if not 1 <= args.workers <= 8:
        parser.error("--workers: 1 to 8")
    return args


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def run_students(plan: dict, students: int, run_time: float) -> dict:
    """Locust, headless, in a process of its own; returns what its students wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = os.path.join(tmp, "plan.json")
        plan["out"] = os.path.join(tmp, "out.json")
        with open(plan_path, "w") as f:
            json.dump(plan, f)
        log_path = ROOT / "var" / "bench-locust.log"  # kept: Locust's own messages
        log_path.parent.mkdir(exist_ok=True)
        log = open(log_path, "w")
        cmd = [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "load_students.py"),
            "--headless",
            "--users",
            str(students),
            "--spawn-rate",
            "1000",
            "--run-time",
            f"{int(run_time)}s",
            "--stop-timeout",
            "10",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        env = {**os.environ, "QUIZ_LOAD_PLAN": plan_path}
        began = cpu_of_children()
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        log.close()
        if not os.path.exists(plan["out"]):
            sys.stdout.write(log_path.read_text()[-4000:])
            raise SystemExit(f"locust wrote nothing (exit {proc.returncode})")
        out = json.load(open(plan["out"]))
        out["client_cpu"] = cpu_of_children() - began
        return out


def cpu_of_children() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def main() -> int:
    args = parse_args()
    submit = args.sync and not args.no_submit
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS) if args.sync else ""
    env = server_env(database_url, secrets.token_urlsafe(50), redis_url)
    env["QUIZ_STARTS_PER_SECOND"] = str(args.starts_per_second)
    env["QUIZ_TIME_POLL_SECONDS"] = str(int(args.poll))
    os.environ.update(env)
    print(f"database {database_url}: recreating, migrating, seeding {args.students} students")
    recreate_database(database_url)
    if redis_url:
        empty_redis(redis_url)
    limit_minutes = max(30, int(args.duration // 60) + 30)
    quiz_id, sessions = seed(
        args.students, limit_minutes, SYNC_LEAD if args.sync else -300, one_code=submit
    )
    from django.db import connections
    from django.utils import timezone

    from quizsite.quizzes.models import Quiz

    if args.sync and not args.no_prepare:
        from quizsite.quizzes.preparation import prepare_upcoming

        began = time.perf_counter()
        drawn = prepare_upcoming(now=timezone.now())
        print(f"prepared {drawn} draws in {time.perf_counter() - began:.1f} s before opening")
    connections.close_all()

    server = start_gunicorn(args.port, args.workers, args.threads, env)
    workers = None
    try:
        workers = start_workers(env, args.grading) if submit else None
        cpu_before = cpu_seconds(server.pid)
        machine_before, pg_before = machine_cpu_seconds(), postgres_cpu_seconds()
        # Students are spawned at 1,000 a second; each waits for its own moment to start.
        opens_at = time.time() + 3 + args.students / 1000
        if args.sync:
            Quiz.objects.filter(pk=quiz_id).update(opens_at=datetime.fromtimestamp(opens_at, UTC))
            connections.close_all()
        load_before = os.getloadavg()
        plan = {
            "base_url": f"http://{HOST}:{args.port}",
            "start_path": f"/courses/{COURSE}/quizzes/{quiz_id}/",
            "students": sessions,
            "opens_at": opens_at,
            "ramp": args.ramp,
            "duration": args.duration,
            "interval": args.interval,
            "poll": args.poll,
            "submit": submit,
            "code_answer": CODE_ANSWER,
            "grading_wait": 900,
        }
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads"
            + (f", {args.grading} grading processes" if workers else "")
            + f"; {args.students} students starting within {args.ramp:.0f} s, saving every "
            f"{args.interval:.0f} s for {args.duration:.0f} s"
            + (", then submitting a code answer" if submit else "")
            + f"; load average before {load_before[0]:.2f}"
        )
        run_time = opens_at - time.time() + args.ramp + args.duration + (960 if submit else 60)
        out = run_students(plan, args.students, run_time)
        server_cpu = cpu_seconds(server.pid) - cpu_before
        machine_cpu = machine_cpu_seconds() - machine_before
        pg_cpu = postgres_cpu_seconds() - pg_before
        load = os.getloadavg()
        elapsed = time.time() - opens_at
        attempts = {int(k): v for k, v in out["attempts"].items()}
        late_ok, late_probed = probe_late_saves(args.port, dict(sessions), attempts, args.late)
    finally:
        if workers:
            stop(workers)
        stop(server)

    attempt_ids = list(attempts.values())
    lost, checked, thinned = lost_answers(out["acked"], attempt_ids, out["unanswered"])
    server_grading, waiting, failed = grading_times(attempt_ids) if submit else ([], 0, 0)
    expired, expiry_seconds = (0, 0.0) if submit else expire_everyone()
    lost_after = (
        lost_answers(out["acked"], attempt_ids, out["unanswered"])[0] if not submit else lost
    )
    records = out["records"]
    end = spike_end(records)
    print()
    print(f"students started: {len(attempts)} of {args.students}")
    print(f"spike: from the opening until the last first page came back, {end - opens_at:.1f} s")
    for line in latency_table(records, end):
        print(line)
    after = [s for kind, began, s, _ in records if began >= end and kind != "start"]
    if after:
        print(f"after the spike, all requests: n={len(after)} p99={pct(after, 99) * 1000:.1f} ms")
    errors = out["errors"]
    n_errors = sum(errors.values())
    print(f"errors: {n_errors}" + (f" {errors}" if n_errors else ""))
    print(
        f"starts told to wait in line (503 with Retry-After, retried): {out['counts']['in_line']}"
    )
    print(f"refused saves during the run (late/submitted/conflict): {out['counts']['refused']}")
    print(
        f"late saves probed after the run: {late_ok} of {late_probed} refused with 410, "
        "logged and stored nowhere as an answer"
    )
    print(
        f"lost answers: {lost} (of {checked} acknowledged saves checked against the database;"
        f" {thinned} older revisions thinned by the history's policy)"
    )
    if submit:
        visible = [s for _, _, s in out["graded"]]
        print(
            f"submit -> graded result visible (results page polled as results.js does): "
            f"n={len(visible)} p50={pct(visible, 50):.1f} s p95={pct(visible, 95):.1f} s "
            f"max={max(visible, default=float('nan')):.1f} s"
        )
        print(
            f"server side, submission created -> result stored: n={len(server_grading)} "
            f"p50={pct(server_grading, 50):.1f} s p95={pct(server_grading, 95):.1f} s; "
            f"not done {waiting}, error {failed}"
        )
        n_errors += waiting + failed
    else:
        print(
            f"expiry sweep: {expired} attempts submitted and graded in {expiry_seconds:.1f} s "
            f"({expiry_seconds / max(1, expired) * 1000:.0f} ms each); lost after: {lost_after}"
        )
    others = max(0.0, machine_cpu - server_cpu - pg_cpu - out["client_cpu"])
    print(
        f"CPU over {elapsed:.0f} s on {os.cpu_count()} cores: gunicorn {server_cpu:.1f} s, "
        f"postgres (all databases) {pg_cpu:.1f} s, Locust {out['client_cpu']:.1f} s, "
        f"other processes (graders, other work) {others:.1f} s; load average "
        f"{load_before[0]:.2f} before, {load[0]:.2f} at the end"
    )
    clean = n_errors == 0 and lost == 0 and lost_after == 0 and late_ok == late_probed
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
