"""Resource attacks: CPU, sleep, memory, disk, inodes, file size, descriptors, output."""

import pytest

from grader.sandbox import cgroups
from grader.sandbox.api import Limits, Outcome

SHORT = Limits(cpu_seconds=0.5, wall_seconds=1.0)
# A wall limit far above the CPU limit, so that a busy machine cannot turn the
# CPU limit into a wall-clock one.
CPU_BOUND = Limits(cpu_seconds=0.5, wall_seconds=30.0)


def test_it_stops_a_cpu_loop_on_cpu_time(attack):
    r = attack("while True: pass", limits=CPU_BOUND)
    assert r.outcome is Outcome.TIME_LIMIT and r.detail == "cpu", r
    assert r.cpu_seconds >= CPU_BOUND.cpu_seconds


def test_it_stops_a_cpu_loop_that_ignores_sigxcpu(attack):
    r = attack(
        "import signal; signal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True: pass",
        limits=CPU_BOUND,
    )
    assert r.outcome is Outcome.TIME_LIMIT and r.detail == "cpu", r


def test_it_stops_sleeping_forever_on_wall_time(attack):
    r = attack("import time; time.sleep(3600)", limits=SHORT)
    assert r.outcome is Outcome.TIME_LIMIT and r.detail == "wall", r


def test_it_stops_cpu_burnt_in_child_processes(attack):
    r = attack(
        "for _ in range(4):\n    if os.fork() == 0:\n        while True: pass\nos.wait()",
        limits=SHORT,
    )
    assert r.outcome is Outcome.TIME_LIMIT, r


def test_it_stops_a_memory_bomb(attack):
    r = attack(
        "x = []\nwhile True: x.append(bytearray(16 * 1024 * 1024))", limits=Limits(memory_mb=128)
    )
    assert r.outcome is Outcome.MEMORY_LIMIT, r


def test_it_stops_a_numpy_memory_bomb_that_touches_its_pages(attack):
    r = attack("import numpy as np\nx = np.ones(10**9)", limits=Limits(memory_mb=128))
    assert r.outcome is Outcome.MEMORY_LIMIT, r


def test_it_caps_tmp_against_a_disk_flood(attack):
    r = attack(
        "n = 0\n"
        "try:\n"
        "    with open('/tmp/flood', 'wb') as f:\n"
        "        while n < 1024: f.write(b'x' * 1024 * 1024); f.flush(); n += 1\n"
        "except OSError as e:\n"
        "    err = e.strerror\n"
        "try:\n"
        "    with open('/tmp/flood2', 'wb') as f:\n"
        "        while n < 2048: f.write(b'x' * 1024 * 1024); f.flush(); n += 1\n"
        "except OSError as e:\n"
        "    err = e.strerror\n"
        "x = [n, err]",
        limits=Limits(tmp_mb=16, file_size_mb=8),
    )
    assert r.ok, r
    written_mb, err = r.value
    assert written_mb <= 16 and err, r.value


def test_it_caps_tmp_against_an_inode_flood(attack):
    r = attack(
        "n = 0\n"
        "try:\n"
        "    while n < 100000: open(f'/tmp/f{n}', 'w').close(); n += 1\n"
        "except OSError as e:\n"
        "    err = e.strerror\n"
        "x = [n, err]",
        limits=Limits(tmp_mb=4),
    )
    assert r.ok, r
    assert r.value[0] < 100000 and r.value[1], r.value


def test_it_caps_open_files(attack):
    r = attack("fs = []\nx = attempt(lambda: [fs.append(open('/dev/null')) for _ in range(10000)])")
    assert r.ok and r.value == "BLOCKED:OSError", r


def test_it_caps_stdout(attack):
    r = attack("while True: os.write(1, b'y' * 65536)", limits=Limits(output_bytes=10000))
    assert r.outcome is Outcome.OUTPUT_LIMIT and r.detail == "output", r
    assert len(r.stdout) <= 10000


def test_it_caps_stderr(attack):
    r = attack("while True: sys.stderr.write('e' * 4096)", limits=Limits(output_bytes=10000))
    assert r.outcome is Outcome.OUTPUT_LIMIT, r
    assert len(r.stderr) <= 10000


def test_it_caps_the_result(attack):
    r = attack("x = 'z' * (2 * 1024 * 1024)", limits=Limits(result_bytes=1024 * 1024))
    assert r.outcome is Outcome.OUTPUT_LIMIT and r.detail == "result", r
    assert r.value is None


@pytest.mark.skipif(not cgroups.available("memory"), reason="no writable memory cgroup here")
def test_it_counts_tmp_files_against_the_memory_cgroup(attack):
    # /tmp is a tmpfs: its pages are memory. A /tmp larger than the memory limit is
    # still held by the run's memory cgroup (an OOM kill, seen from outside).
    r = attack(
        "with open('/tmp/big', 'wb') as f:\n"
        "    for _ in range(180): f.write(b'x' * (1 << 20))\n"
        "x = 'wrote it all'",
        limits=Limits(memory_mb=32, tmp_mb=200, file_size_mb=500),
    )
    assert r.outcome is Outcome.MEMORY_LIMIT and r.detail == "cgroup", r
