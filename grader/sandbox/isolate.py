"""Turn a freshly forked child into a sandbox: namespaces, a minimal root, no privileges.

Runs in the child between ``fork()`` and the first line of untrusted code, while
the child is still root in the host's user namespace and already pid 1 of its
own pid namespace (the supervisor forks it that way). The order matters:

1. join the per-run cgroups, then new mount/net/ipc/uts/cgroup namespaces;
2. build a read-only root on a tmpfs (bind mounts of /usr, the interpreter,
   NumPy and the harness, nothing else), a private /proc, a capped /tmp, and a
   /dev with only null, zero, random and urandom; ``pivot_root`` into it and
   detach the host's tree;
3. become the unprivileged run uid/gid, then enter a new user namespace mapping
   only that uid onto itself, and drop every capability it gives us;
4. no_new_privs, core size 0, and the seccomp filter, last.

Whatever fails here is the grader's fault: the supervisor reports it as
``Outcome.SANDBOX_ERROR``. In development mode (``strict=False``) a failing
step is recorded and skipped instead.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from grader.sandbox import _sys, seccomp

# The child's mount namespace is private, so the new root is a tmpfs mounted on an
# empty directory of the host that only serves as the mount point. It must not be a
# folder that holds anything the sandbox binds (the interpreter, NumPy, the harness
# may live anywhere, /tmp included), or the root's tmpfs would hide its own sources.
NEW_ROOT = "/var/lib/grader-sandbox/root"


SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
}


@dataclass
class Layout:
    """What the sandbox's root contains: everything else simply does not exist."""

    ro_dirs: list[str] = field(default_factory=list)  # bound read-only at the same path
    ro_files: list[str] = field(default_factory=list)
    hidden_dirs: list[str] = field(default_factory=list)  # covered by an empty read-only tmpfs
    empty_files: list[str] = field(default_factory=list)  # created empty (package markers)
    symlinks: dict[str, str] = field(default_factory=dict)  # path -> target
    devices: tuple[str, ...] = ("null", "zero", "random", "urandom")


@dataclass
class Spec:
    uid: int
    gid: int
    tmp_mb: int
    layout: Layout
    cgroup_procs: list[str] = field(default_factory=list)  # cgroup.procs files to join
    keep_fds: tuple[int, ...] = ()
    strict: bool = True
    skipped: list[str] = field(default_factory=list)  # steps that failed in dev mode


