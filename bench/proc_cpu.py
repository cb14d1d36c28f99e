"""CPU used by a process tree, read from /proc, split by role.

Every process's ``utime + stime`` is its own CPU; ``cutime + cstime`` is the CPU of
its children that exited and that it reaped (including what they had reaped). So the
sum over a root and every live descendant of both is the CPU of the whole tree since
it started, whatever moved to another cgroup (the sandbox puts each run in cgroups of
its own, so a cgroup of the worker would miss the runs). A grading worker's tree:

    celery main process           -> "worker main"
      pool process                -> "pool processes"
        analysis child (forked)   -> "analysis children" (reaped: the pool's cutime)
        zygote                    -> "zygotes"
          sandbox run             -> "sandbox runs" (reaped: the zygote's cutime)

Take ``tree_cpu(root)`` before and after and subtract (``minus``).
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float, float, str]]:
    """{pid: (ppid, own CPU s, reaped children's CPU s, cmdline)} of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / TICK
        reaped = (int(fields[13]) + int(fields[14])) / TICK
        found[int(entry.name)] = (int(fields[1]), own, reaped, cmd)
    return found


def tree_cpu(root: int) -> dict[str, float]:
    """CPU seconds of ``root`` and its descendants so far, by role (see the module)."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out = {
        "worker main": 0.0,
        "pool processes": 0.0,
        "analysis children": 0.0,
        "zygotes": 0.0,
        "sandbox runs": 0.0,
    }
    if root not in procs:
        return out
    _, own, reaped = procs[root][:3]
    out["worker main"] += own + reaped  # reaped: pool processes that were replaced

    def everything(pid: int) -> float:
        _, own, reaped, _ = procs[pid]
        return own + reaped + sum(everything(c) for c in children.get(pid, []))

    for pool in children.get(root, []):
        _, own, reaped, _ = procs[pool]
        out["pool processes"] += own
        out["analysis children"] += reaped  # also a zygote that died and was reaped
        for kid in children.get(pool, []):
            _, kid_own, kid_reaped, cmd = procs[kid]
            if "grader.sandbox.zygote" in cmd:
                out["zygotes"] += kid_own
                out["sandbox runs"] += kid_reaped + sum(
                    everything(c) for c in children.get(kid, [])
                )
            else:  # an analysis child still exiting (not reaped yet)
                out["analysis children"] += everything(kid)
    return out


def minus(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before.get(k, 0.0) for k in after}


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"
