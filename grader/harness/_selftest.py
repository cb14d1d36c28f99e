"""Tasks used by the sandbox's own tests and benchmark.

``run_source`` executes arbitrary source, which is exactly what a hostile
submission is: the sandbox tests feed attacks through it and assert they failed.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from grader.sandbox import child


def run_source(payload: dict[str, Any]) -> Any:
    """Exec ``payload["source"]``; return variable ``payload["name"]`` or what was printed.

    With ``"mark": true`` the harness calls ``child.mark()`` before the source
    runs, so the whole source counts as the timed part.
    """
    source = payload["source"]
    name = payload.get("name")
    if payload.get("mark"):
        child.mark()
    namespace: dict[str, Any] = {"__name__": "__submission__"}
    code = compile(source, "submission.py", "exec")
    if name is None:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(code, namespace)
        return buf.getvalue()
    exec(code, namespace)
    return namespace[name]


def noop(payload: dict[str, Any]) -> Any:
    """Return the payload unchanged: the cheapest possible task (for the benchmark)."""
    return payload
