"""Settings come from the environment; a bad value stops start-up naming the variable,
and production settings pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(
    env_overrides: dict[str, str], *args: str, tmp_path: Path
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {"QUIZSITE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL"),
        (
            "CELERY_BROKER_URL",
            "amqp://guest@localhost//",
            "CELERY_BROKER_URL='amqp://guest@localhost//'",
        ),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT='twenty-five' is not a whole number"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE='Mars/Olympus' is not an IANA time zone"),
        ("MEDIA_STORAGE", "ftp", "MEDIA_STORAGE='ftp' must be one of: local, s3"),
        ("GRADER_SANDBOX", "none", "GRADER_SANDBOX='none' must be one of: real, fake"),
    ],
)
def test_it_stops_on_a_bad_value_naming_the_variable(tmp_path, name, value, message):
    result = run_manage({name: value}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_requires_a_secret_key_in_production(tmp_path):
    result = run_manage(
        {"DEBUG": "0", "ALLOWED_HOSTS": "quiz.example.edu"}, "check", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_makes_and_keeps_a_local_secret_key(tmp_path):
    assert run_manage({}, "check", tmp_path=tmp_path).returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert run_manage({}, "check", tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == first and len(first) >= 50


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x7" * 30 + "-production-only-key",
        "ALLOWED_HOSTS": "quiz.example.edu",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = run_manage(
        production, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout
