"""The zygote (warm path), its restarts, forked callers, and the cold path."""

import json
import os
import sys
import threading

from grader.sandbox import run, runner
from grader.sandbox.api import Limits, Outcome
from grader.tests.sandbox.conftest import PROJECT

SELFTEST = "grader.harness._selftest:run_source"
PROBE = (
    "import os, socket, numpy\n"
    "st = open('/proc/self/status').read()\n"
    "try:\n"
    "    socket.create_connection(('127.0.0.1', 6379), timeout=1); net = 'OPEN'\n"
    "except OSError:\n"
    "    net = 'BLOCKED'\n"
    "x = {'uid': os.getuid(), 'capeff': [l for l in st.splitlines() if l.startswith('CapEff')][0],"
    f" 'net': net, 'project': os.path.exists({str(PROJECT / 'quizsite')!r}),"
    " 'np': int(numpy.arange(4).sum())}"
)


def _check_isolated(r):
    assert r.ok, r
    v = r.value
    assert v["uid"] >= 1_000_000 and v["capeff"].endswith("0000000000000000")
    assert v["net"] == "BLOCKED" and not v["project"] and v["np"] == 6


def test_it_runs_warm_through_a_zygote(sandbox_session):
    r = run(SELFTEST, {"source": PROBE, "name": "x"})
    _check_isolated(r)
    assert r.extra["mode"] == "warm" and r.extra["zygote"]


def test_it_runs_cold_with_the_same_isolation(monkeypatch, sandbox_session):
    monkeypatch.setenv(runner.NO_ZYGOTE_ENV, "1")
    r = run(SELFTEST, {"source": PROBE, "name": "x"})
    _check_isolated(r)
    assert r.extra["mode"] == "cold"


def test_it_restarts_a_dead_zygote(sandbox_session):
    first = run(SELFTEST, {"source": "x = 1", "name": "x"})
    runner._handle.proc.kill()
    runner._handle.proc.wait()
    second = run(SELFTEST, {"source": "x = 2", "name": "x"})
    assert second.ok and second.value == 2
    assert second.extra["zygote"] != first.extra["zygote"]


def test_it_gives_a_forked_caller_its_own_zygote(sandbox_session):
    parent = run(SELFTEST, {"source": "x = 'parent'", "name": "x"})
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a Celery prefork child, in miniature
        try:
            res = run(SELFTEST, {"source": "x = 'child'", "name": "x"})
            os.write(w, json.dumps([res.value, res.extra.get("zygote")]).encode())
            runner.shutdown()
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        value, zygote = json.loads(f.read())
    os.waitpid(pid, 0)
    assert value == "child" and zygote != parent.extra["zygote"]
    again = run(SELFTEST, {"source": "x = 'parent again'", "name": "x"})
    assert again.ok and again.extra["zygote"] == parent.extra["zygote"]


def test_it_serves_several_threads_of_one_process(sandbox_session):
    results = {}

    def work(i):
        results[i] = run(SELFTEST, {"source": f"x = {i} * 2", "name": "x"})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: r.value for i, r in results.items()} == {i: i * 2 for i in range(4)}
    assert all(r.outcome is Outcome.OK for r in results.values())


def test_it_grades_in_several_worker_processes_at_once(sandbox_session):
    # Like Celery's prefork pool: each process gets its own zygote and runs in parallel.
    procs = []
    for i in range(3):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                got = []
                for j in range(4):
                    res = run(SELFTEST, {"source": f"x = {i} * 100 + {j}", "name": "x"})
                    got.append([res.outcome.value, res.value, res.extra.get("mode")])
                os.write(w, json.dumps(got).encode())
                runner.shutdown()
            finally:
                os._exit(0)
        os.close(w)
        procs.append((i, pid, r))
    for i, pid, r in procs:
        with os.fdopen(r) as f:
            got = json.loads(f.read())
        os.waitpid(pid, 0)
        assert got == [["ok", i * 100 + j, "warm"] for j in range(4)]


def test_it_hands_the_worker_only_close_on_exec_descriptors(sandbox_session):
    # A subprocess the worker starts later must not inherit a run's pipes.
    run(SELFTEST, {"source": "x = 1", "name": "x"})
    child = runner._handle.child(Limits())
    try:
        fds = (child.out_r, child.err_r, child.res_r, child.ctl.fileno(), child.pidfd)
        assert not any(os.get_inheritable(fd) for fd in fds)
    finally:
        child.close()


def test_it_falls_back_to_the_cold_path_when_no_zygote_starts(monkeypatch, sandbox_session):
    runner.shutdown()
    monkeypatch.setattr(runner, "_failed_at", 0.0)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")  # no zygote can start
    r = run(SELFTEST, {"source": PROBE, "name": "x"})
    _check_isolated(r)
    assert r.extra["mode"] == "cold"


def test_it_reruns_cold_when_the_zygote_dies_during_a_run(sandbox_session):
    run(SELFTEST, {"source": "x = 0", "name": "x"})
    zygote = runner._handle.proc
    killer = threading.Timer(0.3, zygote.kill)
    killer.start()
    r = run(SELFTEST, {"source": "import time; time.sleep(1); x = 'finished'", "name": "x"})
    killer.join()
    assert r.ok and r.value == "finished", r
    assert r.extra["mode"] == "cold"
