"""Measuring an upload without risking the web process.

A PDF can be hostile: deeply nested objects, hundreds of thousands of pages, or a
stream that inflates to gigabytes can keep the parser busy for minutes or exhaust the
memory of whoever parses it. So a PDF is measured in a child process
(measure_worker.py) that caps its own address space and CPU time, and the parent kills
it when it runs past a wall-clock limit. The child answers in JSON (never pickle: no
object from the child is ever loaded here).

Markdown and plain text are measured in the calling process: counting words is one
linear pass over at most the upload's size cap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

from quizsite.reports import length

WORKER = Path(__file__).with_name("measure_worker.py")

# Why a measurement stopped.
TIME = "time"
MEMORY = "memory"
FAILED = "failed"


class NotMeasured(Exception):
    """Measuring stopped at a limit or failed. `reason` is TIME, MEMORY or FAILED;
    `detail` is for the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def measure_within_limits(
    content: bytes, kind: str, *, seconds: float, memory_mb: int
) -> length.Measurement:
    """length.measure(content, kind), with a PDF measured in a child process that is
    killed after `seconds` and may use `memory_mb` beyond its interpreter's own.

    Raises length.Unreadable for a PDF that does not parse (as length.measure does) and
    NotMeasured when the limits stopped the measurement or the child died."""
    if kind != "pdf":
        return length.measure(content, kind)
    # -I: no current directory, user site or PYTHON* variables; -B: write no bytecode.
    command = [sys.executable, "-I", "-B", str(WORKER), str(seconds), str(memory_mb)]
    try:
        done = subprocess.run(  # noqa: S603 - our own worker script, no shell
            command,
            input=content,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Nothing from our environment (database URLs, keys) reaches the child.
            env={},
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed and reaped the child.
        raise NotMeasured(TIME, f"still running after {seconds:g} s") from None
    except OSError as exc:
        raise NotMeasured(FAILED, f"could not start the measuring process: {exc}") from None
    answer = _parse(done.stdout)
    if answer is None:
        # Killed by a signal (SIGXCPU at the CPU cap, SIGSEGV deep in a C library) or
        # died without answering.
        raise NotMeasured(FAILED, f"the measuring process exited with status {done.returncode}")
    outcome = answer.get("outcome")
    if outcome == "measured":
        measurement = _measurement(answer.get("measurement"))
        if measurement is None:
            raise NotMeasured(FAILED, "the measuring process answered nonsense")
        return measurement
    if outcome == "unreadable":
        raise length.Unreadable(
            str(answer.get("detail") or "the PDF could not be read"),
            cause=str(answer.get("cause") or ""),
        )
    if outcome == "memory":
        raise NotMeasured(MEMORY, f"needed more than {memory_mb} MB")
    raise NotMeasured(FAILED, str(answer.get("detail") or outcome))


def _parse(stdout: bytes) -> dict | None:
    try:
        answer = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _measurement(data) -> length.Measurement | None:
    names = {f.name for f in fields(length.Measurement)}
    if not isinstance(data, dict) or set(data) != names or data.get("kind") != "pdf":
        return None
    return length.Measurement(**data)
