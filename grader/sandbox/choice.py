"""Which sandbox runs the tasks: picked by name, once, where a process starts.

``choose(name)`` is the only place that turns a name into a run function:

- ``"real"``: the isolated runner, ``grader.sandbox.runner.run``;
- ``"fake"``: ``grader.sandbox.fake.run``, in-process with no isolation at all
  (pipeline tests, and staff code a developer trusts);
- ``"auto"``: the real one when it will run on this machine (every essential
  protection active, or development mode), else the fake one with a warning. Only
  for code staff wrote (``python -m grader check``), never for a student's.

The name comes from configuration read at start-up: ``GRADER_SANDBOX`` in the
site's settings (workers, the bank sync, ``manage.py import_bank``) and
``--sandbox`` on ``python -m grader``. Callers keep the function they were given;
none of them imports ``runner`` or ``fake`` to decide for itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from grader.sandbox import fake, protections, runner
from grader.sandbox.api import SandboxRun

log = logging.getLogger("grader.sandbox")

NAMES = ("real", "fake")  # what GRADER_SANDBOX and ``--sandbox`` accept
STAFF_NAMES = (*NAMES, "auto")  # ``auto`` only where the code run is staff's own

UNAVAILABLE_NOTE = "the isolated sandbox is not available; running without isolation"


def choose(name: str, warn: Callable[[str], object] = log.warning) -> SandboxRun:
    """The run function called ``name`` (``real``, ``fake`` or ``auto``, see above).

    ``warn`` hears, once, that ``auto`` fell back to running without isolation.
    """
    if name == "real":
        return runner.run
    if name == "fake":
        return fake.run
    if name == "auto":
        if protections.usable():
            return runner.run
        warn(UNAVAILABLE_NOTE)
        return fake.run
    raise ValueError(f"unknown sandbox {name!r}: one of {', '.join(STAFF_NAMES)}")
