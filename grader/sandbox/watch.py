"""Watching one run that has its request, and judging how it ended.

``Watch.loop()`` reads stdout, stderr and the result pipe with caps, answers
``mark()`` by reading the run's CPU from outside and enforces the CPU, wall and
whole-run memory limits; ``Watch.judge()`` classifies the outcome from what the
trusted side observed (exit status, rusage, the cgroups' counters), never from
what the child claims. The child's own report is read only for its value or its
exception, and only when it has exactly the expected shape.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from typing import Any

from grader.sandbox.api import Limits, Outcome, RunResult
from grader.sandbox.handle import Child

TICK = 0.02  # how often the CPU clock is checked while a run is busy
CTL_CAP = 4096  # bytes of control traffic we are willing to read from a child


def _cpu_clock(pid: int) -> float | None:
    try:
        return time.clock_gettime((~pid << 3) | 2)  # CPUCLOCK_SCHED of the whole process
    except OSError:
        return None


def run_cpu(child: Child) -> float | None:
    """CPU used so far by the run, read from outside: the cpuacct group when there is
    one (every process of the run), else pid 1's process CPU clock (its threads only)."""
    cpu = child.cgroups.cpu_seconds()
    return cpu if cpu is not None else _cpu_clock(child.pid)


class Watch:
    def __init__(self, child: Child, limits: Limits, cpu0: float, t0: float) -> None:
        self.child = child
        self.limits = limits
        self.cpu0 = cpu0
        self.t0 = t0
        self.deadline = t0 + limits.wall
        self.out = bytearray()
        self.err = bytearray()
        self.res = bytearray()
        self.caps = {
            child.out_r: limits.output_bytes,
            child.err_r: limits.output_bytes,
            child.res_r: limits.result_bytes + 1024,
        }
        self.bufs = {child.out_r: self.out, child.err_r: self.err, child.res_r: self.res}
        self.kill_reason = ""
        self.cpu_end: float | None = None  # CPU read when all channels closed before exit
        self.started_student = False
        self.cpu_mark: float | None = None
        self.ctl_bytes = 0
        self.poll = select.poll()
        for fd in self.bufs:
            self.poll.register(fd, select.POLLIN)
        self.poll.register(child.ctl.fileno(), select.POLLIN)
        self.poll.register(child.pidfd, select.POLLIN)
        self.open_fds = set(self.bufs) | {child.ctl.fileno()}

    def _kill(self, reason: str) -> None:
        if not self.kill_reason:
            self.kill_reason = reason
        self.child.kill()  # pid 1 of its namespace: takes everything of the run with it

    def _read(self, fd: int) -> None:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.poll.unregister(fd)
            self.open_fds.discard(fd)
            return
        buf, cap = self.bufs[fd], self.caps[fd]
        room = cap - len(buf)
        buf += data[: max(room, 0)]
        if len(data) > room:
            self._kill("result" if fd == self.child.res_r else "output")

    def _control(self) -> None:
        ctl = self.child.ctl
        try:
            data = ctl.recv(256)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self.ctl_bytes += len(data)
        if not data or self.ctl_bytes > CTL_CAP:
            self.poll.unregister(ctl.fileno())
            self.open_fds.discard(ctl.fileno())
            return
        for byte in data:
            if byte == ord("S"):
                self.started_student = True
            elif byte == ord("M"):
                if self.cpu_mark is None:
                    self.cpu_mark = run_cpu(self.child)
                try:
                    ctl.send(b"A")
                except OSError:
                    pass

    def loop(self) -> None:
        child = self.child
        channels = {child.out_r, child.err_r, child.res_r}
        exited = False
        while not exited:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self._kill("wall")
                break
            for fd, _ev in self.poll.poll(min(left, TICK) * 1000):
                if fd == child.pidfd:
                    exited = True
                elif fd == child.ctl.fileno():
                    self._control()
                else:
                    self._read(fd)
            if self.kill_reason:
                break
            if not exited and self.res and not (self.open_fds & channels):
                # A result was written and stdout, stderr and the result pipe are all
                # closed: the run is over even if the kernel is still tearing the process
                # down. Judge now, reap later. (Without a result we wait for the exit
                # status, which tells a crash from a plain exit.)
                self.cpu_end = run_cpu(child)
                if self.cpu_end is not None:
                    self._kill("")
                    return
            cpu = run_cpu(child)
            if cpu is not None and cpu - self.cpu0 > self.limits.cpu_seconds:
                self._kill("cpu")
                break
            if child.cgroups.oom_kills():
                # The run hit its whole-run memory limit: it ends as one, here too where
                # the kernel killed only one of its processes (v1, no memory.oom.group).
                self._kill("memory")
                break
        # Wait for the whole namespace to be gone, then drain what is left in the pipes.
        select.select([child.pidfd], [], [], 5.0)
        drain_until = time.monotonic() + 1.0
        while self.open_fds and time.monotonic() < drain_until:
            for fd, _ev in self.poll.poll(50):
                if fd == child.ctl.fileno():
                    self._control()
                elif fd in self.bufs:
                    self._read(fd)

    def judge(self) -> RunResult:
        child, limits = self.child, self.limits
        status: int | None = None
        if self.cpu_end is not None:
            cpu_total, rss = self.cpu_end, 0
        else:
            status, cpu_total, rss = child.wait_status()
            group_cpu = child.cgroups.cpu_seconds()
            if group_cpu is not None:
                cpu_total = group_cpu  # includes children that were never reaped
        wall = time.monotonic() - self.t0
        cpu = max(0.0, cpu_total - self.cpu0)
        oom = child.cgroups.oom_kills() > 0
        peak = child.cgroups.peak_kb()
        res = RunResult(
            outcome=Outcome.OK,
            stdout=bytes(self.out).decode("utf-8", "replace"),
            stderr=bytes(self.err).decode("utf-8", "replace"),
            cpu_seconds=cpu,
            wall_seconds=wall,
            max_rss_kb=peak if peak is not None else rss,
            extra={"mode": child.mode, "uid": child.uid},
        )
        if self.cpu_mark is not None:
            res.cpu_after_mark_seconds = max(0.0, cpu_total - self.cpu_mark)
        reason = self.kill_reason
        if reason == "wall":
            return _set(res, Outcome.TIME_LIMIT, "wall")
        if reason == "cpu":
            return _set(res, Outcome.TIME_LIMIT, "cpu")
        if reason in ("output", "result"):
            return _set(res, Outcome.OUTPUT_LIMIT, reason)
        if reason == "memory":
            return _set(res, Outcome.MEMORY_LIMIT, "cgroup")
        if not self.started_student:
            # Nothing of the student's ran yet: whatever happened is our fault.
            return _set(res, Outcome.SANDBOX_ERROR, f"setup failed (status {status}): {res.stderr}")
        if status is not None and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits.cpu_seconds):
                return _set(res, Outcome.TIME_LIMIT, "cpu")
            if oom:
                return _set(res, Outcome.MEMORY_LIMIT, "cgroup")
            return _set(res, Outcome.SIGNALED, signal.Signals(sig).name)
        code = os.WEXITSTATUS(status) if status is not None else 0
        return self._judge_report(res, code, oom)

    def _judge_report(self, res: RunResult, code: int | None, oom: bool) -> RunResult:
        report = _parse_report(bytes(self.res)) if code == 0 and self.res else None
        if report is None:
            if oom:
                return _set(res, Outcome.MEMORY_LIMIT, "cgroup")
            res.exc_type = "NoResult" if not self.res else "ProtocolViolation"
            res.exc_message = f"the process exited with status {code} without a valid result"
            return _set(res, Outcome.EXCEPTION, res.exc_message)
        status = report["status"]
        if status == "ok":
            res.value = report["value"]
            return _set(res, Outcome.OK, "")
        if status == "too_big":
            return _set(res, Outcome.OUTPUT_LIMIT, "result")
        if status == "unserialisable":
            res.exc_type = "ResultNotSerialisable"
            res.exc_message = report["message"][:2000]
            return _set(res, Outcome.EXCEPTION, res.exc_message)
        res.exc_type = report["type"][:200]  # "exception", the only status left
        res.exc_message = report["message"][:2000]
        if res.exc_type == "MemoryError":
            return _set(res, Outcome.MEMORY_LIMIT, "address space")
        return _set(res, Outcome.EXCEPTION, res.exc_type)


# The result pipe carries exactly one of these objects, as ``child.serve`` writes it:
# its fields and no other, each of its JSON type. The child's report only describes its
# own results (a value, an exception, a result too big or not serialisable); a sandbox
# failure, a limit or a measurement is never taken from it, whatever fields a forged
# report adds, and anything else on the pipe (a second object, trailing bytes, an
# unknown status) is the run's ProtocolViolation.
_REPORT_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "ok": {"value": (object,)},
    "exception": {"type": (str,), "message": (str,)},
    "unserialisable": {"message": (str,)},
    "too_big": {"size": (int,)},
}


def _parse_report(data: bytes) -> dict[str, Any] | None:
    """The child's one report, or None when the pipe holds anything else."""
    try:
        report = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if type(report) is not dict or type(report.get("status")) is not str:
        return None
    fields = _REPORT_FIELDS.get(report["status"])
    if fields is None or report.keys() != {"status", *fields}:
        return None
    if not all(isinstance(report[k], kinds) for k, kinds in fields.items()):
        return None
    return report


def _set(res: RunResult, outcome: Outcome, detail: str) -> RunResult:
    res.outcome = outcome
    res.detail = detail
    if outcome is not Outcome.OK:
        res.value = None
    return res
