"""A runner with NO isolation, for fast tests of the grading pipeline.

``run()`` has the same signature and result shape as ``grader.sandbox.run`` but
calls the task in this process: the payload and the return value still make a
JSON round trip (so a test sees exactly what the real sandbox would hand back),
stdout and stderr are captured and capped, exceptions become
``Outcome.EXCEPTION``. Limits other than the output and result caps are not
enforced (CPU time is measured, not limited). Never use this for real student
code.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from typing import Any

from grader.sandbox import child, tasks
from grader.sandbox.api import Limits, Outcome, RunResult

_MESSAGE_CAP = 2000
DEFAULT_LIMITS = Limits()  # frozen, so one shared default is safe


class _CappedText(io.StringIO):
    """A text sink that keeps at most ``cap`` characters and remembers overflow."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.overflowed = False

    def write(self, s: str) -> int:
        room = self.cap - self.tell()
        if len(s) > room:
            self.overflowed = True
            super().write(s[: max(room, 0)])
        else:
            super().write(s)
        return len(s)


def run(task: str, payload: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> RunResult:
    """Run ``task(payload)`` in-process with a JSON round trip; no isolation at all."""
    fn = tasks.resolve(task)
    try:
        arg = json.loads(json.dumps(payload))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"payload is not JSON-serialisable: {exc}") from exc

    out = _CappedText(limits.output_bytes)
    err = _CappedText(limits.output_bytes)
    marks: list[float] = []
    child._install(lambda: marks.append(time.process_time()))
    cpu0 = time.process_time()
    wall0 = time.monotonic()
    outcome = Outcome.OK
    value: Any = None
    exc_type = exc_message = detail = ""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                raw = fn(arg)
            except MemoryError:
                outcome, detail = Outcome.MEMORY_LIMIT, "MemoryError"
            except BaseException as exc:  # noqa: BLE001 - the student's exception is data
                outcome = Outcome.EXCEPTION
                exc_type = type(exc).__name__
                exc_message = _safe_str(exc)[:_MESSAGE_CAP]
        if outcome is Outcome.OK:
            try:
                text = json.dumps(raw, allow_nan=False)
            except (TypeError, ValueError, RecursionError) as exc:
                outcome, exc_type = Outcome.EXCEPTION, "ResultNotSerialisable"
                exc_message = _safe_str(exc)[:_MESSAGE_CAP]
            else:
                if len(text.encode()) > limits.result_bytes:
                    outcome, detail = Outcome.OUTPUT_LIMIT, "result"
                else:
                    value = json.loads(text)
    finally:
        child._install(None)
    cpu = time.process_time() - cpu0
    if outcome is Outcome.OK and (out.overflowed or err.overflowed):
        outcome, detail, value = Outcome.OUTPUT_LIMIT, "output", None
    return RunResult(
        outcome=outcome,
        value=value,
        exc_type=exc_type,
        exc_message=exc_message,
        stdout=out.getvalue(),
        stderr=err.getvalue(),
        cpu_seconds=cpu,
        cpu_after_mark_seconds=(time.process_time() - marks[0]) if marks else None,
        wall_seconds=time.monotonic() - wall0,
        detail=detail or "fake runner: no isolation",
        extra={"runner": "fake"},
    )


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__ must not break the runner
        return f"<unprintable {type(exc).__name__}>"
