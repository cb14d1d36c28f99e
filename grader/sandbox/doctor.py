"""Which protections does this machine give the sandbox? ``python -m grader doctor``.

``report()`` probes each protection in a throw-away child process (so nothing
here changes the caller) and returns one :class:`Protection` per item. The
essential ones are what ``run()`` insists on unless ``GRADER_SANDBOX_DEV=1``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache

from grader.sandbox import _sys, cgroups, supervise


@dataclass(frozen=True)
class Protection:
    name: str
    active: bool
    essential: bool
    detail: str = ""


def _probe(fn) -> tuple[bool, str]:
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


def _unshare(flag: int):
    return lambda: _sys.unshare(flag)


def _seccomp_works() -> None:
    from grader.sandbox import seccomp

    _sys.prctl(_sys.PR_SET_NO_NEW_PRIVS, 1)
    seccomp.install()
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return
    raise RuntimeError("socket() still works under the filter")


def _sandbox_paths() -> None:
    missing = [
        p
        for p in supervise.default_layout().ro_dirs + supervise.default_layout().ro_files
        if not os.path.exists(p)
    ]
    if missing:
        raise FileNotFoundError(", ".join(missing))


def _numpy_found() -> None:
    if importlib.util.find_spec("numpy") is None:
        raise ModuleNotFoundError("numpy")


_E2E_SOURCE = """
import os, socket
status = open('/proc/self/status').read()
caps = [l.split()[1] for l in status.splitlines() if l.startswith('CapEff')][0]
try:
    socket.create_connection(('127.0.0.1', 6379), timeout=1)
    net = 'connected'
except OSError as e:
    net = 'refused'
x = {'uid': os.getuid(), 'caps': caps, 'net': net, 'root': sorted(os.listdir('/'))}
"""


def _end_to_end() -> tuple[bool, str]:
    from grader.sandbox import runner

    r = runner.run("grader.harness._selftest:run_source", {"source": _E2E_SOURCE, "name": "x"})
    if not r.ok:
        return False, f"{r.outcome.value}: {r.detail} {r.exc_type} {r.exc_message}"
    v = r.value
    ok = v["uid"] != 0 and int(v["caps"], 16) == 0 and v["net"] == "refused"
    return (
        ok,
        f"uid {v['uid']}, CapEff {v['caps']}, redis {v['net']}, / = {v['root']}, via {r.extra.get('mode')}",
    )


def report(end_to_end: bool = False) -> list[Protection]:
    """Probe every protection (a few milliseconds of forks); optionally run a real sandbox."""
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
    if end_to_end:
        if (
            any(p.essential and not p.active for p in items)
            and os.environ.get("GRADER_SANDBOX_DEV") != "1"
        ):
            add("end-to-end sandbox run", True, False, "skipped: essentials missing")
        else:
            try:
                ok, why = _end_to_end()
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                ok, why = False, f"{type(exc).__name__}: {exc}"
            add("end-to-end sandbox run", True, ok, why)
    return items


@lru_cache(maxsize=1)
def _cached_missing() -> tuple[str, ...]:
    return tuple(p.name for p in report() if p.essential and not p.active)


def missing_essentials() -> list[str]:
    """Names of essential protections this machine lacks (probed once per process)."""
    return list(_cached_missing())


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit status 0 when every essential protection is active."""
    args = sys.argv[1:] if argv is None else argv
    items = report(end_to_end="--quick" not in args)
    if "--json" in args:
        print(json.dumps([asdict(p) for p in items], indent=2))
    else:
        for p in items:
            mark = "ok  " if p.active else ("MISSING" if p.essential else "off ")
            tag = "essential" if p.essential else "optional"
            line = f"[{mark:7}] {p.name} ({tag})"
            if p.detail:
                line += f": {p.detail}"
            print(line)
    missing = [p.name for p in items if p.essential and not p.active]
    if missing:
        dev = os.environ.get("GRADER_SANDBOX_DEV") == "1"
        print(
            f"\n{len(missing)} essential protection(s) missing: grading "
            + ("runs in DEVELOPMENT MODE (unsafe)." if dev else "will refuse to start."),
        )
        return 1
    print("\nAll essential protections are active.")
    return 0
