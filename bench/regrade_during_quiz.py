"""A live quiz's grading latency with and without a regrade of 5,000 answers running.

Real services: PostgreSQL, Redis, and the production worker topology started here, as
docker-compose.yml runs it: a grading worker on ``grading-live,celery``, a regrade
worker on ``grading-live,celery,grading-regrade`` (each in that order), and the beat
with its sweeper. The students' side runs in this process through the site's own
write-side functions: each student's attempt of a timed quiz is started and its code
answer saved beforehand; then the students submit at a steady pace, which sends the
answer to the grader with the live priority (``quizsite.grading.priorities``).

1. Without a regrade: ``--live`` students submit; latency of each is from the submit
   (the submission's ``created_at``) to the result stored on the answer (``stored_at``,
   what the results page shows).
2. With a regrade: ``--regrade`` answers are sent as a regrade (the regrade priority),
   the workers start on them, and another ``--live`` students submit at the same pace.
   The regrade backlog still queued when the live phase ends is printed: it was there
   the whole time. Then, unless ``--no-drain``, the regrade is waited for to the end.

Prints p50/p95 of both phases and the ratio (goal: p95 with the regrade within 1.5x).

    .venv/bin/python bench/regrade_during_quiz.py [--live 60] [--rate 2] [--regrade 5000]
        [--concurrency 1] [--regrade-concurrency 1] [--sandbox real|fake] [--no-drain]

Needs root for the real sandbox (``--sandbox fake``: no isolation, only where real
sandboxes make the regrade too long; the output says which ran). The database named by
``--database-url`` is dropped and created again; the Redis DB of ``--broker-url`` is
flushed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BANK = ROOT / "questions" / "bank"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _recreate_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    base = ["psql", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    base += ["-U", parsed.username or "postgres", "-d", "postgres", "-qc"]
    subprocess.run([*base, f'DROP DATABASE IF EXISTS "{name}"'], check=True, capture_output=True)
    subprocess.run([*base, f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()


def _questions():
    """(QuestionVersion, reference code) of the sample bank's code questions without
    performance checks, stored as the bank's questions."""
    from questions.format import load_bank
    from quizsite.bank.models import Question, QuestionVersion
    from quizsite.bank.versions import read_package_files

    stored = []
    for q in load_bank(BANK):
        if q.type != "code" or any(c.kind == "performance" for c in q.code.checks):
            continue
        row = Question.objects.create(
            bank="bench", path=q.id, title=q.title, type="code", topics=list(q.topics)
        )
        version = QuestionVersion.objects.create(
            question=row,
            number=1,
            content_hash=q.content_hash,
            files=read_package_files(BANK / q.id),
        )
        row.current = version
        row.save(update_fields=["current"])
        stored.append((version, q.code.reference_source))
    return stored


def _class(questions, students: int):
    """A course, a running timed quiz drawing one of the code questions, and
    ``students`` students with their attempt started and code answer saved."""
    from django.utils import timezone

    from quizsite.accounts.models import Course, Membership, User
    from quizsite.quizzes.actions.answers import save_answer
    from quizsite.quizzes.actions.attempts import start_attempt
    from quizsite.quizzes.models import Quiz, QuizPool

    now = timezone.now()
    course = Course.objects.create(code="bench", title="Bench", timezone="UTC")
    quiz = Quiz.objects.create(
        course=course,
        title="Live quiz",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=3),
        time_limit=timedelta(hours=2),
        feedback_release="immediate",
    )
    pool = QuizPool.objects.create(quiz=quiz, count=1)
    pool.questions.set([v.question for v, _ in questions])
    reference = {v.pk: code for v, code in questions}
    users = User.objects.bulk_create(User(username=f"s{i:05d}") for i in range(students))
    Membership.objects.bulk_create(Membership(user=u, course=course, role="student") for u in users)
    attempts = []
    for user in users:
        attempt = start_attempt(quiz, user, now=now)
        aq = attempt.questions.get()
        save_answer(attempt, aq.position, reference[aq.question_version_id], now=now)
        attempts.append(attempt)
    return attempts


