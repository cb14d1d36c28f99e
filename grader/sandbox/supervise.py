"""The trusted side of one run: fork a sandbox child, feed it, watch it, judge it.

``spawn()`` forks a child that becomes pid 1 of a new pid namespace, isolates
itself (``isolate.enter``) and then waits for a request; on the warm path it
runs the task in the already-warm interpreter it inherited, on the cold path it
executes a fresh interpreter first. The zygote calls ``spawn()``; the process
that wants the run (a worker) calls ``execute()``, whether it forked the child
itself (cold) or received it from the zygote (warm).

``execute()`` sends the request and supervises: it reads stdout, stderr and the
result pipe with caps, answers ``mark()`` by reading the run's CPU from outside,
enforces the CPU and wall limits, and classifies the outcome from what it
observed (exit status, rusage, the cgroups' counters), never from what the child
claims. A spawned child that has not yet received a request runs only trusted
code, which is what lets the zygote prepare children ahead of time.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import os
import select
import signal
import socket
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from grader.sandbox import _sys, cgroups, isolate
from grader.sandbox import child as child_side
from grader.sandbox.api import Limits, Outcome, RunResult

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UID_BASE = 2_000_000  # run uids live in [UID_BASE, UID_BASE + UID_SPAN): no host account uses them
UID_SPAN = 1_000_000
TICK = 0.02  # how often the CPU clock is checked while a run is busy
READY_TIMEOUT = {"warm": 10.0, "cold": 30.0}
CTL_CAP = 4096  # bytes of control traffic we are willing to read from a child

# Exit codes of the child's trusted code (before student code starts).
EXIT_SETUP_FAILED = 120

_counter = itertools.count()
_pidns_fd: int | None = None

COLD_BOOT = (
    "import sys; sys.path[:0] = {paths!r}; from grader.sandbox.child import cold_main; cold_main()"
)


@lru_cache(maxsize=1)
def default_layout() -> isolate.Layout:
    """The sandbox's whole file system: the interpreter, NumPy, the harness, nothing else."""
    lay = isolate.Layout()
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = "/" + name
        if os.path.islink(path):
            lay.symlinks[path] = os.readlink(path)
        elif os.path.isdir(path):
            lay.ro_dirs.append(path)
    lay.ro_dirs.append("/usr")
    base = os.path.realpath(sys.base_prefix)
    if not base.startswith("/usr/"):
        lay.ro_dirs.append(base)
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    lay.hidden_dirs.append(os.path.join(base, "lib", ver, "site-packages"))
    spec = importlib.util.find_spec("numpy")
    if spec is not None and spec.origin:
        np_dir = os.path.dirname(os.path.realpath(spec.origin))
        lay.ro_dirs.append(np_dir)
        if os.path.isdir(np_dir + ".libs"):
            lay.ro_dirs.append(np_dir + ".libs")
    grader = os.path.join(PROJECT_ROOT, "grader")
    lay.ro_dirs.append(os.path.join(grader, "harness"))
    lay.empty_files += [
        os.path.join(grader, "__init__.py"),
        os.path.join(grader, "sandbox", "__init__.py"),
    ]
    lay.ro_files.append(os.path.join(grader, "sandbox", "child.py"))
    return lay


def cold_python() -> tuple[str, list[str]]:
    """The interpreter binary and the sys.path a cold child starts with."""
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    exe = os.path.realpath(os.path.join(sys.base_prefix, "bin", ver))
    paths = [PROJECT_ROOT]
    spec = importlib.util.find_spec("numpy")
    if spec is not None and spec.origin:
        paths.append(os.path.dirname(os.path.dirname(os.path.realpath(spec.origin))))
    return exe, paths


class Parent(Protocol):
    """The process that forked a child, when it is not the supervising one (the zygote)."""

    def reap(self, child: Child) -> tuple[int, float, int]:
        """Reap an exited child: (wait status, CPU seconds from rusage, max RSS in KiB)."""
        ...

    def dispose(self, child: Child) -> None:
        """Kill the child (if needed), reap it when it is gone and remove its cgroups."""
        ...


