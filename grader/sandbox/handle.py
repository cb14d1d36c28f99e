"""The trusted side's handle on one sandbox child: kill it, reap it, tidy up after it.

A child is forked either by the supervising process itself (the cold path) or by
the zygote, which then stays its ``Parent`` (reaping and disposing go through it).
"""

from __future__ import annotations

import os
import select
import signal
import socket
from dataclasses import dataclass
from typing import Protocol

from grader.sandbox import cgroups


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
