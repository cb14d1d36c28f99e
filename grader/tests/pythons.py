"""Other CPython versions on this machine, for tests that check the grader's version
notes against the real interpreters (3.10 to 3.13; the grader itself runs on 3.11)."""

from __future__ import annotations

import glob
import os
from pathlib import Path

OTHER_VERSIONS = ("3.10", "3.12", "3.13")
ROOT = Path(__file__).resolve().parents[2]


def installed_pythons() -> dict[str, str]:
    """{version: interpreter path} for each of OTHER_VERSIONS found (pyenv or PATH)."""
    found: dict[str, str] = {}
    home = os.path.expanduser("~/.pyenv/versions")
    for version in OTHER_VERSIONS:
        candidates = sorted(glob.glob(f"{home}/{version}.*/bin/python{version}"))
        candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
        for path in candidates:
            if os.access(path, os.X_OK):
                found[version] = path
                break
    return found


def probe_env() -> dict[str, str]:
    """The environment a probe script runs in: the project importable, nothing written."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
