"""The sandbox's public contract: what a caller asks for and what it gets back.

Everything that crosses the sandbox boundary is plain JSON data. The trusted side
never unpickles, unmarshals or evals anything that came out of a sandbox.

A run executes one *task*: a function in the harness package (``grader.harness``),
called inside the sandbox as ``fn(payload)``. The harness is trusted code that runs
in an untrusted process: whatever the student's code does in that process may
change what the function returns, so nothing it returns is taken on trust beyond
"this is what the student's process said". What the trusted side measures itself
(CPU time, wall time, memory, exit status) is never reported by the child.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol


class Outcome(str, enum.Enum):  # noqa: UP042 - the shape is part of the contract
    OK = "ok"  # the task returned a value
    EXCEPTION = "exception"  # the task raised (exc_type / exc_message say what)
    TIME_LIMIT = "time_limit"  # CPU or wall-clock limit (detail says which)
    MEMORY_LIMIT = "memory_limit"  # address space / cgroup memory limit
    OUTPUT_LIMIT = "output_limit"  # stdout+stderr or the result exceeded its cap
    SIGNALED = "signaled"  # killed by a signal we did not send for a limit
    SANDBOX_ERROR = "sandbox_error"  # our fault: never a student's zero

    @property
    def is_student_fault(self) -> bool:
        return self not in (Outcome.OK, Outcome.SANDBOX_ERROR)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float = 2.0
    wall_seconds: float | None = None  # None: 2 * cpu_seconds + 1
    memory_mb: int = 256
    output_bytes: int = 64 * 1024  # stdout and stderr, each
    result_bytes: int = 8 * 1024 * 1024  # the JSON result
    tmp_mb: int = 16  # private writable /tmp
    open_files: int = 64
    file_size_mb: int = 8
    processes: int = 32  # tasks (processes and threads) the run may have at once

    @property
    def wall(self) -> float:
        return self.wall_seconds if self.wall_seconds is not None else 2 * self.cpu_seconds + 1


@dataclass
class RunResult:
    outcome: Outcome
    value: Any = None  # the task's JSON return value when outcome is OK
    exc_type: str = ""  # e.g. "ZeroDivisionError" when outcome is EXCEPTION
    exc_message: str = ""
    stdout: str = ""  # capped at Limits.output_bytes
    stderr: str = ""
    cpu_seconds: float = 0.0  # whole child, measured by the trusted side
    cpu_after_mark_seconds: float | None = None  # CPU used after the child's first mark()
    wall_seconds: float = 0.0
    max_rss_kb: int = 0
    detail: str = ""  # for logs and staff; never shown to a student
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


class SandboxUnavailable(RuntimeError):
    """Raised when the essential protections are missing and development mode is off."""


class SandboxRun(Protocol):
    """What runs a task: ``grader.sandbox.runner.run`` or ``grader.sandbox.fake.run``,
    as ``grader.sandbox.choose`` hands it out."""

    def __call__(self, task: str, payload: dict[str, Any], limits: Limits = ...) -> RunResult: ...
