"""Run trusted analysis of student text under a memory and CPU budget.

Compiling a submission and reading its bytecode happen on the trusted side (the
static checks must see code objects the sandbox could not have tampered with), but
the cost of that work is chosen by the student: CPython emits the body of a
``finally`` once per path out of its ``try``, so 20 nested ``try``/``finally``
blocks in 3 KB of source compile to millions of instructions and gigabytes of
memory, and a worker process keeps the memory its allocator got.

``call(fn, budget)`` therefore runs ``fn()`` in a short-lived child forked from the
calling process: it sees everything the parent had in memory (question, source,
probe answer) without any of it being serialised, caps its own address space
(``RLIMIT_AS``: what is mapped at the fork plus ``budget.memory_mb``) and CPU time
(``RLIMIT_CPU``), and hands back ``fn``'s return value as JSON over a pipe (never
pickle). The parent waits at most ``budget.wall_seconds`` and then kills it. Whatever
the child allocated goes away with it, so the worker's own size never changes.

A fork costs a few milliseconds (page tables; the pages themselves are shared
copy-on-write), which is why this is done twice per grading and not per check.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.sandbox import _sys

_MB = 1024 * 1024
# The child's answer is a grading result (feedback sentences, small details): far
# below this. More means something is wrong; the parent stops reading.
MAX_ANSWER_BYTES = 16 * _MB


@dataclass(frozen=True)
class Budget:
    memory_mb: int = 512  # beyond what the worker had mapped when it forked
    cpu_seconds: int = 10
    wall_seconds: float = 30.0  # a loaded machine gives the child less than a CPU


class OverBudget(Exception):
    """The work ran out of memory or time (``reason`` is "memory" or "time"): the
    student's text is too large or too deep to analyse within the budget."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class ChildFailed(Exception):
    """The child died without answering for a reason that is not its budget, or ``fn``
    raised: a fault on our side, never the student's."""


def _mapped_bytes() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _child(fn: Callable[[], Any], budget: Budget, w: int) -> None:
    # Any exit from here is os._exit: the child must never run the parent's atexit
    # handlers, flush its buffers, or close its database and broker connections.
    status = 0
    try:
        # Dies with the worker process: nothing is left computing for a dead parent.
        _sys.prctl(_sys.PR_SET_PDEATHSIG, signal.SIGKILL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = max(1, int(budget.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        limit = _mapped_bytes() + budget.memory_mb * _MB
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)  # the worker may run under a cap of its own
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            answer = {"ok": fn()}
        except MemoryError:
            answer = {"over": "memory"}
        except RecursionError as e:
            # compile() and ast raise it for nesting deeper than they support.
            answer = {"over": "memory", "detail": f"RecursionError: {e}"}
        except Exception as e:
            answer = {"failed": f"{type(e).__name__}: {e}"[:2000]}
        try:
            data = json.dumps(answer).encode()
        except (TypeError, ValueError) as e:  # a value that is not plain data: our bug
            data = json.dumps({"failed": f"{type(e).__name__}: {e}"[:2000]}).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(w, view) :]
    except MemoryError:
        status = 3  # not even the answer fits: the parent reads "no answer" + status 3
    except BaseException:
        status = 4
    finally:
        os._exit(status)


def call(fn: Callable[[], Any], budget: Budget = Budget()) -> Any:
    """``fn()`` computed in a forked child within ``budget``; its value after a JSON
    round trip. Raises ``OverBudget`` when the budget ran out and ``ChildFailed`` when
    the child failed otherwise (or ``fn`` raised)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which ends with os._exit
        os.close(r)
        _child(fn, budget, w)
    os.close(w)
    chunks: list[bytes] = []
    size = 0
    killed_for_time = False
    deadline = time.monotonic() + budget.wall_seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                killed_for_time = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        if killed_for_time or size > MAX_ANSWER_BYTES:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    if killed_for_time:
        raise OverBudget("time", f"still running after {budget.wall_seconds:g} s")
    if size > MAX_ANSWER_BYTES:
        raise ChildFailed(f"answer longer than {MAX_ANSWER_BYTES} bytes")
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        # SIGXCPU at the soft CPU limit, SIGKILL at the hard one a second later.
        raise OverBudget("time", f"over {budget.cpu_seconds} s of CPU")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        raise OverBudget("memory", "the answer did not fit in the budget")
    try:
        answer = json.loads(b"".join(chunks))
    except ValueError:
        answer = None
    if type(answer) is not dict:
        raise ChildFailed(f"no answer (wait status {status})")
    if "over" in answer:
        raise OverBudget(str(answer["over"]), str(answer.get("detail", "")))
    if "failed" in answer:
        raise ChildFailed(str(answer["failed"]))
    return answer.get("ok")