@dataclass
class Child:
    pid: int
    pidfd: int
    ctl: socket.socket
    out_r: int
    err_r: int
    res_r: int
    cgroups: cgroups.RunCgroups
    mode: str
    tmp_mb: int
    uid: int
    cgroup_limits: tuple[int, int] = (0, 0)  # (memory_mb, processes) written so far
    parent: Parent | None = None  # None: we forked it ourselves
    closed: bool = False
    reaped: bool = False

    def kill(self) -> None:
        """SIGKILL through the pidfd: never another process that reused the pid."""
        if self.pidfd < 0:
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass  # already gone
        self.cgroups.kill()  # v2: every process of the run at once, wherever it is

    def wait_status(self) -> tuple[int, float, int]:
        """Block until the child has exited; (wait status, rusage CPU, max RSS KiB)."""
        if self.parent is not None:
            select.select([self.pidfd], [], [])
            self.reaped = True
            return self.parent.reap(self)
        _, status, ru = os.wait4(self.pid, 0)
        self.reaped = True
        return status, ru.ru_utime + ru.ru_stime, ru.ru_maxrss

    def release(self) -> None:
        """Kill the run and close our ends without waiting for the kernel's teardown."""
        if not self.reaped:
            self.kill()
        for fd in (self.out_r, self.err_r, self.res_r):
            if fd >= 0:
                os.close(fd)
        self.out_r = self.err_r = self.res_r = -1
        self.ctl.close()

    def finish(self) -> None:
        """Reap the process and remove its cgroups (blocks until it is gone when it is ours)."""
        if self.closed:
            return
        self.closed = True
        os.close(self.pidfd)
        self.pidfd = -1
        if self.parent is not None:
            self.parent.dispose(self)
            return
        if not self.reaped:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.reaped = True
        self.cgroups.remove()

    def close(self) -> None:
        """Kill, reap and tidy up everything of this run."""
        self.release()
        self.finish()

    discard = close


@lru_cache(maxsize=1)
def cgroup_hierarchy() -> cgroups.Hierarchy:
    """The cgroups this process gives its runs (prepared once, stale groups swept)."""
    found = cgroups.hierarchy()
    cgroups.sweep_stale()
    return found


def _fork_in_new_pidns(strict: bool) -> int:
    """fork() with the child as pid 1 of a new pid namespace; the caller stays where it is."""
    global _pidns_fd
    if _pidns_fd is None:
        _pidns_fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    me = os.getpid()
    try:
        _sys.unshare(_sys.CLONE_NEWPID)
    except OSError:
        if strict:
            raise
        return os.fork()
    try:
        return os.fork()
    finally:
        if os.getpid() == me:
            # Only affects our *future* children: put them back in our own namespace.
            _sys.setns(_pidns_fd, _sys.CLONE_NEWPID)


def spawn(mode: str, limits: Limits, *, strict: bool = True) -> Child:
    """Fork and isolate a child that waits for one request (``mode`` is warm or cold)."""
    n = next(_counter)
    uid = UID_BASE + (os.getpid() * 4096 + n) % UID_SPAN
    # Everything the child needs is computed here, before fork(): a child of a
    # multi-threaded worker must not touch the import system or other shared locks.
    layout = default_layout()
    cold = cold_python() if mode == "cold" else None
    cgroup_hierarchy()
    groups = cgroups.RunCgroups(f"{os.getpid()}-{n}")
    groups.set_limits(limits.memory_mb, limits.processes)
    ctl_parent, ctl_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    res_r, res_w = os.pipe()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    try:
        pid = _fork_in_new_pidns(strict)
    except BaseException:
        for fd in (out_r, out_w, err_r, err_w, res_r, res_w):
            os.close(fd)
        ctl_parent.close()
        ctl_child.close()
        groups.remove()
        raise
    if pid == 0:  # the child: never return into the caller's stack
        try:
            _child_main(
                layout, cold, limits, uid, groups, ctl_child.fileno(), out_w, err_w, res_w, strict
            )
        except BaseException as exc:  # noqa: BLE001 - report and die, whatever it was
            try:
                os.write(2, f"sandbox setup failed: {type(exc).__name__}: {exc}\n".encode())
            except BaseException:  # noqa: BLE001, S110
                pass
        os._exit(EXIT_SETUP_FAILED)
    for fd in (out_w, err_w, res_w):
        os.close(fd)
    ctl_child.close()
    for fd in (out_r, err_r, res_r):
        os.set_blocking(fd, False)
    return Child(
        pid=pid,
        pidfd=os.pidfd_open(pid),
        ctl=ctl_parent,
        out_r=out_r,
        err_r=err_r,
        res_r=res_r,
        cgroups=groups,
        mode=mode,
        tmp_mb=limits.tmp_mb,
        uid=uid,
        cgroup_limits=(limits.memory_mb, limits.processes),
    )


