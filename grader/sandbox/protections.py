"""Which protections does this machine give the sandbox?

``report()`` probes each protection in a throw-away child process (so nothing
here changes the caller) and returns one :class:`Protection` per item. The
essential ones are what ``run()`` insists on unless ``GRADER_SANDBOX_DEV=1``;
``python -m grader doctor`` (``grader.sandbox.doctor``) prints them and adds a
real run.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from grader.sandbox import _sys, cgroups, layout, seccomp

DEV_ENV = "GRADER_SANDBOX_DEV"


def dev_mode() -> bool:
    """Development mode: runs go ahead without the missing essentials (a laptop without
    root), each with a warning."""
    return os.environ.get(DEV_ENV, "") == "1"


@dataclass(frozen=True)
class Protection:
    name: str
    active: bool
    essential: bool
    detail: str = ""


def _probe(fn: Callable[[], object]) -> tuple[bool, str]:
    """Run ``fn`` in a forked child; (True, "") if it returned, else (False, why)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            fn()
            msg = b""
        except BaseException as exc:  # noqa: BLE001 - the probe's whole point
            msg = f"{type(exc).__name__}: {exc}".encode()[:500] or b"failed"
        os.write(w, msg or b"\0")
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read()
    os.waitpid(pid, 0)
    if out == b"\0":
        return True, ""
    return False, out.decode("utf-8", "replace") or "probe crashed"


def _unshare(flag: int) -> Callable[[], None]:
    return lambda: _sys.unshare(flag)


def _seccomp_works() -> None:
    _sys.prctl(_sys.PR_SET_NO_NEW_PRIVS, 1)
    seccomp.install()
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return
    raise RuntimeError("socket() still works under the filter")


def _sandbox_paths() -> None:
    lay = layout.default_layout()
    missing = [p for p in lay.ro_dirs + lay.ro_files if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(", ".join(missing))


def _numpy_found() -> None:
    if importlib.util.find_spec("numpy") is None:
        raise ModuleNotFoundError("numpy")


def report() -> list[Protection]:
    """Probe every protection (a few milliseconds of forks)."""
    items: list[Protection] = []

    def add(name: str, essential: bool, ok: bool, detail: str) -> None:
        items.append(Protection(name, ok, essential, detail))

    root = os.geteuid() == 0
    add("root (to build namespaces and mounts)", True, root, "" if root else "run as root")
    add("x86-64 (seccomp filter ABI)", True, _sys.IS_X86_64, os.uname().machine)
    for label, flag in (
        ("pid namespace", _sys.CLONE_NEWPID),
        ("network namespace (no interfaces, no host loopback)", _sys.CLONE_NEWNET),
        ("mount namespace + minimal read-only root", _sys.CLONE_NEWNS),
        ("ipc namespace", _sys.CLONE_NEWIPC),
        ("uts namespace", _sys.CLONE_NEWUTS),
        ("user namespace (run uid mapped onto itself)", _sys.CLONE_NEWUSER),
    ):
        ok, why = _probe(_unshare(flag))
        add(label, True, ok, why)
    ok, why = _probe(_unshare(_sys.CLONE_NEWCGROUP))
    add("cgroup namespace", False, ok, why)
    ok, why = _probe(_seccomp_works) if _sys.IS_X86_64 else (False, "not x86-64")
    add("seccomp filter + no_new_privs", True, ok, why)
    ok, why = _probe(_sandbox_paths)
    add("sandbox root sources (interpreter, NumPy, harness)", True, ok, why)
    ok, why = _probe(_numpy_found)
    add("NumPy importable", True, ok, why)
    h = cgroups.hierarchy()
    version = f"cgroup v{h.version}" if h.version else "cgroups"
    add(f"cgroup hierarchy: {version}", False, h.version > 0, h.detail)
    for c, what, essential in (
        ("memory", "whole-run memory limit (memory cgroup)", True),
        ("pids", "whole-run process limit (pids cgroup)", True),
        ("cpu", "whole-run CPU accounting (cgroup CPU usage)", False),
    ):
        ok = h.has(c)
        add(what, essential, ok, version if ok else "missing: see the cgroup hierarchy line")
    add("rlimits (cpu, as, nproc, nofile, fsize, core: per process)", True, True, "always applied")
    return items


@lru_cache(maxsize=1)
def _cached_missing() -> tuple[str, ...]:
    return tuple(p.name for p in report() if p.essential and not p.active)


def missing_essentials() -> list[str]:
    """Names of essential protections this machine lacks (probed once per process)."""
    return list(_cached_missing())


def usable() -> bool:
    """Whether ``run()`` goes ahead here: every essential is active, or development mode."""
    return not missing_essentials() or dev_mode()
