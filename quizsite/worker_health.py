"""Health of one Celery worker, asked over the broker: does it answer, and does its
pool have all the processes it was started with?

    python -m quizsite.worker_health worker@host [--timeout 5]

prints ``worker@host: pool 2/2 processes (pids 41, 42)`` and exits 0 when the pool is
full, 1 when the worker does not answer or runs with fewer processes than its
concurrency (a supervisor should then restart it). The container's health check runs it.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")


@dataclass(frozen=True)
class PoolSize:
    node: str
    processes: tuple[int, ...]
    concurrency: int

    @property
    def full(self) -> bool:
        return len(self.processes) >= self.concurrency > 0

    def describe(self) -> str:
        pids = ", ".join(str(p) for p in self.processes) or "none"
        return f"{self.node}: pool {len(self.processes)}/{self.concurrency} processes (pids {pids})"


def pool_size(node: str, *, timeout: float = 5.0, app: Celery | None = None) -> PoolSize | None:
    """The pool of worker ``node`` as it reports it (``inspect stats``), or None when it
    does not answer within ``timeout`` seconds or the broker cannot be reached. ``app`` is the project's Celery app
    unless given (one on another broker, say)."""
    if app is None:
        from quizsite.celery import app as project_app

        app = project_app

    # A connection of its own: one the app kept from before a broker restart is closed.
    with app.connection_for_write() as conn:
        try:
            stats: dict[str, Any] = (
                app.control.inspect([node], timeout=timeout, connection=conn).stats() or {}
            )
        except conn.connection_errors + conn.channel_errors:
            return None
    pool = (stats.get(node) or {}).get("pool")
    if not isinstance(pool, dict):
        return None
    processes = tuple(int(p) for p in pool.get("processes") or ())
    return PoolSize(node, processes, int(pool.get("max-concurrency") or 0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quizsite.worker_health", description=__doc__)
    parser.add_argument("node", help="the worker's node name, e.g. worker@host")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    size = pool_size(args.node, timeout=args.timeout)
    if size is None:
        print(f"{args.node}: no answer within {args.timeout:g} s", file=sys.stderr)
        return 1
    print(size.describe())
    return 0 if size.full else 1


if __name__ == "__main__":
    sys.exit(main())
