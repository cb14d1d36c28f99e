"""Per-run cgroups: the whole run's memory and process limits, and its CPU time.

rlimits cap one process at a time; only a cgroup caps a run that forks. Each run gets
a group of its own, which the child joins itself (while still root) before it
unshares its cgroup namespace, and which is removed when the run is reaped.

cgroup v2 (the unified hierarchy of every current distribution and of Docker on
it): one leaf per run, ``<base>/grader-sandbox/<supervisor pid>-<n>``, with
``memory.max``, ``memory.swap.max = 0`` (no escape into swap), ``memory.oom.group
= 1`` (an OOM kill takes the whole run, not one process of it) and ``pids.max``;
the run's CPU is read from outside in ``cpu.stat``, and ``cgroup.kill`` ends a run
at once. ``<base>`` is chosen by :func:`hierarchy`:

- the real root of the hierarchy (root on a host, in a login session or a service
  that was not delegated a subtree): ``/sys/fs/cgroup`` itself, as with v1;
- a subtree handed to this process: a systemd unit with ``Delegate=yes`` (systemd
  marks it with the ``trusted.delegate`` attribute; ``GRADER_CGROUP_DELEGATED=1``
  says so where nothing marks it) or the root of a private cgroup namespace (a
  container with its own cgroup namespace). The kernel lets a cgroup
  that enables controllers for its children hold no process itself ("no internal
  processes"), so every process of that cgroup (the worker, its pool, the zygotes)
  is first moved into the leaf ``<base>/supervisor``.

cgroup v1: ``/sys/fs/cgroup/<controller>/grader-sandbox/<name>`` for ``memory``
(a hard limit, swap included, OOM kills counted), ``pids`` and ``cpuacct``.

There is deliberately no CPU quota: on a busy machine CFS bandwidth control made
a cold start three times slower, and the CPU limit already bounds a run's total
CPU. The memory and pids limits are essential (``doctor``); without them grading
refuses to start (development mode aside).
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass
from functools import lru_cache

CGROUP_ROOT = "/sys/fs/cgroup"
PARENT = "grader-sandbox"
SUPERVISOR = "supervisor"  # v2: the leaf the worker's own processes move into
MEMORY_SLACK_MB = 64  # page tables, kernel memory and the child's own copy-on-write pages
CONTROLLERS = ("memory", "pids", "cpuacct")  # v1 controllers, each its own hierarchy
DELEGATED_ENV = "GRADER_CGROUP_DELEGATED"  # 1: this process's own v2 cgroup is the grader's
V2 = "unified"  # the key of a run's one v2 leaf in RunCgroups.dirs
V2_CONTROLLERS = ("memory", "pids")  # enabled for the runs' parent (cpu.stat needs none)
HOW_TO = (
    "give the grader a writable cgroup hierarchy: run it as root on the host, as a systemd "
    "service with Delegate=yes, or in a container with its own cgroup namespace and a "
    "writable /sys/fs/cgroup (docs/deployment.md)"
)


@dataclass(frozen=True)
class Hierarchy:
    """What this process can use for whole-run limits (probed once per process)."""

    version: int  # 2 (unified), 1, or 0 when neither is usable
    runs_dir: str  # v2: where run leaves are made; "" otherwise
    controllers: tuple[str, ...]  # of "memory", "pids", "cpu" (CPU accounting)
    detail: str  # the path used, or why there is none

    def has(self, what: str) -> bool:
        return what in self.controllers


def _write(path: str, value: str | int) -> None:
    with open(path, "w") as f:
        f.write(str(value))


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _keyed(path: str, key: str) -> int | None:
    """The value of ``key`` in a flat keyed file (memory.events, cpu.stat)."""
    try:
        for line in _read(path).splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return None


# ---------------------------------------------------------------- v1


def controller_dir(controller: str) -> str:
    return os.path.join(CGROUP_ROOT, controller, PARENT)


def _v1_available(controller: str) -> bool:
    base = os.path.join(CGROUP_ROOT, controller)
    if not os.path.isfile(os.path.join(base, "cgroup.procs")):
        return False
    try:
        os.makedirs(controller_dir(controller), exist_ok=True)
    except OSError:
        return False
    return os.access(controller_dir(controller), os.W_OK)


def _v1() -> Hierarchy:
    found = tuple(c for c in CONTROLLERS if _v1_available(c))
    names = tuple({"cpuacct": "cpu"}.get(c, c) for c in found)
    where = os.path.join(CGROUP_ROOT, "{" + ",".join(found) + "}", PARENT) if found else ""
    return Hierarchy(1 if found else 0, "", names, where or f"no writable cgroup: {HOW_TO}")


# ---------------------------------------------------------------- v2


def _own_cgroup() -> str:
    """This process's v2 cgroup, relative to the hierarchy's (or namespace's) root."""
    try:
        for line in _read("/proc/self/cgroup").splitlines():
            if line.startswith("0::"):
                return line[3:].strip()
    except OSError:
        pass
    return ""


def _delegated(path: str) -> bool:
    for attr in ("trusted.delegate", "user.delegate"):
        try:
            if os.getxattr(path, attr) == b"1":
                return True
        except OSError:
            pass
    return False


def _enable(cgroup: str, controllers: tuple[str, ...]) -> None:
    have = _read(os.path.join(cgroup, "cgroup.subtree_control")).split()
    want = [c for c in controllers if c not in have]
    if want:
        _write(os.path.join(cgroup, "cgroup.subtree_control"), " ".join("+" + c for c in want))


def _evacuate(cgroup: str) -> None:
    """Move every process of ``cgroup`` into its supervisor leaf, then enable controllers.

    Another process of the same cgroup may fork (or be probing too) meanwhile; enabling
    then fails with EBUSY and we move the newcomers and try again.
    """
    leaf = os.path.join(cgroup, SUPERVISOR)
    os.makedirs(leaf, exist_ok=True)
    for _ in range(100):
        for pid in _read(os.path.join(cgroup, "cgroup.procs")).split():
            try:
                _write(os.path.join(leaf, "cgroup.procs"), pid)
            except OSError as exc:
                if exc.errno != errno.ESRCH:
                    raise
        try:
            _enable(cgroup, V2_CONTROLLERS)
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
    left = _read(os.path.join(cgroup, "cgroup.procs")).split()
    raise OSError(errno.EBUSY, f"cannot empty {cgroup} (still holds {left or 'no process'})")


def _v2() -> Hierarchy:
    own = _own_cgroup()
    base = os.path.normpath(os.path.join(CGROUP_ROOT, own.lstrip("/")))
    if os.path.basename(base) == SUPERVISOR and os.path.isdir(
        os.path.join(os.path.dirname(base), PARENT)
    ):
        # Moved here by the process that prepared the subtree (the worker, before it
        # started its pool and zygotes): the subtree is the supervisor leaf's parent.
        how = "delegated, prepared by this worker"
        base = os.path.dirname(base)
    elif own in ("", "/") and not os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.type")):
        how = "the hierarchy's root"
        base = CGROUP_ROOT  # the real root: exempt from the no-internal-processes rule
    elif own == "/" or _delegated(base) or os.environ.get(DELEGATED_ENV) == "1":
        how = "delegated: " + ("a cgroup namespace's root" if own == "/" else own)
    else:
        # A cgroup nobody handed us (a login session, a service without Delegate=yes):
        # leave it to its owner and work at the top of the hierarchy, as root may.
        how = f"the hierarchy's root (own cgroup {own} is not delegated)"
        base = CGROUP_ROOT
    missing = [
        c
        for c in V2_CONTROLLERS
        if c not in _read(os.path.join(base, "cgroup.controllers")).split()
    ]
    if missing:
        return Hierarchy(0, "", (), f"cgroup v2 at {base} offers no {', '.join(missing)}")
    if how.startswith("delegated"):  # a namespace's root is /sys/fs/cgroup too
        _evacuate(base)
    else:
        _enable(base, V2_CONTROLLERS)
    runs = os.path.join(base, PARENT)
    os.makedirs(runs, exist_ok=True)
    _enable(runs, V2_CONTROLLERS)
    return Hierarchy(2, runs, (*V2_CONTROLLERS, "cpu"), f"{runs} ({how})")


@lru_cache(maxsize=1)
def hierarchy() -> Hierarchy:
    """Find (and on v2 prepare) the cgroups this process can give its runs."""
    if os.path.isfile(os.path.join(CGROUP_ROOT, "cgroup.controllers")):
        try:
            return _v2()
        except OSError as exc:
            return Hierarchy(0, "", (), f"cgroup v2 not writable ({exc}): {HOW_TO}")
    return _v1()


def available(controller: str) -> bool:
    """Whether runs get ``controller`` ("memory", "pids", or "cpuacct"/"cpu" accounting)."""
    return hierarchy().has({"cpuacct": "cpu"}.get(controller, controller))


def _parents() -> list[str]:
    h = hierarchy()
    if h.version == 2:
        return [h.runs_dir]
    return [controller_dir(c) for c in CONTROLLERS] if h.version == 1 else []


def _kill(leaf: str) -> None:
    try:
        _write(os.path.join(leaf, "cgroup.kill"), 1)
    except OSError:
        pass  # v1, a kernel before 5.14, or already gone


def sweep_stale() -> int:
    """Remove run groups left by a supervisor that died (killed zygote, crash).

    A group is named ``<supervisor pid>-<n>``; it is removed only when that process no
    longer exists, so a live supervisor's freshly made, still empty group is left alone.
    On v2 whatever still runs in it is killed first.
    """
    removed = 0
    for base in _parents():
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            owner = name.split("-", 1)[0]
            d = os.path.join(base, name)
            if not owner.isdigit() or not os.path.isdir(d):
                continue
            try:
                os.kill(int(owner), 0)
                continue  # its supervisor is alive: its business
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            _kill(d)
            if _rmdir(d):
                removed += 1
    return removed


def _rmdir(d: str) -> bool:
    for _ in range(50):
        try:
            os.rmdir(d)
            return True
        except FileNotFoundError:
            return True
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                return False
            time.sleep(0.002)  # the last task is still being torn down
    return False


class RunCgroups:
    """The groups of one run: one v2 leaf, or v1 memory/pids/cpuacct groups (any may be absent)."""

    def __init__(self, name: str) -> None:
        self.dirs: dict[str, str] = {}
        if not name:
            return
        h = hierarchy()
        if h.version == 2:
            wanted = {V2: h.runs_dir}
        else:
            wanted = {c: controller_dir(c) for c in CONTROLLERS if available(c)}
        for key, parent in wanted.items():
            d = os.path.join(parent, name)
            try:
                os.mkdir(d)
            except FileExistsError:
                pass
            except OSError:
                continue
            self.dirs[key] = d

    @classmethod
    def existing(cls, dirs: dict[str, str]) -> RunCgroups:
        """The groups another process made (the zygote), to read, limit and kill from here."""
        groups = cls("")
        allowed = {c: controller_dir(c) for c in CONTROLLERS}
        h = hierarchy()
        if h.version == 2:
            allowed[V2] = h.runs_dir
        for key, d in dirs.items():
            if key in allowed and os.path.dirname(d) == allowed[key]:
                groups.dirs[key] = d
        return groups

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in self.dirs.values()]

    def set_limits(self, memory_mb: int, processes: int) -> None:
        limit = (memory_mb + MEMORY_SLACK_MB) * 1024 * 1024
        leaf = self.dirs.get(V2)
        if leaf is not None:
            _write(os.path.join(leaf, "memory.max"), limit)
            swap = os.path.join(leaf, "memory.swap.max")
            if os.path.exists(swap):  # absent when the kernel has no swap accounting
                _write(swap, 0)
            _write(os.path.join(leaf, "memory.oom.group"), 1)
            _write(os.path.join(leaf, "pids.max"), processes + 1)
            return
        if "memory" in self.dirs:
            d = self.dirs["memory"]
            files = [os.path.join(d, "memory.limit_in_bytes")]
            memsw = os.path.join(d, "memory.memsw.limit_in_bytes")
            if os.path.exists(memsw):
                files.append(memsw)  # no escape into swap
            try:
                for f in files:
                    _write(f, limit)
            except OSError:
                for f in reversed(files):  # memsw must stay >= limit: raise it first
                    _write(f, limit)
        if "pids" in self.dirs:
            _write(os.path.join(self.dirs["pids"], "pids.max"), processes + 1)

    def cpu_seconds(self) -> float | None:
        """CPU time of every process that ever ran in this run's group, or None."""
        leaf = self.dirs.get(V2)
        if leaf is not None:
            usec = _keyed(os.path.join(leaf, "cpu.stat"), "usage_usec")
            return None if usec is None else usec / 1e6
        d = self.dirs.get("cpuacct")
        if d is None:
            return None
        try:
            return int(_read(os.path.join(d, "cpuacct.usage"))) / 1e9
        except (OSError, ValueError):
            return None

    def oom_kills(self) -> int:
        leaf = self.dirs.get(V2)
        if leaf is not None:
            return _keyed(os.path.join(leaf, "memory.events"), "oom_kill") or 0
        d = self.dirs.get("memory")
        if d is None:
            return 0
        kills = _keyed(os.path.join(d, "memory.oom_control"), "oom_kill")
        if kills is not None:
            return kills
        try:
            return 1 if int(_read(os.path.join(d, "memory.failcnt"))) else 0
        except (OSError, ValueError):
            return 0

    def peak_kb(self) -> int | None:
        leaf = self.dirs.get(V2)
        if leaf is not None:
            path = os.path.join(leaf, "memory.peak")  # kernel 5.19 and later
        elif "memory" in self.dirs:
            path = os.path.join(self.dirs["memory"], "memory.max_usage_in_bytes")
        else:
            return None
        try:
            return int(_read(path)) // 1024
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """SIGKILL every process of the run at once (v2; on v1 the pid namespace does it)."""
        leaf = self.dirs.get(V2)
        if leaf is not None:
            _kill(leaf)

    def remove(self) -> None:
        for key, d in self.dirs.items():
            if not _rmdir(d) and key == V2:
                _kill(d)  # something outlived the run's pid 1: end it, then try again
                _rmdir(d)
        self.dirs.clear()
