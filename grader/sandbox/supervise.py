"""The trusted side of one run: fork a sandbox child, then feed it its request.

``spawn()`` forks a child that becomes pid 1 of a new pid namespace, isolates
itself (``isolate.enter``) and then waits for a request; on the warm path it
runs the task in the already-warm interpreter it inherited, on the cold path it
executes a fresh interpreter first. The zygote calls ``spawn()``; the process
that wants the run (a worker) calls ``execute()``, whether it forked the child
itself (cold) or received it from the zygote (warm).

``execute()`` waits until the child is ready, sends the request and hands the run
to ``watch.Watch``, which supervises it to the end and judges it from what it
observed, never from what the child claims. The sandbox's file system comes from
``layout`` and the handle on a child (kill, reap, tidy up) from ``handle``. A
spawned child that has not yet received a request runs only trusted
code, which is what lets the zygote prepare children ahead of time.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import select
import signal
import socket
import sys
import time
from functools import lru_cache
from typing import Any

from grader.sandbox import _sys, cgroups, isolate
from grader.sandbox import child as child_side
from grader.sandbox.api import Limits, Outcome, RunResult
from grader.sandbox.handle import Child
from grader.sandbox.layout import cold_python, default_layout
from grader.sandbox.watch import Watch, run_cpu

UID_BASE = 2_000_000  # run uids live in [UID_BASE, UID_BASE + UID_SPAN): no host account uses them
UID_SPAN = 1_000_000
READY_TIMEOUT = {"warm": 10.0, "cold": 30.0}

# Exit codes of the child's trusted code (before student code starts).
EXIT_SETUP_FAILED = 120

_counter = itertools.count()
_pidns_fd: int | None = None

COLD_BOOT = (
    "import sys; sys.path[:0] = {paths!r}; from grader.sandbox.child import cold_main; cold_main()"
)


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
        waiting: list[socket.socket | int] = [child.ctl, child.pidfd]
        r, _, _ = select.select(waiting, [], [], left)
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
    cpu0 = run_cpu(child) or 0.0
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
    watch = Watch(child, limits, cpu0, t0)
    watch.loop()
    return watch.judge()
