"""The caller's side: ``run()`` through a per-process zygote, or cold when there is none.

Each process that grades (a Celery worker process, a test, the benchmark) gets
its own zygote, started lazily and restarted when it dies. A process forked
from one that already had a zygote (Celery's prefork pool) notices the pid
change and starts its own rather than sharing its parent's connection. When no
zygote can be started, runs take the cold path: the same isolation, then a
fresh interpreter inside the sandbox.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from grader.sandbox import cgroups, handle, layout, protections, supervise, zygote
from grader.sandbox.api import Limits, Outcome, RunResult, SandboxUnavailable
from grader.sandbox.child import validate_task

log = logging.getLogger("grader.sandbox")

DEV_ENV = protections.DEV_ENV
NO_ZYGOTE_ENV = "GRADER_SANDBOX_NO_ZYGOTE"  # force the cold path (tests, benchmark)
ZYGOTE_START_TIMEOUT = 30.0
ZYGOTE_RETRY_AFTER = 30.0  # after a failed start, go cold for this long before trying again
ZYGOTE_REPLY_TIMEOUT = 30.0  # the zygote only forks and reaps: it answers at once

DEFAULT_LIMITS = Limits()  # frozen, so one shared default is safe


def zygote_env() -> dict[str, str]:
    """The zygote's whole environment: nothing inherited, so no secret can leak into it."""
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": layout.PROJECT_ROOT,
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


class ZygoteError(RuntimeError):
    pass


class _ZygoteHandle:
    """This process's fork server, and the ``Parent`` of the children it hands over."""

    def __init__(self, strict: bool) -> None:
        self.owner = os.getpid()
        self.strict = strict
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from grader.sandbox.zygote import main; sys.exit(main())",
                    str(theirs.fileno()),
                    str(os.getpid()),
                    "strict" if strict else "dev",
                ],
                pass_fds=(theirs.fileno(),),
                env=zygote_env(),
                cwd=layout.PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        self.sock = mine
        try:
            self.sock.settimeout(ZYGOTE_START_TIMEOUT)
            got = zygote.recv_message(self.sock)
            hello = got[0] if got else None
            if not isinstance(hello, dict) or hello.get("hello") != self.proc.pid:
                raise ZygoteError(f"bad hello from zygote: {hello!r}")
            self.preloaded = hello.get("preloaded", [])
            self.sock.settimeout(ZYGOTE_REPLY_TIMEOUT)
        except (OSError, ValueError, ZygoteError) as exc:
            self.close()
            raise ZygoteError(f"zygote did not start: {exc}") from exc

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _ask(self, msg: dict[str, Any], max_fds: int = 0) -> tuple[dict[str, Any], list[int]]:
        try:
            zygote.send_message(self.sock, msg)
            got = zygote.recv_message(self.sock, max_fds)
        except (OSError, ValueError) as exc:
            self.close()
            raise ZygoteError(f"zygote failed: {exc}") from exc
        if got is None:
            self.close()
            raise ZygoteError("zygote closed the connection")
        return got

    def child(self, limits: Limits) -> handle.Child:
        """A forked, isolated child waiting for its request; we supervise it from here."""
        info, fds = self._ask({"op": "child", "limits": dataclasses.asdict(limits)}, max_fds=4)
        if "error" in info or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            raise ZygoteError(str(info.get("error", "no descriptors")))
        ctl, out_r, err_r, res_r = fds
        for fd in (out_r, err_r, res_r):
            os.set_blocking(fd, False)
        pid = int(info["pid"])
        return handle.Child(
            pid=pid,
            pidfd=os.pidfd_open(pid),  # safe: the zygote does not reap it before we say so
            ctl=socket.socket(fileno=ctl),
            out_r=out_r,
            err_r=err_r,
            res_r=res_r,
            cgroups=cgroups.RunCgroups.existing(info["cgroups"]),
            mode="warm",
            tmp_mb=int(info["tmp_mb"]),
            uid=int(info["uid"]),
            cgroup_limits=tuple(info["cgroup_limits"]),
            parent=self,
        )

    def reap(self, child: handle.Child) -> tuple[int, float, int]:
        info, _ = self._ask({"op": "reap", "pid": child.pid})
        if "error" in info:
            raise ZygoteError(info["error"])
        return int(info["status"]), float(info["cpu"]), int(info["rss"])

    def dispose(self, child: handle.Child) -> None:
        try:
            zygote.send_message(self.sock, {"op": "dispose", "pid": child.pid})
        except OSError:
            pass  # a dead zygote took its children with it

    def run(self, task: str, payload: Any, limits: Limits) -> RunResult:
        child = self.child(limits)
        try:
            result = supervise.execute(child, task, payload, limits)
        finally:
            child.close()
        result.extra["zygote"] = self.proc.pid
        return result

    def close(self) -> None:
        self.sock.close()
        if self.owner != os.getpid():
            return  # our parent's zygote: closing our copy of the socket is all we may do
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


