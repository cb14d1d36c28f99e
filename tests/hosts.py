"""Driving the separate-hosts topology (scripts/hosts.sh) from the machine: bring it up
and down, run the site's side on the web host (scripts/hosts_site.py), cut, kill and
restart hosts, and read what the workers logged."""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "hosts.sh"
WORKERS = ("worker1", "worker2")
FINISHED = ("graded", "error")
# Celery's line for a grade the worker stored (graded, or error after the retries).
DONE = re.compile(r"Task grading\.grade_submission\[[^\]]+\] succeeded in [0-9.]+s: 'done'")


def unavailable() -> str | None:
    """Why the topology cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    for tool in ("ip", "nsenter", "unshare", "redis-server", "runuser"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        return "`ip netns` is unavailable"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "needs PostgreSQL's binaries under /usr/lib/postgresql"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "needs the postgres user (PostgreSQL refuses to run as root)"
    return None


class Topology:
    def __init__(self, state: Path, env: dict[str, str] | None = None) -> None:
        self.state = state
        self.env = {**os.environ, "HOSTS_STATE": str(state), **(env or {})}

    def run(self, *args: str, timeout: float = 300) -> str:
        proc = subprocess.run(
            ["bash", str(SCRIPT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"hosts.sh {' '.join(args)}: {proc.stderr[-3000:]}{proc.stdout[-2000:]}"
            )
        return proc.stdout

    def up(self) -> None:
        self.run("up")

    def down(self) -> None:
        self.run("down", timeout=120)

    def site(self, *args: str) -> object:
        """Run scripts/hosts_site.py on the web host; its JSON answer."""
        out = self.run("exec", "web", "python", "scripts/hosts_site.py", *args)
        return json.loads(out.strip().splitlines()[-1])

    def submit(self, count: int, sleep: float) -> list[int]:
        return self.site("submit", str(count), "--sleep", str(sleep))  # type: ignore[return-value]

    def rows(self, ids: list[int] | None = None) -> list[dict]:
        rows = self.site("state")
        assert isinstance(rows, list)
        return [r for r in rows if ids is None or r["pk"] in ids]

    def wait(self, ids: list[int], predicate, *, timeout: float, what: str) -> list[dict]:
        end = time.monotonic() + timeout
        while True:
            rows = self.rows(ids)
            if predicate(rows):
                return rows
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}: {rows}\n{self.logs()}")
            time.sleep(1)

    def wait_finished(self, ids: list[int], *, timeout: float) -> list[dict]:
        return self.wait(
            ids,
            lambda rows: all(r["status"] in FINISHED for r in rows),
            timeout=timeout,
            what="every submission to finish",
        )

    def done_lines(self) -> Counter:
        """Grades each worker host logged as stored."""
        counts: Counter = Counter()
        for host in WORKERS:
            log = self.state / "log" / f"{host}.log"
            if log.exists():
                counts[host] = len(DONE.findall(log.read_text(errors="replace")))
        return counts

    def logs(self) -> str:
        parts = []
        for log in sorted((self.state / "log").glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
        return "\n".join(parts)


def host_of(row: dict) -> str:
    return row["claimed_by"].rpartition(":")[0]
