"""The whole run's memory limit: many processes that together allocate far beyond
``memory_mb`` are killed as one at the run's limit, and the host never pays for them."""

from __future__ import annotations

import os
import signal
import threading
import time

from grader.sandbox.api import Limits, Outcome

LIMITS = Limits(memory_mb=256, processes=32, cpu_seconds=20.0, wall_seconds=60.0)
HOST_BUDGET = 1024 * 1024 * 1024  # the whole grading, every process of it
SAFETY_CAP = 3 * HOST_BUDGET // 2  # past this the watcher ends the run itself

# 28 children of 230 MB each, every page written: 6.4 GB if nothing holds the run.
FORK_BOMB = """
import time
kids = []
for _ in range(28):
    pid = os.fork()
    if pid == 0:
        block = b'\\x01' * (230 * 1024 * 1024)
        time.sleep(60)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
x = 'every child survived'
"""


def _descendants(root: int) -> list[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        parent[int(entry)] = int(stat.rsplit(b")", 1)[1].split()[1])
    found, todo = [], [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found += kids
        todo += kids
    return found


def _pss_bytes(pid: int) -> int:
    # Proportional set size: pages shared by forked processes are counted once in total.
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class _HostMemoryWatch(threading.Thread):
    """Samples the memory of every process this test started, the sandbox's included."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            procs = _descendants(me)
            total = sum(_pss_bytes(p) for p in procs)
            self.peak = max(self.peak, total)
            if total > SAFETY_CAP:
                for p in procs:  # nothing holds the run: do not take the machine down
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
            time.sleep(0.01)


def test_it_kills_a_run_whose_processes_together_exceed_its_memory(attack):
    watch = _HostMemoryWatch()
    watch.start()
    try:
        r = attack(FORK_BOMB, limits=LIMITS)
    finally:
        watch.stop.set()
        watch.join()
    print(f"peak host memory of the grading: {watch.peak >> 20} MiB")
    assert watch.peak < HOST_BUDGET, f"the grading used {watch.peak >> 20} MiB of the host"
    assert r.outcome is Outcome.MEMORY_LIMIT and r.detail == "cgroup", r
    assert r.value is None
