"""The warm fork server: a fresh interpreter that has imported NumPy and the harness.

Started by ``grader.sandbox.runner`` with a scrubbed environment (no database URL,
secret key or broker URL ever reaches it), it is never a fork of a web or Celery
process. It serves the one process that started it over an inherited
``SOCK_SEQPACKET`` socket and does only three things:

- ``child``: hand over a sandbox child that is already forked, isolated and
  waiting (its control socket and pipes travel as ``SCM_RIGHTS``); between
  requests it keeps ``POOL_SIZE`` such children ready;
- ``reap``: reap an exited child and report its wait status and rusage;
- ``dispose``: kill a child, reap it when it is gone, remove its cgroups.

The zygote never sees a request, a payload or a result: the caller talks to the
child directly and supervises it (``grader.sandbox.supervise``). That is the
point: every child is a copy of the zygote's memory, and nothing of an earlier
run (a reference solution, hidden expected values, another student's code) may
be in it.

Each message is one JSON datagram.
"""

from __future__ import annotations

import array
import gc
import json
import os
import select
import signal
import socket
import sys
from typing import Any

from grader.sandbox import _sys, handle, seccomp, supervise
from grader.sandbox.api import Limits

MAX_MESSAGE = 64 * 1024


def send_message(sock: socket.socket, obj: Any, fds: list[int] | None = None) -> None:
    data = json.dumps(obj).encode()
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.send(data)


def recv_message(sock: socket.socket, max_fds: int = 0) -> tuple[Any, list[int]] | None:
    """One datagram and the descriptors that came with it; None at end of stream."""
    if max_fds:
        data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, max_fds)
        for fd in fds:
            # Nothing the caller spawns later may inherit a run's pipes. (recv_fds
            # drops its flags argument in this Python, so MSG_CMSG_CLOEXEC is no help.)
            os.set_inheritable(fd, False)
    else:
        data, fds = sock.recv(MAX_MESSAGE), []
    if not data:
        for fd in fds:
            os.close(fd)
        return None
    return json.loads(data), list(fds)


POOL_SIZE = 2  # isolated children kept waiting: a burst of two runs never waits for setup


def _alive(child: handle.Child) -> bool:
    r, _, _ = select.select([child.pidfd], [], [], 0)
    return not r


class ForkServer:
    def __init__(self, sock: socket.socket, strict: bool, pool_size: int = POOL_SIZE) -> None:
        self.sock = sock
        self.strict = strict
        self.pool_size = pool_size
        self.pool: list[handle.Child] = []  # isolated, waiting for a request
        self.out: dict[int, handle.Child] = {}  # pid -> handed over, not yet disposed
        self.dying: dict[int, handle.Child] = {}  # pidfd -> disposed, being torn down
        self.poller = select.poll()
        self.poller.register(sock.fileno(), select.POLLIN)

    def _take(self, limits: Limits) -> handle.Child:
        """A waiting child whose /tmp has the requested size (its size is fixed at mount)."""
        for child in list(self.pool):
            if not _alive(child):
                self.pool.remove(child)
                child.discard()
            elif child.tmp_mb == limits.tmp_mb:
                self.pool.remove(child)
                return child
        return supervise.spawn("warm", limits, strict=self.strict)

    def _refill(self) -> None:
        try:
            self.pool.append(supervise.spawn("warm", Limits(), strict=self.strict))
        except Exception as exc:  # noqa: BLE001 - a request will retry and report it
            print(f"zygote: could not prepare a sandbox: {exc}", file=sys.stderr)

    def _hand_over(self, msg: dict[str, Any]) -> None:
        try:
            child = self._take(Limits(**msg["limits"]))
        except Exception as exc:  # noqa: BLE001 - any failure to fork or isolate is ours
            send_message(self.sock, {"error": f"spawn failed: {type(exc).__name__}: {exc}"})
            return
        info = {
            "pid": child.pid,
            "uid": child.uid,
            "mode": child.mode,
            "tmp_mb": child.tmp_mb,
            "cgroups": child.cgroups.dirs,
            "cgroup_limits": list(child.cgroup_limits),
        }
        send_message(self.sock, info, [child.ctl.fileno(), child.out_r, child.err_r, child.res_r])
        # Our copies are not needed: only the caller talks to the child.
        for fd in (child.out_r, child.err_r, child.res_r):
            os.close(fd)
        child.out_r = child.err_r = child.res_r = -1
        child.ctl.close()
        self.out[child.pid] = child

    def _reap(self, pid: int) -> None:
        child = self.out.get(pid)
        if child is None or child.reaped:
            send_message(self.sock, {"error": f"no such child: {pid}"})
            return
        _, status, ru = os.wait4(pid, 0)
        child.reaped = True
        send_message(
            self.sock,
            {"status": status, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss},
        )

    def _dispose(self, pid: int) -> None:
        child = self.out.pop(pid, None)
        if child is None:
            return
        child.release()
        if child.reaped:
            child.finish()
        else:
            self.dying[child.pidfd] = child
            self.poller.register(child.pidfd, select.POLLIN)

    def serve(self) -> None:
        while True:
            # Block only when the pool is full; otherwise look for work and, if there
            # is none, prepare one more child. A request never waits for more than
            # the one fork already under way.
            full = len(self.pool) >= self.pool_size
            ready = {fd for fd, _ in self.poller.poll(None if full else 0)}
            for fd in ready & self.dying.keys():
                self.poller.unregister(fd)
                self.dying.pop(fd).finish()  # gone: reap and remove its cgroups
            if self.sock.fileno() not in ready:
                if not full:
                    self._refill()
                continue
            got = recv_message(self.sock)
            if got is None:
                break
            msg = got[0]
            op = msg.get("op")
            if op == "child":
                self._hand_over(msg)
            elif op == "reap":
                self._reap(int(msg["pid"]))
            elif op == "dispose":
                self._dispose(int(msg["pid"]))
        for child in [*self.out.values(), *self.dying.values(), *self.pool]:
            child.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    fd, parent, mode = int(args[0]), int(args[1]), args[2]
    # Die with the process that started us; and if it is already gone, do not start.
    _sys.prctl(_sys.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        return 1
    sock = socket.socket(fileno=fd)
    from grader.sandbox import child

    names = child.preload()
    seccomp.build_program()  # built once here, inherited by every child
    # Move everything imported so far out of the collector's reach: children then
    # do not dirty (copy) those pages when they collect garbage.
    gc.freeze()
    send_message(sock, {"hello": os.getpid(), "preloaded": names})
    ForkServer(sock, strict=(mode == "strict")).serve()
    return 0
