"""What one request of a synchronized start costs: database queries and time per
request for Start (with the questions drawn beforehand), the first attempt page, an
autosave and the time-left poll, through Django's test client on PostgreSQL with
production's settings (``DEBUG=0``, the cache on Redis). With ``--profile KIND``,
pyinstrument's call tree of every request of that kind but the first (which also
pays for loading templates and modules), combined.

    .venv/bin/python bench/hot_paths.py [--repeat 20] [--profile page] [--queries page]

Uses the database in BENCH_DATABASE_URL (dropped and created afresh, as in
``bench/quiz_load.py``) and Redis in BENCH_REDIS_URL as the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from load_site import COURSE, recreate_database, seed, server_env

KINDS = ("start", "page", "autosave", "time left")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="students, one request each")
    parser.add_argument("--profile", choices=KINDS, help="print this request's call tree")
    parser.add_argument("--queries", choices=KINDS, help="print this request's SQL")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/qz_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    env = server_env(database_url, secrets.token_urlsafe(50), redis_url)
    env["ALLOWED_HOSTS"] = "testserver"
    os.environ.update(env)
    recreate_database(database_url)
    quiz_id, sessions = seed(args.repeat, 60, 300, one_code=True)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from quizsite.quizzes.models import Quiz
    from quizsite.quizzes.preparation import prepare_upcoming

    prepare_upcoming(now=timezone.now())
    Quiz.objects.filter(pk=quiz_id).update(opens_at=datetime.now(UTC) - timedelta(seconds=1))
    # (seconds, queries, CPU seconds of this process: Django's side, not PostgreSQL's)
    costs: dict[str, list[tuple[float, int, float]]] = {k: [] for k in KINDS}
    profiler = None
    sql: dict[str, list[str]] = {}
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()

    def measure(kind: str, call, *call_args, **kwargs) -> object:
        # Started and stopped around each request; pyinstrument adds the sessions up.
        profiling = profiler is not None and kind == args.profile and costs[kind]
        with CaptureQueriesContext(connection) as queries:
            if profiling:
                profiler.start()
            began, cpu = time.perf_counter(), time.process_time()
            response = call(*call_args, **kwargs)
            took = time.perf_counter() - began
            cpu = time.process_time() - cpu
            if profiling:
                profiler.stop()
        costs[kind].append((took, len(queries), cpu))
        if kind == args.queries:
            sql[kind] = [q["sql"] for q in queries.captured_queries]
        return response

    # One client, as one server process serves them all (a new test client would load
    # the middleware again on its first request); each student's cookies in turn.
    client = Client()
    for _user_id, key in sessions:
        csrf = secrets.token_hex(16)
        client.cookies["sessionid"] = key
        client.cookies["csrftoken"] = csrf
        headers = {"HTTP_X_CSRFTOKEN": csrf}
        response = measure("start", client.post, f"/courses/{COURSE}/quizzes/{quiz_id}/", **headers)
        attempt = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
        response = measure("page", client.get, f"/quiz-attempts/{attempt}/")
        assert response.status_code == 200, response.status_code
        body = json.dumps({"position": 1, "value": None, "revision": 0, "client": "hot"})
        measure(
            "autosave",
            client.post,
            f"/quiz-attempts/{attempt}/autosave/",
            body,
            content_type="application/json",
            **headers,
        )
        measure("time left", client.get, f"/quiz-attempts/{attempt}/time-left/")

    print(
        f"{args.repeat} students, one request of each kind; load average {os.getloadavg()[0]:.2f}"
    )
    for kind in KINDS:
        times = [t for t, _, _ in costs[kind]]
        cpu = [c for _, _, c in costs[kind]]
        queries = sorted({n for _, n, _ in costs[kind]})
        print(
            f"{kind:9} queries {'/'.join(map(str, queries)):7}  median {statistics.median(times) * 1000:6.1f} ms"
            f"  max {max(times) * 1000:6.1f} ms  CPU median {statistics.median(cpu) * 1000:6.1f} ms"
        )
    for kind, lines in sql.items():
        print(f"\nSQL of one {kind}:")
        for line in lines:
            print(f"  {line[:300]}")
    if profiler is not None and args.repeat > 1:
        print(f"\n{args.profile}, {args.repeat - 1} requests combined:")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
