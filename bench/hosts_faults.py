"""Faults on separate hosts: the production topology of scripts/hosts.sh (a data host
with PostgreSQL and Redis, a web host, two worker hosts, a beat host, each a network
namespace of its own on one machine), code answers submitted on the web host, and one
fault per batch while they are graded:

1. a worker host cut off the network mid-grade (its link taken down);
2. a worker host killed with SIGKILL mid-grade (every process on it);
3. Redis restarted (it keeps no append-only file here: queued messages are lost);
4. PostgreSQL restarted while a student autosaves and the workers grade;
5. beat dead for a while (no sweeper), and Redis losing its queue meanwhile.

Printed per fault: lost (0 expected: an answer never graded nor marked `error`),
graded twice (0 expected: grades stored beyond one per answer, counted from the
workers' logs), zeros (0 expected: every answer is correct), errors, and recovery time
(from the fault to every answer of the batch finished).

    sudo .venv/bin/python bench/hosts_faults.py [--submissions 200] [--sleep 1]

A grade waits for the sweeper when its message or its worker is gone: the sweeper runs
every GRADER_SWEEP_SECONDS (beat, 10 s) and takes a running answer whose heartbeat is
older than GRADER_STALE_AFTER_SECONDS (30 s), or a queued one whose broker queue is
empty after GRADER_LOST_AFTER_SECONDS (20 s). The bench runs with production's
defaults (printed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hosts import SCRIPT, Topology, host_of, unavailable  # noqa: E402

SETTINGS: dict[str, str] = {}  # production's defaults
FAULTS = 5


def _running_on(hosts: Topology, ids: list[int], host: str) -> None:
    hosts.wait(
        ids,
        lambda rows: any(r["status"] == "running" and host_of(r) == host for r in rows),
        timeout=120,
        what=f"{host} to grade",
    )


def _batch(hosts: Topology, name: str, count: int, sleep: float, fault, expect: str) -> dict:
    before = sum(hosts.done_lines().values())
    ids = hosts.submit(count, sleep)
    started = fault(ids)
    note = ""
    try:
        rows = hosts.wait_finished(ids, timeout=400)
        recovery = time.monotonic() - started
    except AssertionError:
        rows = hosts.rows(ids)
        recovery = float("nan")
        note = " (timed out)"
    lost = sum(r["status"] not in ("graded", "error") for r in rows)
    zeros = sum(r["status"] == "graded" and r["score"] == 0 for r in rows)
    errors = sum(r["status"] == "error" for r in rows)
    twice = sum(hosts.done_lines().values()) - before - (count - lost)
    hosts_used = sorted({host_of(r) for r in rows if r["claimed_by"]})
    print(
        f"{name:<34} lost {lost} (0 expected)  graded twice {max(twice, 0)} (0 expected)  "
        f"zeros {zeros}  errors {errors}  recovery {recovery:6.1f} s{note}  "
        f"graded on {','.join(hosts_used)}",
        flush=True,
    )
    print(f"{'':<34} expected: {expect}", flush=True)
    return {"lost": lost, "twice": twice, "zeros": zeros}


BEAT_DOWN_SECONDS = 30


def _faults(hosts: Topology):
    """Each fault: its name, what it does once the batch is submitted (returning when it
    struck), what is expected, and what puts the topology back afterwards."""
    autosave: list[subprocess.Popen[str]] = []

    def cut(ids):
        _running_on(hosts, ids, "worker1")
        hosts.run("cut", "worker1")
        return time.monotonic()

    def rejoin():
        # Back on the network; a fresh worker, as an orchestrator would restart it.
        hosts.run("join", "worker1")
        hosts.run("stop", "worker1")
        hosts.run("start", "worker1")

    def kill(ids):
        _running_on(hosts, ids, "worker2")
        hosts.run("kill", "worker2")
        return time.monotonic()

    def redis(ids):
        _running_on(hosts, ids, "worker1")
        at = time.monotonic()
        hosts.run("stop", "redis")
        hosts.run("start", "redis")
        return at

    def postgres(ids):
        command = ["bash", str(SCRIPT), "exec", "web", "python", "scripts/hosts_site.py"]
        command += ["autosave", "--seconds", "25"]
        autosave.append(subprocess.Popen(command, env=hosts.env, stdout=subprocess.PIPE, text=True))
        _running_on(hosts, ids, "worker2")
        at = time.monotonic()
        hosts.run("stop", "pg")
        time.sleep(3)
        hosts.run("start", "pg")
        return at

    def autosave_figures():
        out, _ = autosave.pop().communicate(timeout=120)
        print(f"{'':<34} autosave during the restart: {out.strip()}", flush=True)

    def beat(ids):
        # Beat dies, then Redis loses the queue: the lost answers wait for beat's sweeper.
        at = time.monotonic()
        hosts.run("stop", "beat")
        _running_on(hosts, ids, "worker1")
        hosts.run("stop", "redis")
        hosts.run("start", "redis")
        time.sleep(BEAT_DOWN_SECONDS)
        hosts.run("start", "beat")
        return at

    def nothing():
        pass

    return [
        (
            "worker host cut off mid-grade",
            cut,
            "worker2 grades the rest; the cut-off grade after its lease and a sweep",
            rejoin,
        ),
        (
            "worker host killed (SIGKILL)",
            kill,
            "worker1 grades the rest; the killed grade after its lease and a sweep",
            lambda: hosts.run("start", "worker2"),
        ),
        (
            "Redis restarted, queue lost",
            redis,
            "workers reconnect; the sweeper enqueues every lost answer again",
            nothing,
        ),
        (
            "PostgreSQL restarted",
            postgres,
            "grades retried and finished; every acknowledged autosave kept",
            autosave_figures,
        ),
        (
            f"beat dead {BEAT_DOWN_SECONDS} s, queue lost",
            beat,
            "the lost answers wait for beat, then are graded; none lost",
            nothing,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=200, help="in all, over the faults")
    parser.add_argument("--sleep", type=float, default=1.0, help="seconds each answer sleeps")
    args = parser.parse_args()
    reason = unavailable()
    if reason:
        sys.exit(f"hosts_faults: {reason}")
    per = args.submissions // FAULTS
    state = Path(tempfile.mkdtemp(prefix="quizsite-hosts-"))
    state.chmod(0o755)
    hosts = Topology(state / "hosts", env=SETTINGS)
    print(
        f"separate hosts: {args.submissions} correct code answers ({per} per fault), each "
        f"sleeping {args.sleep} s, real sandbox, two worker hosts of concurrency 1; "
        + (", ".join(f"{k}={v}" for k, v in SETTINGS.items()) or "production's settings")
        + " (a heartbeat every 5 s, stale after 30 s, lost messages after 20 s; the "
        "sweeper runs every 10 s)",
        flush=True,
    )
    t0 = time.monotonic()
    try:
        hosts.up()
        print(f"topology up in {time.monotonic() - t0:.1f} s", flush=True)

        for name, fault, expect, after in _faults(hosts):
            _batch(hosts, name, per, args.sleep, fault, expect)
            after()
        print(f"total {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        hosts.down()
        subprocess.run(["rm", "-rf", str(state)], check=False)


if __name__ == "__main__":
    main()
