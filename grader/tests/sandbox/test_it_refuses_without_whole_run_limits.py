"""With no usable cgroup (``/sys/fs/cgroup`` hidden), doctor names the missing whole-run
limits and grading refuses before any code runs."""

from __future__ import annotations

import subprocess
import sys

from grader.tests.sandbox.conftest import PROJECT

# /sys/fs/cgroup covered by an empty tmpfs in a private mount namespace: what the
# grader sees on a host or in a container that gives it no cgroup.
HIDDEN = 'mount --make-rprivate / && mount -t tmpfs none /sys/fs/cgroup && exec "$@"'

REFUSAL = """
import sys
from grader.sandbox import SandboxUnavailable, run, runner
from grader.sandbox import supervise
def no_spawn(*args, **kwargs):
    raise AssertionError('a sandbox child was started')
supervise.spawn = no_spawn
try:
    r = run('grader.harness._selftest:run_source', {'source': 'x = 1', 'name': 'x'})
except SandboxUnavailable as exc:
    print('REFUSED:', exc)
    sys.exit(0)
print('RAN:', r)
sys.exit(1)
"""


def _hidden(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        ["unshare", "--mount", "sh", "-c", HIDDEN, "sh", *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=120,
    )


def test_it_names_the_missing_whole_run_limits_in_doctor():
    p = _hidden(
        sys.executable,
        "-c",
        "import sys; from grader.sandbox import doctor; sys.exit(doctor.main(['--quick']))",
    )
    assert p.returncode == 1, p.stdout + p.stderr
    missing = [line for line in p.stdout.splitlines() if line.startswith("[MISSING]")]
    assert len(missing) == 2, p.stdout
    assert "whole-run memory limit" in missing[0] and "whole-run process limit" in missing[1]
    assert "cgroup hierarchy: cgroups" in p.stdout and "Delegate=yes" in p.stdout
    assert "grading will refuse to start" in p.stdout


def test_it_refuses_to_grade_and_runs_nothing():
    p = _hidden(sys.executable, "-c", REFUSAL)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "REFUSED:" in p.stdout
    assert "whole-run memory limit" in p.stdout and "whole-run process limit" in p.stdout
