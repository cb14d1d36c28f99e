"""Reading attacks: the project, the bank, settings, secrets, other runs' files."""

from pathlib import Path

import pytest

from grader.sandbox import runner, supervise
from grader.tests.sandbox.conftest import PROJECT

SECRET_PATHS = [
    f"{PROJECT}/quizsite/settings.py",
    f"{PROJECT}/pyproject.toml",
    f"{PROJECT}/grader/sandbox/api.py",
    f"{PROJECT}/grader/pipeline.py",
    f"{PROJECT}/questions/bank",
    f"{PROJECT}/.env",
    "/work/shared/question-format.md",
    "CANARY/reference_solution.py",
    "CANARY/hidden_tests.json",
    "/etc/passwd",
    "/etc/shadow",
    "/root/.bash_history",
    "/root/.ssh",
    "/home",
    "/run",
    "/var/run/postgresql",
    "/var/lib/postgresql",
    "/sys/fs/cgroup",
    "/dev/shm",
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_it_hides_project_and_host_paths(attack, path):
    r = attack(f"x = [attempt(open, {path!r}), attempt(os.listdir, {path!r})]")
    assert r.ok, r
    assert all(v.startswith("BLOCKED:") for v in r.value), r.value


def test_it_shows_only_the_runtime_in_the_root(attack):
    r = attack(
        "x = sorted(os.listdir('/')), sorted(os.listdir('/root') if os.path.isdir('/root') else []), sorted(os.listdir(os.path.dirname(os.path.dirname(sys.modules['grader.sandbox.child'].__file__))))"
    )
    assert r.ok, r
    top, root_home, grader_dir = r.value
    # Whatever path the checkout and the interpreter live under, the root holds
    # the top directories of what the layout binds, and nothing more.
    lay = supervise.default_layout()
    bound = [*lay.ro_dirs, *lay.ro_files, *lay.empty_files, *lay.symlinks]
    allowed = {"dev", "proc", "tmp"} | {Path(p).parts[1] for p in bound}
    assert set(top) <= allowed, set(top) - allowed
    assert PROJECT.parts[1] in top
    # /root shows only the path down to what is bound beneath it (the interpreter)
    assert set(root_home) == {Path(p).parts[2] for p in bound if Path(p).parts[1:2] == ("root",)}
    assert set(grader_dir) <= {"__init__.py", "harness", "sandbox"}


def test_it_hides_the_environment_of_the_host_and_of_the_worker(attack, host):
    # A zygote started now inherits nothing from this process's environment.
    runner.shutdown()
    r = attack(
        "x = [dict(os.environ), attempt(lambda: open('/proc/1/environ','rb').read()),"
        " attempt(lambda: open('/proc/self/environ','rb').read())]"
    )
    assert r.ok, r
    env = r.value[0]
    assert "GRADER_TEST_SECRET" not in env
    assert not {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"} & set(
        env
    )


def test_it_shows_no_other_process_in_proc(attack):
    r = attack("x = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())")
    assert r.ok, r
    assert r.value == [1]  # only the run itself, as pid 1 of its own namespace


def _mount_points_in_tmp() -> set[str]:
    """When the project or the interpreter lives below /tmp on the host, the sandbox's
    own read-only sources are bound at the same paths, inside its private /tmp."""
    from grader.sandbox.supervise import default_layout

    lay = default_layout()
    paths = lay.ro_dirs + lay.ro_files + lay.empty_files
    return {p.split("/")[2] for p in paths if p.startswith("/tmp/")}


def test_it_gives_every_run_a_fresh_tmp(attack, host):
    ours = _mount_points_in_tmp()
    first = attack("open('/tmp/left-TOKEN', 'w').write('from run one'); x = os.listdir('/tmp')")
    assert first.ok and set(first.value) - ours == {f"left-{host.token}"}, first
    second = attack("x = [attempt(open, '/tmp/left-TOKEN'), os.listdir('/tmp')]")
    assert second.ok, second
    assert second.value[0].startswith("BLOCKED:FileNotFoundError")
    assert set(second.value[1]) - ours == set()


def test_it_keeps_everything_outside_tmp_read_only(attack):
    targets = [
        "/pwned-TOKEN",
        "/usr/pwned-TOKEN",
        f"{PROJECT}/pwned-TOKEN",
        f"{PROJECT}/grader/harness/pwned-TOKEN.py",
        "/dev/pwned-TOKEN",
        "/proc/pwned-TOKEN",
        "/root/pwned-TOKEN",
    ]
    r = attack(f"x = [attempt(lambda p=p: open(p, 'w').write('x')) for p in {targets!r}]")
    assert r.ok, r
    assert all(v.startswith("BLOCKED:") for v in r.value), r.value


def test_it_keeps_symlinks_planted_in_tmp_inside_the_sandbox(attack, host):
    # The Judge0 pattern: plant a link where the grader will write. Nothing of ours
    # ever writes inside a sandbox's file system, and the link resolves in there.
    r = attack(
        "os.symlink('CANARY/reference_solution.py', '/tmp/result.json');"
        "os.symlink('/tmp/pwned-TOKEN', '/tmp/stdout');"
        "x = [attempt(open, '/tmp/result.json'), attempt(lambda: open('/tmp/stdout', 'w').write('x'))]"
    )
    assert r.ok, r
    assert r.value[0].startswith("BLOCKED:FileNotFoundError")


def test_it_does_not_let_chroot_tricks_reach_the_host(attack):
    r = attack(
        "x = [attempt(os.chroot, '/tmp'), attempt(os.listdir, '/proc/1/root/work/shared'),"
        " attempt(open, '/../../../etc/passwd'), attempt(os.listdir, '/proc/self/cwd/../../home')]"
    )
    assert r.ok, r
    assert all(v.startswith("BLOCKED:") for v in r.value), r.value


def test_it_leaves_nothing_of_an_earlier_run_in_a_later_runs_memory(attack, host):
    # Run one carries a reference-like secret many times over; run two scans every
    # readable byte of its own memory for it. The zygote never sees payloads or
    # results, so the later child (a copy of the zygote) cannot hold them.
    marker = f"REFERENCE-{host.token}-"
    first = attack(f"blob = {marker * 2000!r}\nx = len(blob)")
    assert first.ok, first
    r = attack(
        "needle = ''.join(['REFERENCE-', 'TOKEN', '-']).encode()\n"
        "hits = 0\n"
        "for line in open('/proc/self/maps'):\n"
        "    span, perms = line.split()[:2]\n"
        "    if 'r' not in perms or '[v' in line:\n"
        "        continue\n"
        "    lo, hi = (int(v, 16) for v in span.split('-'))\n"
        "    try:\n"
        "        hits += ctypes.string_at(lo, hi - lo).count(needle)\n"
        "    except Exception:\n"
        "        pass\n"
        "x = hits"
    )
    assert r.ok, r
    assert r.value < 50, r.value  # the needle itself appears a few times; a leak is 2000+
