"""The image's default command and compose's web service start gunicorn from the same
file, deploy/gunicorn.conf.py (processes per core, threads, backlog), which the load
bench measures: a deployment never runs on settings nobody measured."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = "deploy/gunicorn.conf.py"


def test_it_starts_the_image_with_the_measured_configuration() -> None:
    cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd is not None
    args = json.loads(cmd.group(1))
    assert args[0] == "gunicorn"
    assert args[args.index("-c") + 1] == CONFIG
    assert "--workers" not in args and "--threads" not in args


def test_it_starts_compose_s_web_service_with_it_too() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"gunicorn -c {CONFIG} quizsite.wsgi:application" in compose
    assert (ROOT / CONFIG).is_file()
