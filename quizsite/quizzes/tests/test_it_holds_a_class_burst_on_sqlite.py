"""The embedded default (SQLite) holds a class's burst: concurrent saves, submits and
the grader's writes on one file database queue for the lock instead of failing with
"database is locked" (which reached students as HTTP 500 on their autosaves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_saves_and_grades_a_burst_without_a_lock_error(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quizsite.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "QUIZSITE_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "memory://",
        "CACHE_URL": "",
        "GRADER_SANDBOX": "fake",
        "DEBUG": "1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "quizsite.quizzes.tests.sqlite_burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["errors"] == []
    assert summary["journal_mode"] == "wal"
    assert summary["submitted"] == summary["students"]
    assert summary["graded"] == summary["students"]
    assert summary["last_code_kept"] == summary["students"]
