"""How fast code answers are graded.

1. Library throughput: the sample bank's code questions graded with their reference
   solutions (a correct answer runs every test) by N processes through the real
   sandbox, with and without performance checks: gradings per second.
2. End to end: submissions created in PostgreSQL, enqueued through Redis, graded by a
   real Celery worker started here: p50/p95 latency from enqueue to stored result.

    .venv/bin/python bench/grading.py [--seconds 20] [--processes 2] [--submissions 200]

Needs root (the sandbox), and for part 2 PostgreSQL and Redis at 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BANK = ROOT / "questions" / "bank"


def code_questions():
    from questions.format import load_bank

    return [q for q in load_bank(BANK) if q.type == "code"]


def has_perf(q) -> bool:
    return any(c.kind == "performance" for c in q.code.checks)


_QUESTIONS: dict = {}


def _grade_one(args: tuple[str, int]) -> tuple[str, float, str]:
    from grader.pipeline import grade

    qid, seed = args
    if not _QUESTIONS:
        _QUESTIONS.update({q.id: q for q in code_questions()})
    q = _QUESTIONS[qid]
    start = time.perf_counter()
    result = grade(q, q.code.reference_source, seed=seed).as_dict()
    return qid, time.perf_counter() - start, result["status"]


def library_throughput(qids: list[str], seconds: float, processes: int) -> dict:
    done, statuses, latencies = 0, {}, []
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_grade_one, [(q, 0) for q in qids] * 2))  # warm: zygotes, caches
        start = time.perf_counter()
        seed = 1
        while time.perf_counter() - start < seconds:
            batch = [(q, seed + i) for i, q in enumerate(qids * 2)]
            seed += len(batch)
            for _qid, took, status in pool.map(_grade_one, batch):
                done += 1
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - start
    return {
        "gradings": done,
        "per_second": done / elapsed,
        "statuses": statuses,
        "latencies": latencies,
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def end_to_end(count: int, concurrency: int) -> dict | None:
    import socket

    for port in (5432, 6379):
        if socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            print(f"  (skipped: nothing answers on 127.0.0.1:{port})")
            return None
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            "DROP DATABASE IF EXISTS quizsite_bench",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE quizsite_bench"],
        check=True,
        capture_output=True,
    )
    env = dict(
        os.environ,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/quizsite_bench",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/13",
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        DEBUG="1",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()

    from quizsite.bank.models import Question, QuestionVersion
    from quizsite.bank.versions import read_package_files
    from quizsite.grading.actions import submit_code
    from quizsite.grading.models import Submission

    versions = []
    for q in code_questions():
        if has_perf(q):
            continue
        files = read_package_files(BANK / q.id)
        row = Question.objects.create(
            bank="bench", path=q.id, title=q.title, type="code", topics=list(q.topics)
        )
        versions.append(
            (
                QuestionVersion.objects.create(
                    question=row, number=1, content_hash=q.content_hash, files=files
                ),
                q.code.reference_source,
            )
        )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "quizsite",
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        # warm the worker's processes (zygotes, reference caches) before measuring
        warm = [submit_code(v, src, seed=0).pk for v, src in versions]
        while Submission.objects.filter(pk__in=warm, status__in=["queued", "running"]).exists():
            time.sleep(0.2)
        start = time.perf_counter()
        ids = [submit_code(*versions[i % len(versions)], seed=i + 1).pk for i in range(count)]
        deadline = time.monotonic() + 600
        while Submission.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        rows = list(
            Submission.objects.filter(pk__in=ids).values("status", "enqueued_at", "finished_at")
        )
        # One at a time: what a single student waits when nothing is queued ahead.
        single = []
        for i in range(min(40, count)):
            pk = submit_code(*versions[i % len(versions)], seed=10_000 + i).pk
            while Submission.objects.filter(pk=pk, status__in=["queued", "running"]).exists():
                time.sleep(0.005)
            row = Submission.objects.values("enqueued_at", "finished_at").get(pk=pk)
            single.append((row["finished_at"] - row["enqueued_at"]).total_seconds())
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    lat = [(r["finished_at"] - r["enqueued_at"]).total_seconds() for r in rows if r["finished_at"]]
    statuses: dict = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {
        "count": count,
        "elapsed": elapsed,
        "per_second": len(lat) / elapsed,
        "latencies": lat,
        "statuses": statuses,
        "single": single,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()

    questions = code_questions()
    plain = [q.id for q in questions if not has_perf(q)]
    perf = [q.id for q in questions if has_perf(q)]
    print(
        f"{len(plain)} code questions without performance checks, {len(perf)} with; "
        f"{args.processes} processes, {os.cpu_count()} cores"
    )

    for label, qids in (("without performance checks", plain), ("with performance checks", perf)):
        r = library_throughput(
            qids, args.seconds if label.startswith("without") else args.seconds / 2, args.processes
        )
        lat = r["latencies"]
        print(
            f"library, {label:28s}: {r['per_second']:7.1f} gradings/s  "
            f"({r['gradings']} gradings; per grading p50 {pct(lat, 50) * 1000:.0f} ms, "
            f"p95 {pct(lat, 95) * 1000:.0f} ms; statuses {r['statuses']})"
        )

    r = end_to_end(args.submissions, args.processes)
    if r:
        lat = r["latencies"]
        print(
            f"end to end via Redis + worker   : {r['per_second']:7.1f} gradings/s  "
            f"({len(lat)}/{r['count']} stored in {r['elapsed']:.1f} s; enqueue->stored p50 "
            f"{pct(lat, 50) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms; statuses {r['statuses']})"
        )
        one = r["single"]
        print(
            f"end to end, one at a time        : enqueue->stored p50 {pct(one, 50) * 1000:.0f} ms, "
            f"p95 {pct(one, 95) * 1000:.0f} ms ({len(one)} submissions, nothing queued ahead)"
        )


if __name__ == "__main__":
    main()
