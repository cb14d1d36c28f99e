"""Run trusted analysis of student text under a memory and CPU budget.

Compiling a submission and reading its bytecode happen on the trusted side (the
static checks must see code objects the sandbox could not have tampered with), but
the cost of that work is chosen by the student: CPython emits the body of a
``finally`` once per path out of its ``try``, so 20 nested ``try``/``finally``
blocks in 3 KB of source compile to millions of instructions and gigabytes of
memory, and a worker process keeps the memory its allocator got.

``Child(steps, budget)`` therefore forks a short-lived child of the calling process:
it sees everything the parent had in memory at the fork (question, source) without
any of it being serialised, caps its own address space (``RLIMIT_AS``: what is mapped
at the fork plus ``budget.memory_mb``) and CPU time (``RLIMIT_CPU``, for all its steps
together), and then runs its steps one at a time: ``child.ask(data)`` sends ``data``
(plain JSON) to the next step and returns that step's value after a JSON round trip
over a pipe (never pickle). The parent waits at most ``budget.wall_seconds`` for each
answer, then kills the child. Whatever the child allocated goes away with it, so the
worker's own size never changes. ``call(fn, budget)`` is the one-step case.

A fork costs a few milliseconds (page tables; the pages themselves are shared
copy-on-write), more on a loaded machine, where every hand-over waits for a CPU:
that is why a grading uses one child for all its analysis, step by step, and why a
child that answered its last step is reaped later rather than waited for.
"""

from __future__ import annotations

import gc
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


def _write_message(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(4, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes | None:
    """``n`` bytes, or None at end of file; raises TimeoutError past ``deadline``."""
    chunks, size = [], 0
    while size < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n - size, 1 << 16))
        if not chunk:
            return None
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _run_step(step: Callable[[Any], Any], data: Any) -> bytes:
    try:
        answer = {"ok": step(data)}
    except MemoryError:
        answer = {"over": "memory"}
    except RecursionError as e:
        # compile() and ast raise it for nesting deeper than they support.
        answer = {"over": "memory", "detail": f"RecursionError: {e}"}
    except Exception as e:  # noqa: BLE001 - the child reports any failure to its parent as JSON
        answer = {"failed": f"{type(e).__name__}: {e}"[:2000]}
    try:
        return json.dumps(answer).encode()
    except (TypeError, ValueError) as e:  # a value that is not plain data: our bug
        return json.dumps({"failed": f"{type(e).__name__}: {e}"[:2000]}).encode()


def _serve(steps: list[Callable[[Any], Any]], budget: Budget, r: int, w: int) -> None:
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
        for step in steps:
            header = _read_exactly(r, 4, None)
            body = _read_exactly(r, int.from_bytes(header, "big"), None) if header else None
            if body is None:
                break  # the parent needs no more steps
            _write_message(w, _run_step(step, json.loads(body)))
        # The parent reads only whole answers: closing here spares it the wait for this
        # process's teardown (unmapping a copy of the worker); it reaps it later.
        os.close(w)
    except MemoryError:
        status = 3  # not even the answer fits: the parent sees no answer + status 3
    except BaseException:  # noqa: BLE001 - the child's exit status is all the parent reads
        status = 4
    finally:
        os._exit(status)


# Children that answered their last step and were still exiting then.
_exiting: list[int] = []


def _reap_exited() -> None:
    for pid in list(_exiting):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _exiting.remove(pid)


class Child:
    """A forked child that runs ``steps`` in order, one per ``ask``, within ``budget``.

    Use as a context manager: leaving it ends the child (killed if it still runs)."""

    def __init__(self, steps: list[Callable[[Any], Any]], budget: Budget = Budget()) -> None:
        _reap_exited()
        self.budget = budget
        self.left = len(steps)
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Frozen objects are never traversed by the collector: a collection in the child
        # then does not touch (and so copy) every page of the worker's heap.
        # (Left alone in a process that froze objects of its own.)
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child, which ends with os._exit
            os.close(self._to_child)
            os.close(self._from_child)
            _serve(steps, budget, to_child_r, from_child_w)
        if freeze:
            gc.unfreeze()
        os.close(to_child_r)
        os.close(from_child_w)
        self._status: int | None = None

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ask(self, data: Any = None) -> Any:
        """The next step's value for ``data``. Raises ``OverBudget`` when the budget ran
        out and ``ChildFailed`` when the child failed otherwise (or the step raised)."""
        if self._status is not None or self.left <= 0:
            raise ChildFailed("the child has no step left")
        self.left -= 1
        deadline = time.monotonic() + self.budget.wall_seconds
        answer = None
        try:
            _write_message(self._to_child, json.dumps(data).encode())
            header = _read_exactly(self._from_child, 4, deadline)
            size = int.from_bytes(header, "big") if header else 0
            if header and size <= MAX_ANSWER_BYTES:
                body = _read_exactly(self._from_child, size, deadline)
                answer = _decode(body) if body is not None else None
        except TimeoutError:
            self._kill()
            self._reap()
            raise OverBudget(
                "time", f"still running after {self.budget.wall_seconds:g} s"
            ) from None
        except BrokenPipeError:
            pass  # the child died before reading: its status says why
        if answer is not None:
            if self.left == 0:
                self.close()
            return _answer(answer)
        self._kill()
        status = self._reap()
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            # SIGXCPU at the soft CPU limit, SIGKILL at the hard one a second later.
            raise OverBudget("time", f"over {self.budget.cpu_seconds} s of CPU")
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
            raise OverBudget("memory", "the answer did not fit in the budget")
        raise ChildFailed(f"no answer (wait status {status})")

    def close(self) -> None:
        """End the child: after its last answer it is only exiting (reaped later);
        otherwise it is killed and reaped now."""
        if self._status is not None:
            return
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.left > 0:
            self._kill()
            self._reap()
            return
        self._status = 0
        try:
            if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                _exiting.append(self.pid)
        except ChildProcessError:
            pass  # reaped by a handler of the host process

    def _kill(self) -> None:
        if self._status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)  # not reaped yet: the pid is still its own
            except ProcessLookupError:
                pass

    def _reap(self) -> int:
        if self._status is None:
            try:
                self._status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:  # reaped by a handler of the host process
                self._status = -1
        return self._status


def call(fn: Callable[[], Any], budget: Budget = Budget()) -> Any:
    """``fn()`` computed in a forked child within ``budget`` (a one-step ``Child``)."""
    with Child([lambda _: fn()], budget) as child:
        return child.ask()


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer if type(answer) is dict else None


def _answer(answer: dict[str, Any]) -> Any:
    if "over" in answer:
        raise OverBudget(str(answer["over"]), str(answer.get("detail", "")))
    if "failed" in answer:
        raise ChildFailed(str(answer["failed"]))
    return answer.get("ok")