def _step(spec: Spec, name: str, fn: Callable[..., object], *args: object) -> None:
    try:
        fn(*args)
    except OSError as exc:
        if spec.strict:
            raise OSError(exc.errno, f"sandbox step {name!r} failed: {exc}") from exc
        spec.skipped.append(f"{name}: {exc}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _join_cgroups(paths: list[str]) -> None:
    for p in paths:
        _write(p, "0")


def _mkdirs(root: str, path: str) -> str:
    target = root + path
    os.makedirs(target, mode=0o755, exist_ok=True)
    return target


def _bind_ro(src: str, dst: str, recursive: bool = False) -> None:
    flags = _sys.MS_BIND | (_sys.MS_REC if recursive else 0)
    _sys.mount(src, dst, None, flags)
    _sys.mount(
        "none",
        dst,
        None,
        _sys.MS_REMOUNT | _sys.MS_BIND | _sys.MS_RDONLY | _sys.MS_NOSUID | _sys.MS_NODEV,
    )


def _build_root(spec: Spec) -> None:
    r = NEW_ROOT
    lay = spec.layout
    os.makedirs(r, mode=0o700, exist_ok=True)  # still real root here: one stat when it exists
    _sys.mount("none", "/", None, _sys.MS_REC | _sys.MS_PRIVATE)
    _sys.mount(
        "sandbox-root",
        r,
        "tmpfs",
        _sys.MS_NOSUID | _sys.MS_NODEV,
        "size=1m,nr_inodes=4096,mode=755",
    )
    for link, target in lay.symlinks.items():
        os.symlink(target, r + link)
    # The private /tmp first: sources that live below /tmp on the host are then bound
    # on top of it, instead of being hidden by it.
    _sys.mount(
        "sandbox-tmp",
        _mkdirs(r, "/tmp"),
        "tmpfs",
        _sys.MS_NOSUID | _sys.MS_NODEV | _sys.MS_NOEXEC,
        f"size={spec.tmp_mb}m,nr_inodes={max(64, spec.tmp_mb * 64)},mode=1777",
    )
    for d in lay.ro_dirs:
        _bind_ro(d, _mkdirs(r, d))
    for d in lay.hidden_dirs:
        target = r + d
        if os.path.isdir(target):
            _sys.mount(
                "hidden",
                target,
                "tmpfs",
                _sys.MS_RDONLY | _sys.MS_NOSUID | _sys.MS_NODEV | _sys.MS_NOEXEC,
                "size=4k,nr_inodes=4,mode=555",
            )
    for f in lay.empty_files:
        _mkdirs(r, os.path.dirname(f))
        os.close(os.open(r + f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444))
    for f in lay.ro_files:
        _mkdirs(r, os.path.dirname(f))
        os.close(os.open(r + f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444))
        _bind_ro(f, r + f)
    # /dev: a tiny tmpfs holding bind mounts of a few harmless character devices.
    dev = _mkdirs(r, "/dev")
    _sys.mount("sandbox-dev", dev, "tmpfs", _sys.MS_NOSUID | _sys.MS_NOEXEC, "size=4k,mode=755")
    for name in lay.devices:
        node = f"{dev}/{name}"
        os.close(os.open(node, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        _sys.mount(f"/dev/{name}", node, None, _sys.MS_BIND)
        _sys.mount(
            "none", node, None, _sys.MS_REMOUNT | _sys.MS_BIND | _sys.MS_NOSUID | _sys.MS_NOEXEC
        )
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"{dev}/{name}")
    _sys.mount(
        "none", dev, None, _sys.MS_REMOUNT | _sys.MS_RDONLY | _sys.MS_NOSUID | _sys.MS_NOEXEC
    )
    # /proc of the new pid namespace: shows only the sandbox's own processes.
    _sys.mount("proc", _mkdirs(r, "/proc"), "proc", _sys.MS_NOSUID | _sys.MS_NODEV | _sys.MS_NOEXEC)
    old = _mkdirs(r, "/.old-root")
    _sys.pivot_root(r, old)
    os.chdir("/")
    _sys.umount2("/.old-root", _sys.MNT_DETACH)
    os.rmdir("/.old-root")
    _sys.mount(
        "none",
        "/",
        None,
        _sys.MS_REMOUNT | _sys.MS_BIND | _sys.MS_RDONLY | _sys.MS_NOSUID | _sys.MS_NODEV,
    )
    os.chdir("/tmp")


def _drop_privileges(spec: Spec) -> None:
    os.setgroups([])
    os.setresgid(spec.gid, spec.gid, spec.gid)
    os.setresuid(spec.uid, spec.uid, spec.uid)  # leaving uid 0 clears every capability


def _enter_user_namespace(spec: Spec) -> None:
    _sys.unshare(_sys.CLONE_NEWUSER)
    # The uid change made us non-dumpable, which hands /proc/self to root; we need
    # it for a moment to write our own maps, then become non-dumpable again.
    _sys.prctl(_sys.PR_SET_DUMPABLE, 1)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{spec.uid} {spec.uid} 1")
    _write("/proc/self/gid_map", f"{spec.gid} {spec.gid} 1")
    # A new user namespace hands its creator a full capability set inside it; the
    # namespaces it could act on were all created by the host's root, but drop them anyway.
    _sys.drop_all_capabilities()
    _sys.prctl(_sys.PR_SET_DUMPABLE, 0)


def _die_with_parent() -> None:
    # Any change of uid, gid or user namespace clears the parent-death signal, so it
    # is set after the last of them: the run dies with the process that forked it.
    _sys.prctl(_sys.PR_SET_PDEATHSIG, signal.SIGKILL)


def enter(spec: Spec) -> None:
    """Isolate the calling process (see the module docstring). Irreversible."""
    if spec.cgroup_procs:
        _step(spec, "cgroups", _join_cgroups, spec.cgroup_procs)
    _step(
        spec,
        "namespaces",
        _sys.unshare,
        _sys.CLONE_NEWNS | _sys.CLONE_NEWNET | _sys.CLONE_NEWIPC | _sys.CLONE_NEWUTS,
    )
    _step(spec, "cgroup namespace", _sys.unshare, _sys.CLONE_NEWCGROUP)
    _step(spec, "hostname", socket.sethostname, "sandbox")
    _step(spec, "minimal root", _build_root, spec)
    _step(spec, "unprivileged uid", _drop_privileges, spec)
    _step(spec, "user namespace", _enter_user_namespace, spec)
    _step(spec, "parent-death signal", _die_with_parent)
    _step(spec, "no_new_privs", _sys.prctl, _sys.PR_SET_NO_NEW_PRIVS, 1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.environ.clear()
    os.environ.update(SANDBOX_ENV)
    _sys.close_fds_except({0, 1, 2, *spec.keep_fds})
    _step(spec, "seccomp", seccomp.install)
    if spec.skipped:
        print("SANDBOX DEVELOPMENT MODE, missing:", "; ".join(spec.skipped), file=sys.stderr)
