"""The sandbox side of a run, and what harness code inside a sandbox may call.

This module is loaded inside every sandbox (preloaded by the zygote; made
available read-only on the cold path) and imports only the standard library.

``mark()`` tells the trusted side "the timed part starts now". The first call
blocks until the trusted side has read this process's CPU clock *from outside*
(the child never reports its own CPU time); later calls do nothing.

``serve()`` is the child's half of the protocol: after isolation it writes
``R`` on the control socket, reads one request frame (a 4-byte big-endian length
and a JSON object ``{"task", "payload", "limits"}``), applies the resource
limits, calls the task, and writes one JSON object to the result pipe. The
supervisor decides the outcome from what it observes from outside; this object
is only what the process *said*.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import resource
import sys
from collections.abc import Callable
from typing import Any, NoReturn

HARNESS_PACKAGE = "grader.harness"
MESSAGE_CAP = 2000

_TASK_RE = re.compile(r"^grader\.harness(?:\.[A-Za-z_][A-Za-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*$")

# Set by whoever runs the task in this process: serve() (talks to the trusted side
# over the control socket) or the fake runner (an in-process recorder).
_mark_hook: Callable[[], None] | None = None
_marked = False


def mark() -> None:
    """Ask the trusted side to read this process's CPU clock now (first call only)."""
    global _marked
    if _marked:
        return
    _marked = True
    hook = _mark_hook
    if hook is not None:
        hook()


def _install(hook: Callable[[], None] | None) -> None:
    """Install the mark hook for one run (trusted code only, before the task starts)."""
    global _mark_hook, _marked
    _mark_hook = hook
    _marked = False


def validate_task(task: str) -> tuple[str, str]:
    """Return ``(module, function)`` for a well-formed harness task or raise ValueError."""
    if not isinstance(task, str) or not _TASK_RE.match(task):
        raise ValueError(f"not a harness task: {task!r} (expected 'grader.harness.<module>:<fn>')")
    module, func = task.split(":", 1)
    if func.startswith("_"):
        raise ValueError(f"refusing private task function: {task!r}")
    return module, func


def resolve_task(task: str) -> Callable[[Any], Any]:
    """Import the harness module and return the task function."""
    module, func = validate_task(task)
    mod = importlib.import_module(module)
    fn: Callable[[Any], Any] | None = getattr(mod, func, None)
    if not callable(fn):
        raise ValueError(f"task function not found: {task!r}")
    return fn


def preload() -> list[str]:
    """Import NumPy, the harness package and all its submodules; return their names."""
    import pkgutil

    import numpy  # noqa: F401 - imported for its side effect: warm in the zygote

    names = ["numpy"]
    pkg = importlib.import_module(HARNESS_PACKAGE)
    names.append(HARNESS_PACKAGE)
    for info in pkgutil.walk_packages(pkg.__path__, HARNESS_PACKAGE + "."):
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def safe_str(obj: object) -> str:
    try:
        return str(obj)[:MESSAGE_CAP]
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not break the protocol
        return f"<unprintable {type(obj).__name__}>"


def _read_exact(fd: int, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise EOFError("control socket closed")
        buf += chunk
    return buf


def _pipe_hook(ctl_fd: int) -> Callable[[], None]:
    def hook() -> None:
        os.write(ctl_fd, b"M")
        os.read(ctl_fd, 1)  # the ack: the trusted side has sampled our CPU clock

    return hook


def _apply_limits(limits: dict[str, Any]) -> None:
    mb = 1024 * 1024
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_now = used.ru_utime + used.ru_stime
    soft = max(1, math.ceil(cpu_now + float(limits["cpu_seconds"])))
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    # The address-space cap counts what the warm interpreter already maps, so the
    # student gets memory_mb on top of it (the cgroup caps what is really touched).
    vm = _vm_size_bytes()
    resource.setrlimit(resource.RLIMIT_AS, (vm + int(limits["memory_mb"]) * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (int(limits["open_files"]),) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limits["file_size_mb"]) * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_NPROC, (int(limits["processes"]),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _vm_size_bytes() -> int:
    with open("/proc/self/statm", "rb") as f:
        pages = int(f.read().split()[0])
    return pages * resource.getpagesize()


def _encode_result(raw: Any, result_bytes: int) -> bytes:
    try:
        text = json.dumps(raw, allow_nan=False)
    except BaseException as exc:  # noqa: BLE001 - hostile objects may raise anything
        return json.dumps({"status": "unserialisable", "message": safe_str(exc)}).encode()
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > result_bytes:
        return json.dumps({"status": "too_big", "size": len(data)}).encode()
    return b'{"status": "ok", "value": ' + data + b"}"


def serve(ctl_fd: int, result_fd: int) -> NoReturn:
    """Run one request inside an already isolated process, then exit. Never returns."""
    try:
        os.write(ctl_fd, b"R")
        size = int.from_bytes(_read_exact(ctl_fd, 4), "big")
        request = json.loads(_read_exact(ctl_fd, size))
        limits = request["limits"]
        fn = resolve_task(request["task"])
        payload = request["payload"]
        del request
        _install(_pipe_hook(ctl_fd))
        _apply_limits(limits)
        os.write(ctl_fd, b"S")  # from here on, everything that happens is the student's doing
    except BaseException as exc:  # noqa: BLE001 - reported to the supervisor as our fault
        os.write(2, f"sandbox child setup failed: {safe_str(exc)}\n".encode())
        os._exit(121)
    try:
        raw = fn(payload)
        out = _encode_result(raw, int(limits["result_bytes"]))
    except BaseException as exc:  # noqa: BLE001 - the student's exception is data
        out = json.dumps(
            {"status": "exception", "type": safe_str(type(exc).__name__), "message": safe_str(exc)}
        ).encode()
        del exc
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001, S110 - a closed or replaced stream is the student's doing
        pass
    try:
        view = memoryview(out)
        while view:
            view = view[os.write(result_fd, view) :]
    except OSError:
        os._exit(122)  # the student closed or replaced our result pipe
    # Closing our ends now lets the supervisor answer before the kernel has finished
    # tearing this process down (unmapping the interpreter takes milliseconds).
    for fd in (result_fd, 1, 2):
        try:
            os.close(fd)
        except OSError:
            pass
    os._exit(0)


def cold_main() -> NoReturn:
    """Entry point of a fresh interpreter inside the sandbox (the cold path).

    NumPy is imported before ``R`` (so, like on the warm path, a student's
    ``import numpy`` costs nothing of their CPU budget); the task's own harness
    module is imported when the request names it, still before ``S``.
    """
    ctl_fd, result_fd = int(sys.argv[1]), int(sys.argv[2])
    import numpy  # noqa: F401

    serve(ctl_fd, result_fd)
