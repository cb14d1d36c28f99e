"""Run a Python script in a fresh interpreter under resource limits and read the JSON
line it prints last: for tests whose subject, on a version without its guard, would
take the machine's memory or minutes of CPU."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from typing import Any


def run_capped(script: str, *args: str, limits: dict[int, int], timeout: float) -> Any:
    """``python -c script *args`` with ``resource.setrlimit(k, (v, v))`` for each of
    ``limits``; the decoded last line of its output. Fails the test if it died."""

    def capped() -> None:
        for kind, value in limits.items():
            resource.setrlimit(kind, (value, value))

    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        preexec_fn=capped,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"status {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