def _child_main(
    layout: isolate.Layout,
    cold: tuple[str, list[str]] | None,
    limits: Limits,
    uid: int,
    groups: cgroups.RunCgroups,
    ctl_fd: int,
    out_w: int,
    err_w: int,
    res_w: int,
    strict: bool,
) -> None:
    # A worker thread may have blocked signals; the run must feel SIGXCPU and friends.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    # Its own session and process group: a signal to "my group" must not even be
    # addressed to the zygote or the worker (their uid would refuse it anyway).
    os.setsid()
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    spec = isolate.Spec(
        uid=uid,
        gid=uid,
        tmp_mb=limits.tmp_mb,
        layout=layout,
        cgroup_procs=groups.procs_files,
        keep_fds=(ctl_fd, res_w),
        strict=strict,
    )
    isolate.enter(spec)
    if cold is None:
        child_side.serve(ctl_fd, res_w)  # the warm path: this interpreter already has everything
    exe, paths = cold
    os.set_inheritable(ctl_fd, True)
    os.set_inheritable(res_w, True)
    argv = [exe, "-I", "-S", "-c", COLD_BOOT.format(paths=paths), str(ctl_fd), str(res_w)]
    os.execve(exe, argv, isolate.SANDBOX_ENV)


def _cpu_clock(pid: int) -> float | None:
    try:
        return time.clock_gettime((~pid << 3) | 2)  # CPUCLOCK_SCHED of the whole process
    except OSError:
        return None


def _run_cpu(child: Child) -> float | None:
    """CPU used so far by the run, read from outside: the cpuacct group when there is
    one (every process of the run), else pid 1's process CPU clock (its threads only)."""
    cpu = child.cgroups.cpu_seconds()
    return cpu if cpu is not None else _cpu_clock(child.pid)


def _sandbox_error(child: Child, detail: str, started: float) -> RunResult:
    child.release()
    return RunResult(
        outcome=Outcome.SANDBOX_ERROR,
        detail=detail,
        wall_seconds=time.monotonic() - started,
        extra={"mode": child.mode},
    )


def _wait_ready(child: Child, timeout: float) -> bytes:
    """Wait for the child's 'R' (isolated and, when cold, imported). Returns any error text."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"timed out waiting for the sandbox to start"
        r, _, _ = select.select([child.ctl, child.pidfd], [], [], left)
        if child.ctl in r:
            data = child.ctl.recv(1)
            if data == b"R":
                return b""
            if not data:
                break
            return b"unexpected byte from a starting sandbox"
        elif r:
            break
    try:
        err = os.read(child.err_r, 4096)
    except OSError:
        err = b""
    return b"sandbox child died during setup: " + err


def execute(child: Child, task: str, payload: Any, limits: Limits) -> RunResult:
    """Send one request to a spawned child and supervise it to the end.

    The child may still be tearing down; its descriptors and cgroups are left for
    ``child.close()`` (or ``release()`` now and ``finish()`` later), so that a caller
    in a hurry (the zygote) can answer first and tidy up after.
    """
    started = time.monotonic()
    problem = _wait_ready(child, READY_TIMEOUT[child.mode])
    if problem:
        return _sandbox_error(child, problem.decode("utf-8", "replace"), started)
    if (limits.memory_mb, limits.processes) != child.cgroup_limits:
        child.cgroups.set_limits(limits.memory_mb, limits.processes)
    request = json.dumps(
        {"task": task, "payload": payload, "limits": dataclasses.asdict(limits)}
    ).encode()
    cpu0 = _run_cpu(child) or 0.0
    t0 = time.monotonic()
    try:
        # The child reads the whole request before anything else, so this is quick;
        # the timeout only guards against a child that stopped reading.
        child.ctl.settimeout(READY_TIMEOUT[child.mode])
        child.ctl.sendall(len(request).to_bytes(4, "big") + request)
    except OSError as exc:
        return _sandbox_error(child, f"could not send the request: {exc}", started)
    # From here on the student's code may be running: never block on its socket.
    child.ctl.setblocking(False)
    watch = _Watch(child, limits, cpu0, t0)
    watch.loop()
    return watch.judge()


class _Watch:
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
                    self.cpu_mark = _run_cpu(self.child)
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
                self.cpu_end = _run_cpu(child)
                if self.cpu_end is not None:
                    self._kill("")
                    return
            cpu = _run_cpu(child)
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
