"""Process attacks: bombs, daemons, killing or tracing anything outside the run."""

import os

from grader.sandbox import runner
from grader.sandbox.api import Limits, Outcome

FAST = Limits(cpu_seconds=1.0, wall_seconds=3.0)


def test_it_stops_a_fork_bomb(attack):
    r = attack(
        "import time\n"
        "n = 0\n"
        "errors = set()\n"
        "for _ in range(2000):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30); os._exit(0)\n"
        "        n += 1\n"
        "    except OSError as e:\n"
        "        errors.add(type(e).__name__)\n"
        "x = [n, sorted(errors)]",
        limits=FAST,
    )
    assert r.ok, r
    n, errors = r.value
    assert n <= FAST.processes and errors, r.value


def test_it_stops_a_thread_bomb(attack):
    r = attack(
        "import threading, time\n"
        "n = 0\n"
        "try:\n"
        "    while n < 5000:\n"
        "        threading.Thread(target=time.sleep, args=(30,), daemon=True).start(); n += 1\n"
        "except RuntimeError as e:\n"
        "    pass\n"
        "x = n",
        limits=FAST,
    )
    assert r.ok, r
    assert r.value <= FAST.processes


def test_it_kills_daemons_that_try_to_outlive_the_run(attack):
    r = attack(
        "import time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(2)\n"
        "        open('/tmp/pwned-TOKEN', 'w').write('still alive')\n"
        "        while True: pass\n"
        "    os._exit(0)\n"
        "x = 'parent returns at once'",
        limits=FAST,
    )
    assert r.ok, r  # and the fixture asserts no process of the run's uid is left


def test_it_cannot_kill_the_worker_or_the_zygote(attack):
    r = attack(
        "import signal\n"
        "x = [attempt(os.kill, os.getppid() or 1, 0), attempt(os.kill, -1, signal.SIGKILL),"
        " [attempt(os.kill, pid, 0) for pid in range(2, 5000)].count('OPEN:None')]",
    )
    assert r.ok, r
    assert r.value[2] == 0  # no host pid is even visible
    assert os.getpid()  # we are alive
    assert runner._handle is None or runner._handle.alive()
    again = attack("x = 'still grading'")
    assert again.ok and again.value == "still grading"


def test_it_kills_a_run_that_kills_its_own_process_group(attack):
    r = attack("import signal; os.kill(0, signal.SIGKILL)")
    assert r.outcome in (Outcome.SIGNALED, Outcome.EXCEPTION), r
    assert r.outcome.is_student_fault


def test_it_refuses_ptrace(attack):
    r = attack(
        "PTRACE_TRACEME, PTRACE_ATTACH = 0, 16\n"
        "x = [syscall_errno(101, PTRACE_TRACEME, 0, 0, 0), syscall_errno(101, PTRACE_ATTACH, 1, 0, 0),"
        " attempt(lambda: open('/proc/1/mem', 'rb').read(1))]"
    )
    assert r.ok, r
    assert all(v.startswith("BLOCKED") for v in r.value), r.value


def test_it_refuses_reading_other_process_memory(attack):
    # process_vm_readv (310) towards pid 1, even our own namespace's
    r = attack("x = syscall_errno(310, 1, 0, 0, 0, 0, 0)")
    assert r.ok and r.value.startswith("BLOCKED"), r
