"""How fast code answers are graded, and what a grading costs in CPU.

1. Library throughput: the sample bank's code questions graded with their reference
   solutions (a correct answer runs every test) by N processes through the real
   sandbox, with and without performance checks: gradings per second, and CPU per
   grading of the pool's whole process tree (``proc_cpu``: the grading processes,
   their analysis children, zygotes and sandbox runs).
2. End to end: students of a timed quiz submit (each answer the question's reference),
   the answers go through Redis to a real Celery worker started here as production
   starts it, which grades each in the real sandbox and stores it on the answer and
   the attempt's score: p50/p95 latency from enqueue to stored (``stored_at``), and
   CPU per grading of the worker's whole process tree (worker main process, pool
   processes, analysis children, zygotes, sandbox runs), plus the idle worker's CPU
   per second.

    .venv/bin/python bench/grading.py [--seconds 20] [--processes 2] [--submissions 200]
        [--part 1|2|both] [--question generators/countdown]
        [--database-url postgres://.../NAME] [--redis-url redis://.../DB]

Needs root (the sandbox), and for part 2 PostgreSQL and Redis at 127.0.0.1. The
database named by --database-url (BENCH_DATABASE_URL) is dropped and created afresh;
the Redis database (BENCH_REDIS_URL) is emptied.
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
DB_URL = "postgres://postgres@127.0.0.1:5432/quizsite_bench"  # dropped and created afresh
REDIS_URL = "redis://127.0.0.1:6379/13"  # emptied


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
    from proc_cpu import minus, tree_cpu

    done, statuses, latencies = 0, {}, []
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_grade_one, [(q, 0) for q in qids] * 2))  # warm: zygotes, caches
        cpu_before, start = tree_cpu(os.getpid()), time.perf_counter()
        seed = 1
        while time.perf_counter() - start < seconds:
            batch = [(q, seed + i) for i, q in enumerate(qids * 2)]
            seed += len(batch)
            for _qid, took, status in pool.map(_grade_one, batch):
                done += 1
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - start
        cpu = minus(tree_cpu(os.getpid()), cpu_before)
    return {
        "cpu": cpu,
        "gradings": done,
        "per_second": done / elapsed,
        "statuses": statuses,
        "latencies": latencies,
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _setup_database(database_url: str, question_ids: list[str], students: int):
    """A fresh database with the questions, a course, a timed quiz drawing one of them
    and ``students`` students, each with a started attempt whose answer is saved (the
    question's reference). Returns the attempts."""
    from datetime import timedelta

    from load_site import recreate_database

    recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from quizsite.accounts.models import Course, Membership, User
    from quizsite.bank.models import Question, QuestionVersion
    from quizsite.bank.versions import read_package_files
    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt
    from quizsite.quizzes.models import Quiz, QuizPool

    call_command("migrate", verbosity=0)
    by_id = {q.id: q for q in code_questions()}
    rows = []
    for qid in question_ids:
        q = by_id[qid]
        row = Question.objects.create(
            bank="bench", path=q.id, title=q.title, type="code", topics=list(q.topics)
        )
        row.current = QuestionVersion.objects.create(
            question=row,
            number=1,
            content_hash=q.content_hash,
            files=read_package_files(BANK / q.id),
        )
        row.save(update_fields=["current"])
        rows.append(row)
    course = Course.objects.create(code="bench-grading", title="Grading bench", timezone="UTC")
    now = timezone.now()
    quiz = Quiz.objects.create(
        course=course,
        title="Grading bench",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=6),
        time_limit=timedelta(hours=5),
        feedback_release="immediate",
    )
    QuizPool.objects.create(quiz=quiz, count=1).questions.set(rows)
    users = User.objects.bulk_create(
        User(username=f"grading{i:05}", password="!unusable") for i in range(students)
    )
    Membership.objects.bulk_create(Membership(user=u, course=course, role="student") for u in users)
    attempts = []
    for u in users:
        attempt = start_attempt(quiz, u, now=now)
        aq = attempt.questions.select_related("question_version__question").get()
        source = by_id[aq.question_version.question.path].code.reference_source
        save_answer(attempt, aq.position, source, now=now)
        attempts.append(attempt)
    return attempts


