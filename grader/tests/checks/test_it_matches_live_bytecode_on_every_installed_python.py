"""The recorded opcode tables and the portable opcode names, checked against the real
CPython 3.10, 3.12 and 3.13 where this machine has them (3.11 runs the grader and is
checked in-process): each recorded table equals that interpreter's ``dis``, and each
portable name matches exactly what that interpreter compiles."""

from __future__ import annotations

import json
import subprocess

import pytest

from grader.tests.pythons import OTHER_VERSIONS, ROOT, installed_pythons, probe_env

PROBE = ROOT / "grader" / "tests" / "checks" / "opcode_probe.py"
PYTHONS = installed_pythons()


def _probe(python: str) -> dict:
    out = subprocess.run(
        [python, str(PROBE)], capture_output=True, text=True, env=probe_env(), cwd=ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


@pytest.mark.parametrize("version", OTHER_VERSIONS)
def test_it_matches_the_recorded_table_and_portable_names_live(version) -> None:
    python = PYTHONS.get(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    from opcode_probe import ROWS

    got = _probe(python)

    assert got["python"] == version
    assert got["table_differences"] == []
    assert got["jumps_agree"] and got["binary_op_agrees"]
    assert got["matches"] == [expected for _, _, expected in ROWS]


def test_it_gives_the_running_python_the_same_answers() -> None:
    import sys

    from opcode_probe import ROWS

    got = _probe(sys.executable)
    assert got["table_differences"] == []
    assert got["matches"] == [expected for _, _, expected in ROWS]