def _start(
    env: dict[str, str], state: Path, concurrency: int, regrade_concurrency: int
) -> list[subprocess.Popen]:
    """The production topology, as docker-compose.yml starts it: the grading worker,
    the regrade worker, each on its queues in priority order, and the beat."""
    from quizsite.grading.priorities import regrade_worker_queues, worker_queues

    commands = []
    for name, queues, processes in (
        ("bench-worker", worker_queues(), concurrency),
        ("bench-regrade", regrade_worker_queues(), regrade_concurrency),
    ):
        worker = [sys.executable, "-m", "celery", "-A", "quizsite", "worker"]
        worker += ["--queues", ",".join(queues), "--concurrency", str(processes)]
        worker += ["--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"]
        commands.append([*worker, "--loglevel", "WARNING"])
    beat = [sys.executable, "-m", "celery", "-A", "quizsite", "beat", "--loglevel", "WARNING"]
    commands.append([*beat, "--schedule", str(state / "beat-schedule")])
    return [
        subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) for command in commands
    ]


def _stop(procs: list[subprocess.Popen]) -> None:
    # The main processes only: a worker's warm shutdown stops its own pool processes
    # after their tasks (SIGTERM to the whole group would kill them mid-task).
    for proc in procs:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything of its group left behind
        except ProcessLookupError:
            pass


def _wait_done(pks: list[int], timeout: float) -> bool:
    from quizsite.grading.models import Submission

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        left = Submission.objects.filter(pk__in=pks, stored_at__isnull=True)
        if not left.exclude(status="error").exists():
            return True
        time.sleep(0.2)
    return False


def _live_phase(attempts, rate: float) -> list[int]:
    """The students submit one after another at ``rate`` per second; returns their
    code answers' submission ids."""
    from django.utils import timezone

    from quizsite.quizzes.actions.attempts import submit_attempt
    from quizsite.quizzes.models import Answer

    start = time.monotonic()
    for i, attempt in enumerate(attempts):
        pause = start + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        submit_attempt(attempt, now=timezone.now())
    return list(
        Answer.objects.filter(attempt_question__attempt__in=attempts).values_list(
            "submission_id", flat=True
        )
    )


def _latencies(pks: list[int]) -> tuple[list[float], dict[str, int], set[int]]:
    from quizsite.grading.models import Submission

    rows = list(
        Submission.objects.filter(pk__in=pks).values_list(
            "status", "priority", "created_at", "stored_at"
        )
    )
    statuses: dict[str, int] = {}
    for status, *_ in rows:
        statuses[status] = statuses.get(status, 0) + 1
    lat = [(stored - created).total_seconds() for _, _, created, stored in rows if stored]
    return lat, statuses, {priority for _, priority, _, _ in rows}


def _send_regrade(questions, count: int) -> list[int]:
    """``count`` answers sent to the grader again with the regrade priority, in one
    transaction as a regrade of a question does."""
    from django.db import transaction
    from django.utils import timezone

    from quizsite.grading.actions import submit_code
    from quizsite.grading.priorities import priority_for

    priority = priority_for(timed=True, cutoff=None, regrade=True, now=timezone.now())
    with transaction.atomic():
        return [
            submit_code(*questions[i % len(questions)], seed=i, priority=priority).pk
            for i in range(count)
        ]


def _regrade_progress(pks: list[int]) -> tuple[int, int]:
    """(finished, still queued) of the regrade."""
    from quizsite.grading.models import Submission

    rows = Submission.objects.filter(pk__in=pks)
    return rows.filter(status__in=("graded", "error")).count(), rows.filter(status="queued").count()