_lock = threading.Lock()
_handle: _ZygoteHandle | None = None
_failed_at = 0.0


def _zygote(strict: bool) -> _ZygoteHandle | None:
    """This process's zygote (started on demand), or None when we must go cold."""
    global _handle, _failed_at
    if os.environ.get(NO_ZYGOTE_ENV) == "1":
        return None
    h = _handle
    if h is not None and h.owner != os.getpid():
        # Inherited across fork(): the connection belongs to our parent. Drop our copy
        # of the descriptor without touching the parent's zygote.
        h.sock.close()
        _handle = h = None
    if h is not None and (not h.alive() or h.strict != strict):
        h.close()
        _handle = h = None
    if h is None:
        if time.monotonic() - _failed_at < ZYGOTE_RETRY_AFTER and _failed_at:
            return None
        try:
            _handle = h = _ZygoteHandle(strict)
        except (OSError, ZygoteError) as exc:
            _failed_at = time.monotonic()
            log.warning("sandbox zygote unavailable, using the cold path: %s", exc)
            return None
    return h


def shutdown() -> None:
    """Stop this process's zygote (tests and clean exits)."""
    global _handle
    with _lock:
        if _handle is not None and _handle.owner == os.getpid():
            _handle.close()
        _handle = None


def run_cold(task: str, payload: Any, limits: Limits, strict: bool = True) -> RunResult:
    try:
        child = supervise.spawn("cold", limits, strict=strict)
    except Exception as exc:  # noqa: BLE001 - failing to start a sandbox is always ours
        return RunResult(
            outcome=Outcome.SANDBOX_ERROR, detail=f"spawn failed: {type(exc).__name__}: {exc}"
        )
    try:
        return supervise.execute(child, task, payload, limits)
    finally:
        child.close()


def run(task: str, payload: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> RunResult:
    """Run ``task(payload)`` in a fresh sandbox (see ``docs/grading.md``)."""
    validate_task(task)
    try:
        payload = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"payload is not plain JSON data: {exc}") from exc
    missing = protections.missing_essentials()
    strict = True
    if missing:
        if not protections.dev_mode():
            raise SandboxUnavailable(
                "essential sandbox protections are missing: "
                + ", ".join(missing)
                + f" (see `python -m grader doctor`; {DEV_ENV}=1 runs without them)"
            )
        strict = False
        log.warning("SANDBOX DEVELOPMENT MODE: running untrusted code WITHOUT %s", missing)
    with _lock:
        h = _zygote(strict)
        if h is not None:
            try:
                result = h.run(task, payload, limits)
            except ZygoteError as exc:
                global _handle
                h.close()
                _handle = None
                log.warning("sandbox zygote lost (%s); retrying on the cold path", exc)
            else:
                return _mark_dev(result, missing)
    return _mark_dev(run_cold(task, payload, limits, strict), missing)


def _mark_dev(result: RunResult, missing: list[str]) -> RunResult:
    if missing:
        result.extra["development_mode_missing"] = list(missing)
    return result
