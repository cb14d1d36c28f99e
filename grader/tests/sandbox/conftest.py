"""Fixtures for the sandbox tests: real sandbox runs wrapped in host-unchanged checks.

Every hostile run goes through ``attack()``, which snapshots what a successful
escape would change on the host (a canary directory, files named after a
per-test token in the places an attack writes to, processes and sockets of the
run's uid, free disk space, the zygote's life) and asserts after the run that
nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from grader.sandbox import runner
from grader.sandbox.api import Limits, RunResult

SELFTEST = "grader.harness._selftest:run_source"
PROJECT = Path(__file__).resolve().parents[3]
DEFAULT = Limits()
DISK_DROP_LIMIT = 256 * 1024 * 1024  # an escaped disk flood writes far more than this
# A machine that emulates its CPU (scripts/vm-test.sh without working KVM) runs
# everything several times slower: attacks get that much more CPU and wall time, so
# that a memory or process attack still meets its own limit before the CPU limit.
SLOWDOWN = float(os.environ.get("GRADER_TEST_SLOWDOWN", "1"))


def _slowed(limits: Limits) -> Limits:
    if SLOWDOWN == 1:
        return limits
    return replace(
        limits, cpu_seconds=limits.cpu_seconds * SLOWDOWN, wall_seconds=limits.wall * SLOWDOWN
    )


# Prepended to every attack: ``attempt(fn)`` is "BLOCKED:<exception>" or "OPEN:<what it got>".
PRELUDE = """
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
def attempt(fn, *args):
    try:
        got = fn(*args)
    except BaseException as exc:
        return 'BLOCKED:' + type(exc).__name__
    return 'OPEN:' + repr(got)[:300]
def syscall_errno(nr, *args):
    ret = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    return 'OPEN' if ret != -1 else 'BLOCKED:' + os.strerror(ctypes.get_errno())
"""


from grader.tests.conftest import NEEDS_ROOT  # noqa: E402

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if HERE in path.parents and path.name != "test_it_fakes_runs_without_isolation.py":
            item.add_marker(pytest.mark.skip(reason=NEEDS_ROOT))


@dataclass
class Host:
    token: str
    canary_dir: Path
    canary_secret: str

    def planted_paths(self) -> list[Path]:
        """Where attacks try to leave a file named after the token."""
        name = f"pwned-{self.token}"
        return [
            Path("/tmp") / name,
            Path("/var/tmp") / name,
            Path("/dev/shm") / name,
            PROJECT / name,
            PROJECT / "grader" / "harness" / f"{name}.py",
            Path("/root") / name,
            self.canary_dir / name,
        ]


def _canary_digest(d: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(d.rglob("*")):
        h.update(str(p).encode())
        if p.is_file() and not p.is_symlink():
            h.update(p.read_bytes())
    return h.hexdigest()


def _uid_processes(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            st = os.stat(f"/proc/{entry}")
        except FileNotFoundError:
            continue
        if st.st_uid == uid:
            found.append(int(entry))
    return found


def _uid_sockets(uid: int) -> list[str]:
    rows = []
    for name in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 7 and cols[7] == str(uid):
                rows.append(f"{name}: {line.strip()}")
    return rows


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[None]:
    yield
    runner.shutdown()


@pytest.fixture
def host(tmp_path_factory, monkeypatch, sandbox_session) -> Iterator[Host]:
    token = secrets.token_hex(8)
    canary = tmp_path_factory.mktemp("canary")
    secret = f"canary-secret-{token}"
    (canary / "reference_solution.py").write_text(f"ANSWER = {secret!r}\n")
    (canary / "hidden_tests.json").write_text(f'{{"expected": "{secret}"}}\n')
    monkeypatch.setenv("GRADER_TEST_SECRET", secret)
    yield Host(token, canary, secret)


@pytest.fixture
def attack(host: Host) -> Callable[..., RunResult]:
    """Run hostile source in a real sandbox and assert the host did not change."""

    def run_attack(
        source: str, name: str | None = "x", limits: Limits = DEFAULT, **payload
    ) -> RunResult:
        before_digest = _canary_digest(host.canary_dir)
        disk_before = os.statvfs("/")
        payload = {
            "source": PRELUDE
            + source.replace("TOKEN", host.token).replace("CANARY", str(host.canary_dir)),
            **payload,
        }
        if name is not None:
            payload["name"] = name
        result = runner.run(SELFTEST, payload, _slowed(limits))
        # --- the host is unchanged ---
        assert _canary_digest(host.canary_dir) == before_digest, "canary files changed"
        for p in host.planted_paths():
            assert not os.path.lexists(p), f"the sandbox created {p} on the host"
        uid = result.extra.get("uid")
        if uid is not None:
            assert uid >= 1_000_000, "the run did not get an unprivileged high uid"
            deadline = time.monotonic() + 5
            while _uid_processes(uid) and time.monotonic() < deadline:
                time.sleep(0.02)  # the zygote reaps right after it answers
            assert _uid_processes(uid) == [], "processes of the run outlived it"
            assert _uid_sockets(uid) == [], "the run left sockets on the host"
        disk_after = os.statvfs("/")
        dropped = (disk_before.f_bavail - disk_after.f_bavail) * disk_after.f_frsize
        assert dropped < DISK_DROP_LIMIT, f"host disk dropped by {dropped} bytes"
        h = runner._handle
        if h is not None:
            assert h.alive(), "the zygote died"
        blob = repr(result.value) + result.stdout + result.stderr + result.exc_message
        assert host.canary_secret not in blob, "a secret reached the sandbox"
        return result

    return run_attack