def _start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    """A grading worker as production starts it (deploy/quizsite-grader.service)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "quizsite",
            "worker",
            "--queues",
            "grading-live,celery",
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"bench-grading-{os.getpid()}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _wait_stored(ids: list[int], limit: float = 600) -> None:
    from quizsite.grading.models import Submission

    deadline = time.monotonic() + limit
    while Submission.objects.filter(pk__in=ids, stored_at__isnull=True).exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)


def end_to_end(count: int, concurrency: int, question_ids: list[str], args) -> dict | None:
    """Students submit their attempts (the reference as their answer); a real worker
    grades each answer and stores it on the answer and the attempt's score. Latency is
    enqueue to stored (``stored_at``: the student's page shows it); CPU is the worker's
    whole process tree (``proc_cpu``) while it works through the batch."""
    import socket

    from load_site import server_env
    from proc_cpu import minus, tree_cpu

    for port in (5432, 6379):
        if socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            print(f"  (skipped: nothing answers on 127.0.0.1:{port})")
            return None
    env = server_env(args.database_url, "bench-grading-" + "x" * 40, args.redis_url)
    env["GRADER_SANDBOX"] = "real"
    os.environ.update(env)
    warm_n, single_n = 2 * concurrency + 4, min(40, count)
    attempts = _setup_database(args.database_url, question_ids, warm_n + count + single_n)
    import redis
    from django.utils import timezone

    from quizsite.quizzes.actions.attempts import submit_attempt
    from quizsite.quizzes.models import Answer

    redis.Redis.from_url(args.redis_url).flushdb()

    def submit(attempt) -> int:
        submit_attempt(attempt, now=timezone.now())
        return Answer.objects.get(attempt_question__attempt=attempt).submission_id

    worker = _start_worker(env, concurrency)
    try:
        # warm the worker's processes (zygotes, parsed packages) before measuring
        _wait_stored([submit(a) for a in attempts[:warm_n]], limit=120)
        time.sleep(2)
        idle_before, idle_start = tree_cpu(worker.pid), time.perf_counter()
        time.sleep(args.idle_seconds)
        idle = sum(minus(tree_cpu(worker.pid), idle_before).values())
        idle_rate = idle / (time.perf_counter() - idle_start)
        batch = attempts[warm_n : warm_n + count]
        cpu_before, start = tree_cpu(worker.pid), time.perf_counter()
        ids = [submit(a) for a in batch]
        _wait_stored(ids)
        elapsed = time.perf_counter() - start
        cpu = minus(tree_cpu(worker.pid), cpu_before)
        from quizsite.grading.models import Submission

        rows = list(
            Submission.objects.filter(pk__in=ids).values("status", "enqueued_at", "stored_at")
        )
        # One at a time: what a single student waits when nothing is queued ahead.
        single = []
        for a in attempts[warm_n + count :]:
            pk = submit(a)
            _wait_stored([pk], limit=60)
            row = Submission.objects.values("enqueued_at", "stored_at").get(pk=pk)
            if row["stored_at"]:
                single.append((row["stored_at"] - row["enqueued_at"]).total_seconds())
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    lat = [(r["stored_at"] - r["enqueued_at"]).total_seconds() for r in rows if r["stored_at"]]
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
        "cpu": cpu,
        "idle_rate": idle_rate,
    }


def _cpu_line(cpu: dict[str, float], n: int) -> str:
    parts = ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in cpu.items())
    return f"CPU per grading {sum(cpu.values()) / n * 1000:.1f} ms ({parts})"


def main() -> None:
    from proc_cpu import machine_load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--part", choices=["1", "2", "both"], default="both")
    parser.add_argument(
        "--question", action="append", help="only this question id (repeatable)", default=[]
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DB_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_URL))
    parser.add_argument(
        "--idle-seconds", type=float, default=5, help="how long the idle worker's CPU is read"
    )
    args = parser.parse_args()

    questions = code_questions()
    if args.question:
        questions = [q for q in questions if q.id in args.question]
    plain = [q.id for q in questions if not has_perf(q)]
    perf = [q.id for q in questions if has_perf(q)]
    print(
        f"{len(plain)} code questions without performance checks, {len(perf)} with; "
        f"{args.processes} processes, {os.cpu_count()} cores; {machine_load()}"
    )

    if args.part in ("1", "both"):
        for label, qids in (
            ("without performance checks", plain),
            ("with performance checks", perf),
        ):
            if not qids:
                continue
            seconds = args.seconds if label.startswith("without") else args.seconds / 2
            r = library_throughput(qids, seconds, args.processes)
            lat = r["latencies"]
            print(
                f"library, {label:28s}: {r['per_second']:7.1f} gradings/s  "
                f"({r['gradings']} gradings; per grading p50 {pct(lat, 50) * 1000:.0f} ms, "
                f"p95 {pct(lat, 95) * 1000:.0f} ms; statuses {r['statuses']})"
            )
            print(f"  {_cpu_line(r['cpu'], r['gradings'])}; {machine_load()}")

    if args.part in ("2", "both") and plain:
        r = end_to_end(args.submissions, args.processes, plain, args)
        if r:
            lat = r["latencies"]
            print(
                f"end to end via Redis + worker   : {r['per_second']:7.1f} gradings/s  "
                f"({len(lat)}/{r['count']} stored in {r['elapsed']:.1f} s; enqueue->stored p50 "
                f"{pct(lat, 50) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms; "
                f"statuses {r['statuses']})"
            )
            print(f"  worker tree {_cpu_line(r['cpu'], r['count'])}; {machine_load()}")
            print(f"  idle worker tree: {r['idle_rate'] * 1000:.1f} ms of CPU per second")
            one = r["single"]
            if one:
                print(
                    f"end to end, one at a time        : enqueue->stored p50 "
                    f"{pct(one, 50) * 1000:.0f} ms, p95 {pct(one, 95) * 1000:.0f} ms "
                    f"({len(one)} submissions, nothing queued ahead)"
                )


if __name__ == "__main__":
    main()