def _line(label: str, lat: list[float], statuses: dict[str, int]) -> str:
    return (
        f"{label:28s} p50 {pct(lat, 50):6.2f} s   p95 {pct(lat, 95):6.2f} s   "
        f"max {max(lat):6.2f} s   ({len(lat)} answers; statuses {statuses})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", type=int, default=60, help="students submitting per phase")
    parser.add_argument("--rate", type=float, default=2.0, help="submits per second")
    parser.add_argument("--regrade", type=int, default=5000)
    parser.add_argument(
        "--concurrency", type=int, default=1, help="processes of the grading worker"
    )
    parser.add_argument(
        "--regrade-concurrency", type=int, default=1, help="processes of the regrade worker"
    )
    parser.add_argument("--sandbox", choices=("real", "fake"), default="real")
    parser.add_argument("--no-drain", action="store_true", help="stop after the live phase")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qz_bench"),
    )
    parser.add_argument(
        "--broker-url", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args()

    _recreate_database(args.database_url)
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url,
        CELERY_BROKER_URL=args.broker_url,
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        GRADER_SANDBOX=args.sandbox,
        DEBUG="1",
        LOG_LEVEL="WARNING",
    )
    _setup(env)
    questions = _questions()
    print(
        f"sandbox: {args.sandbox}"
        + ("" if args.sandbox == "real" else " (no isolation: the regrade on real sandboxes")
        + ("" if args.sandbox == "real" else " would take too long)")
    )
    print(
        f"{len(questions)} code questions (no performance checks); grading worker "
        f"{args.concurrency} processes (grading-live,celery), regrade worker "
        f"{args.regrade_concurrency} (grading-live,celery,grading-regrade); "
        f"{os.cpu_count()} cores; {args.live} live submits per phase "
        f"at {args.rate:g}/s; regrade of {args.regrade} answers"
    )
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    attempts = _class(questions, 2 * args.live)
    with tempfile.TemporaryDirectory() as state:
        procs = _start(env, Path(state), args.concurrency, args.regrade_concurrency)
        try:
            # Warm the pool processes (sandbox zygotes, question caches) before measuring.
            from quizsite.grading.actions import submit_code

            warm = [submit_code(v, code, seed=0).pk for v, code in questions]
            if not _wait_done(warm, 300):
                raise SystemExit("the worker did not grade the warm-up answers")

            alone = _live_phase(attempts[: args.live], args.rate)
            _wait_done(alone, 600)
            lat_alone, st_alone, pri_alone = _latencies(alone)

            t0 = time.monotonic()
            regrade = _send_regrade(questions, args.regrade)
            sent = time.monotonic() - t0
            while _regrade_progress(regrade)[0] < 2 * args.regrade_concurrency:
                time.sleep(0.2)
            finished_before, _ = _regrade_progress(regrade)
            during = _live_phase(attempts[args.live :], args.rate)
            _wait_done(during, 600)
            finished_after, queued_after = _regrade_progress(regrade)
            lat_during, st_during, pri_during = _latencies(during)

            print(f"regrade sent in {sent:.1f} s; workers started on it before the live phase")
            print(_line("live quiz, no regrade:", lat_alone, st_alone))
            print(_line("live quiz, during regrade:", lat_during, st_during))
            print(
                f"regrade while the live answers were graded: {finished_after - finished_before}"
                f" graded, {queued_after} still queued at the end (priorities of the live "
                f"answers: {sorted(pri_alone | pri_during)})"
            )
            print(f"load average after the live phases: {os.getloadavg()[0]:.1f}")
            ratio95 = pct(lat_during, 95) / pct(lat_alone, 95)
            ratio50 = pct(lat_during, 50) / pct(lat_alone, 50)
            verdict = "within" if ratio95 <= 1.5 else "NOT within"
            print(
                f"ratio during/without: p50 {ratio50:.2f}x, p95 {ratio95:.2f}x "
                f"({verdict} the 1.5x goal)"
            )
            if not args.no_drain:
                end = time.monotonic() + 3 * 3600
                done = 0
                while time.monotonic() < end:
                    done, _ = _regrade_progress(regrade)
                    if done >= len(regrade):
                        break
                    time.sleep(1)
                took = time.monotonic() - t0
                print(
                    f"regrade: {done} of {len(regrade)} answers finished in {took:.0f} s "
                    f"({done / took:.1f} answers/s)"
                )
        finally:
            _stop(procs)
    import redis

    redis.Redis.from_url(args.broker_url).flushdb()


if __name__ == "__main__":
    main()
