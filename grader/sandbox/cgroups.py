"""Per-run cgroup v1 groups, where the host allows them.

Each run gets ``/sys/fs/cgroup/<controller>/grader-sandbox/<name>`` for
``memory`` (a hard limit, OOM kills counted), ``pids`` (a process/thread cap)
and ``cpuacct`` (the CPU time of every process of the run, read from outside, so
the CPU limit holds for the run as a whole however many processes it forks).
There is deliberately no ``cpu`` group with a quota: on a busy machine CFS
bandwidth control made a cold start three times slower, and the CPU limit
already bounds a run's total CPU. The child joins them itself
(while still root) before it unshares its cgroup namespace. A controller that
is not mounted or not writable is simply skipped: rlimits still cap address
space, process count and per-process CPU, and ``doctor`` reports the gap.
"""

from __future__ import annotations

import errno
import os
import time

CGROUP_ROOT = "/sys/fs/cgroup"
PARENT = "grader-sandbox"
MEMORY_SLACK_MB = 64  # page tables, kernel memory and the child's own copy-on-write pages
CONTROLLERS = ("memory", "pids", "cpuacct")


def controller_dir(controller: str) -> str:
    return os.path.join(CGROUP_ROOT, controller, PARENT)


def available(controller: str) -> bool:
    base = os.path.join(CGROUP_ROOT, controller)
    if not os.path.isfile(os.path.join(base, "cgroup.procs")):
        return False
    try:
        os.makedirs(controller_dir(controller), exist_ok=True)
    except OSError:
        return False
    return os.access(controller_dir(controller), os.W_OK)


def _write(path: str, value: str | int) -> None:
    with open(path, "w") as f:
        f.write(str(value))


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def sweep_stale() -> int:
    """Remove empty run groups left by a supervisor that died (killed zygote, crash).

    A group is named ``<supervisor pid>-<n>``; it is removed only when that process no
    longer exists, so a live supervisor's freshly made, still empty group is left alone.
    """
    removed = 0
    for c in CONTROLLERS:
        base = controller_dir(c)
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
            try:
                os.rmdir(d)  # fails (EBUSY) if anything still runs in it
                removed += 1
            except OSError:
                pass
    return removed


class RunCgroups:
    """The memory and pids groups of one run (either may be absent)."""

    def __init__(self, name: str, controllers: tuple[str, ...]) -> None:
        self.dirs: dict[str, str] = {}
        for c in controllers:
            d = os.path.join(controller_dir(c), name)
            try:
                os.mkdir(d)
            except FileExistsError:
                pass
            except OSError:
                continue
            self.dirs[c] = d

    @classmethod
    def existing(cls, dirs: dict[str, str]) -> RunCgroups:
        """The groups another process made (the zygote), to read and limit from here."""
        groups = cls("", ())
        for c, d in dirs.items():
            if c in CONTROLLERS and os.path.dirname(d) == controller_dir(c):
                groups.dirs[c] = d
        return groups

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in self.dirs.values()]

    def set_limits(self, memory_mb: int, processes: int) -> None:
        if "memory" in self.dirs:
            d = self.dirs["memory"]
            limit = (memory_mb + MEMORY_SLACK_MB) * 1024 * 1024
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
        d = self.dirs.get("cpuacct")
        if d is None:
            return None
        try:
            return int(_read(os.path.join(d, "cpuacct.usage"))) / 1e9
        except (OSError, ValueError):
            return None

    def oom_kills(self) -> int:
        d = self.dirs.get("memory")
        if d is None:
            return 0
        try:
            for line in _read(os.path.join(d, "memory.oom_control")).splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
            return 1 if int(_read(os.path.join(d, "memory.failcnt"))) else 0
        except OSError:
            return 0

    def peak_kb(self) -> int | None:
        d = self.dirs.get("memory")
        if d is None:
            return None
        try:
            return int(_read(os.path.join(d, "memory.max_usage_in_bytes"))) // 1024
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        for d in self.dirs.values():
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    time.sleep(0.002)  # the last task is still being torn down
        self.dirs.clear()
